package io.rtvoice.emulator;

import io.rtvoice.Dialect;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test client on the JDK's own {@code java.net.http.WebSocket} (not rtvoice's transport, so the two
 * check each other): records every frame the emulator sends, decoded with the codec of its dialect.
 */
final class WsClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What the server sent: a raw text frame, or the close. */
    record Received(String text, Integer closeCode, String closeReason, Throwable error) {
    }

    private final WebSocket socket;
    private final EventCodec codec;
    private final BlockingQueue<Received> inbox;
    private final List<ServerEvent> events = new ArrayList<>();
    final String subprotocol;

    private WsClient(WebSocket socket, Dialect dialect, BlockingQueue<Received> inbox) {
        this.socket = socket;
        this.codec = EventCodec.of(dialect);
        this.subprotocol = socket.getSubprotocol();
        this.inbox = inbox;
    }

    /** Connects; headers and subprotocols as given. The handshake failure is thrown as is. */
    static WsClient connect(URI uri, Dialect dialect, Map<String, String> headers, String... subprotocols) {
        return connect(HttpClient.newHttpClient(), uri, dialect, headers, subprotocols);
    }

    /** Connects with this HTTP client (its TLS context, say). */
    static WsClient connect(HttpClient http, URI uri, Dialect dialect, Map<String, String> headers, String... subprotocols) {
        BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        Listener listener = new Listener(inbox);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        WebSocket socket = builder.buildAsync(uri, listener).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return new WsClient(socket, dialect, inbox);
    }

    /** The HTTP status of a refused handshake. */
    static int refusedStatus(URI uri, Map<String, String> headers, String... subprotocols) {
        try {
            connect(uri, Dialect.GA, headers, subprotocols).close();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    void send(ClientEvent event) {
        sendText(new String(codec.encode(event), StandardCharsets.UTF_8));
    }

    void sendText(String json) {
        socket.sendText(json, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void sendPing() {
        socket.sendPing(ByteBuffer.wrap(new byte[] {1})).join();
    }

    /** The next server event (decoded); fails on timeout, close or a frame the codec rejects. */
    ServerEvent next() throws Exception {
        Received r = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no server event within " + TIMEOUT + "; so far: " + types());
        }
        if (r.text() == null) {
            throw new AssertionError("connection ended (" + r.closeCode() + " " + r.closeReason() + ", " + r.error() + "); so far: " + types());
        }
        ServerEvent e = codec.decodeServerEvent(r.text());
        events.add(e);
        return e;
    }

    /** The next raw frame or close, or {@code null} on timeout. */
    Received nextRaw(Duration timeout) throws InterruptedException {
        return inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads events until one of {@code type} arrives and returns it. */
    <T extends ServerEvent> T await(Class<T> type) throws Exception {
        return type.cast(awaitMatching(type::isInstance));
    }

    ServerEvent awaitMatching(Predicate<ServerEvent> match) throws Exception {
        while (true) {
            ServerEvent e = next();
            if (match.test(e)) {
                return e;
            }
        }
    }

    /** Every event received so far, in order. */
    List<ServerEvent> events() {
        return events;
    }

    List<String> types() {
        return events.stream().map(ServerEvent::type).toList();
    }

    /** Sends a close frame and waits for the server's; returns it. */
    Received closeAndAwaitReply(int code, String reason) throws InterruptedException {
        socket.sendClose(code, reason).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        while (true) {
            Received r = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null || r.closeCode() != null || r.error() != null) {
                return r;
            }
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<Received> inbox;
        private final StringBuilder partial = new StringBuilder();

        Listener(BlockingQueue<Received> inbox) {
            this.inbox = inbox;
        }

        private void put(Received r) {
            inbox.add(r);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                put(new Received(partial.toString(), null, null, null));
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            byte[] payload = new byte[message.remaining()];
            message.get(payload);
            put(new Received("PONG:" + java.util.Arrays.toString(payload), null, null, null));
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            put(new Received(null, statusCode, reason, null));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            put(new Received(null, null, null, error));
        }
    }
}
