package io.rtvoice.transport.websocket;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * A server that does what a real one must not: it echoes the credential it was sent back in its HTTP
 * reason phrase, in an {@code error} event and in its close reason. It records every request's headers.
 * On all interfaces, so a test can also reach it by a non-loopback address.
 */
final class HostileServer implements AutoCloseable {

    /** What the server does with a request. */
    enum Mode {
        /** {@code HTTP 401 Incorrect key <the key>}. */
        REFUSE_ECHOING_THE_KEY,
        /** Upgrades, sends an {@code error} event quoting the key, then closes 1008 with the key in the reason. */
        ACCEPT_THEN_ECHO_THE_KEY
    }

    private final DisposableServer server;
    /** The headers of each request, in arrival order. */
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    HostileServer(Mode mode) {
        server = HttpServer.create().host("0.0.0.0").port(0).handle((req, res) -> {
            Map<String, String> headers = req.requestHeaders().entries().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a + "," + b));
            requests.add(headers);
            String key = key(headers);
            if (mode == Mode.REFUSE_ECHOING_THE_KEY) {
                return res.status(new HttpResponseStatus(401, "Incorrect key " + key)).send();
            }
            return res.sendWebsocket((in, out) -> out.sendString(Mono.just("{\"type\":\"error\",\"event_id\":\"event_1\",\"error\":"
                    + "{\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\",\"message\":\"Incorrect API key provided: " + key
                    + "\"}}")).then(out.sendClose(1008, "bad key " + key)).then(in.receive().then()),
                    WebsocketServerSpec.builder().protocols("realtime").build());
        }).bindNow();
    }

    private static String key(Map<String, String> headers) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase("api-key")) {
                return h.getValue();
            }
            if (h.getKey().equalsIgnoreCase("authorization")) {
                return h.getValue().replaceFirst("^Bearer ", "");
            }
        }
        return "(none)";
    }

    int port() {
        return server.port();
    }

    /** {@code scheme://host:port/v1/realtime}. */
    URI uri(String scheme, String host) {
        return URI.create(scheme + "://" + host + ":" + port() + "/v1/realtime");
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
