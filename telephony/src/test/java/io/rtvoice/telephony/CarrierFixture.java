package io.rtvoice.telephony;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier as a program: its media-stream protocol spoken by the JDK's WebSocket client, with a clock of its own.
 * Every 20 ms it sends the next chunk of its script (silence once the script is over, as a carrier keeps streaming)
 * and plays one chunk of what it was sent ({@link #tick()}); every message it receives is kept.
 */
abstract class CarrierFixture implements WebSocket.Listener, AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final int rate;
    final int chunk;
    private final ConcurrentLinkedQueue<String> outgoing = new ConcurrentLinkedQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private Thread clock;
    private volatile boolean stopped;
    private short[] script = new short[0];
    private int scriptAt;
    long chunksSent;

    CarrierFixture(int rate) {
        this.rate = rate;
        this.chunk = rate / 50;
    }

    /** Connects to {@code uri}. */
    void connect(URI uri) {
        connect(uri, Map.of());
    }

    /** Connects to {@code uri}, the upgrade request carrying {@code headers} too. */
    void connect(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, this).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends at once (before the clock runs, or from the test's thread). */
    void sendNow(String text) {
        synchronized (outgoing) {
            socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        }
    }

    void sendBinary(byte[] bytes) {
        synchronized (outgoing) {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        }
    }

    /** Queued: sent on the clock's next tick, in order. */
    void queue(String text) {
        outgoing.add(text);
    }

    /** Starts the clock: {@code audio} at real-time pace, then silence. */
    void speak(short[] audio) {
        script = audio;
        clock = new Thread(this::run, getClass().getSimpleName() + "-clock");
        clock.setDaemon(true);
        clock.start();
    }

    /** Whether the script has been sent through. */
    boolean scriptDone() {
        return scriptAt >= script.length;
    }

    private void run() {
        long start = System.nanoTime();
        for (long n = 0; !stopped; n++) {
            long due = start + n * 20_000_000L;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            short[] next = new short[chunk];
            int take = Math.max(0, Math.min(chunk, script.length - scriptAt));
            System.arraycopy(script, scriptAt, next, 0, take);
            scriptAt += take;
            synchronized (this) {
                queue(inbound(next));
                chunksSent++;
                tick();
            }
            try {
                for (String text = outgoing.poll(); text != null; text = outgoing.poll()) {
                    sendNow(text);
                }
            } catch (RuntimeException closed) {
                return;
            }
        }
    }

    /** The message carrying one chunk of the caller's audio. */
    abstract String inbound(short[] pcm);

    /** Plays one chunk of what was received (under this object's lock). */
    abstract void tick();

    /** A message from the server (under this object's lock). */
    abstract void onMessage(JsonNode message);

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                JsonNode message = JSON.readTree(text);
                received.add(message);
                synchronized (this) {
                    onMessage(message);
                }
            } catch (Exception e) {
                throw new IllegalStateException("the server sent a text that is not JSON: " + text, e);
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
        stopped = true;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        stopped = true;
        closeCode.complete(1006);
    }

    /** The close code the server sent. */
    int awaitClose() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Drops the connection without a close frame. */
    void drop() {
        stopped = true;
        socket.abort();
    }

    @Override
    public void close() {
        stopped = true;
        if (!socket.isOutputClosed()) {
            try {
                synchronized (outgoing) {
                    socket.sendClose(1000, "done");
                }
            } catch (RuntimeException ignored) {
                // already closing
            }
        }
        socket.abort();
    }
}
