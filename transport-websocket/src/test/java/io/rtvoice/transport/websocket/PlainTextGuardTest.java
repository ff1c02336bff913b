package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.transport.TransportException;
import io.rtvoice.transport.TransportRequest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * No spelling of a plain-text scheme reaches a host that is not loopback unless the transport was told so;
 * proven against a server listening on this machine's own non-loopback address.
 */
class PlainTextGuardTest {

    // Not shaped like a secret: the allowed connection below shows it in the server's reason phrase.
    private static final String KEY = "plain-text-guard-key";

    private static Optional<String> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .map(InetAddress::getHostAddress)
                .findFirst();
    }

    private static RealtimeClient client(Endpoint endpoint, WebSocketTransport transport) {
        return RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey(KEY)).transport(transport).build();
    }

    @Test
    void plainTextToANonLoopbackHostIsRefusedForEverySchemeSpelling() throws Exception {
        Optional<String> address = nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");
        String host = address.get();
        try (HostileServer server = new HostileServer(HostileServer.Mode.REFUSE_ECHOING_THE_KEY)) {
            List<Endpoint> endpoints = List.of(
                    Endpoint.custom(server.uri("ws", host), Dialect.GA),
                    Endpoint.custom(server.uri("WS", host), Dialect.GA),
                    Endpoint.custom(server.uri("http", host), Dialect.GA),
                    Endpoint.custom(server.uri("HTTP", host), Dialect.GA),
                    Endpoint.azure(URI.create("HTTP://" + host + ":" + server.port()), "dep"),
                    Endpoint.azurePreview(URI.create("Http://" + host + ":" + server.port()), "dep", "2024-10-01-preview"));
            for (Endpoint endpoint : endpoints) {
                assertThat(endpoint.uri().getScheme()).isEqualTo("ws");
                StepVerifier.create(client(endpoint, WebSocketTransport.create()).connect())
                        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportException.class)
                                .hasMessageContaining("refusing unencrypted ws:// to non-loopback host " + host))
                        .verify(Duration.ofSeconds(10));
            }
            // A transport handed an http:// request directly (not through Endpoint) refuses it alike.
            for (String scheme : List.of("http", "HTTP", "Ws")) {
                TransportRequest request = new TransportRequest(server.uri(scheme, host), Map.of("Authorization", "Bearer " + KEY),
                        List.of("realtime"), 1 << 20, Duration.ofSeconds(5));
                StepVerifier.create(WebSocketTransport.create().connect(request))
                        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportException.class)
                                .hasMessageContaining("refusing unencrypted " + scheme.toLowerCase() + "://"))
                        .verify(Duration.ofSeconds(10));
            }
            assertThat(server.requests).isEmpty();

            // Opted in, the same endpoint is reached (and refused by the server's 401).
            StepVerifier.create(client(Endpoint.custom(server.uri("HTTP", host), Dialect.GA),
                    WebSocketTransport.create().allowingPlainWebSocketToAnyHost()).connect())
                    .expectErrorSatisfies(e -> assertThat(((TransportException) e).httpStatus()).isEqualTo(401))
                    .verify(Duration.ofSeconds(10));
            assertThat(server.requests).hasSize(1);
        }
    }
}
