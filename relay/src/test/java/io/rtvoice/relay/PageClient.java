package io.rtvoice.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A page as a program: the relay's WebSocket protocol spoken by the JDK's WebSocket client, every message kept. */
final class PageClient implements WebSocket.Listener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    /** Opens {@code relay}'s page socket, sending {@code origin} (null: none, as a program would). */
    static PageClient open(VoiceRelay relay, String origin) {
        PageClient page = new PageClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        page.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + relay.port() + "/ws"), page)
                .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return page;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            texts.add(text);
            try {
                messages.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new IllegalStateException("the relay sent a text that is not JSON: " + text, e);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        closeReason.complete(reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(1006);
        closeReason.complete(String.valueOf(error));
    }

    void text(String text) {
        socket.sendText(text, true).join();
    }

    void binary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next message of this type, skipping others. */
    JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonNode m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no '" + type + "' message within " + TIMEOUT + "; got " + texts);
            }
            if (type.equals(m.path("type").asText())) {
                return m;
            }
        }
    }

    int awaitClose() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(1000, "done");
        }
        socket.abort();
    }
}
