package io.rtvoice.bench.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A program that behaves like the relay's web page (app.js and its worklets): it sends {@code start}, then a 20 ms
 * PCM16 frame every 20 ms (what it was told to say, else silence), plays what it receives on a simulated clock
 * (each sample in real time after the ones before it, never before it arrived), reports what it played after every
 * frame, and answers {@code clear} with what it had played when it dropped the rest. The JDK's WebSocket client.
 *
 * <p>Everything the page sends goes from one thread of its own (the JDK socket sends one message at a time);
 * what it receives comes on the client's threads. Times are {@link System#nanoTime()}.
 */
final class SyntheticPage implements WebSocket.Listener, AutoCloseable {

    static final int RATE_HZ = 24_000;
    private static final int FRAME_BYTES = WireClock.PAGE_FRAME_SAMPLES * 2;
    private static final byte[] SILENCE = new byte[FRAME_BYTES];
    private static final int SENT_WINDOW = 1 << 14; // frames whose send time is kept: 5.5 minutes
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final Queue<byte[]> toSay = new ConcurrentLinkedQueue<>();
    private final AtomicLongArray sentNanos = new AtomicLongArray(SENT_WINDOW);
    private final ScheduledExecutorService sender;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final Object player = new Object();
    private WebSocket socket;
    private long framesSent; // the sender thread's
    private volatile long framesSentPublished; // the same, for the relay's side to read
    private volatile boolean measuring;

    // The simulated player, under `player`.
    private long received;      // samples received
    private long dropped;       // samples dropped by clears
    private long queueEndNanos; // when everything received will have been played
    private boolean armed;      // the next non-zero sample is an answer's first
    private long answerReceivedNanos;
    private long answerPlayedNanos;
    private long lastAudibleNanos;

    private SyntheticPage(String name) {
        sender = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the relay's page socket ({@code ws://127.0.0.1:PORT/ws}) and sends {@code start}; audio begins at {@code ready}. */
    static SyntheticPage open(URI socketUri, String name, Duration timeout) throws InterruptedException {
        SyntheticPage page = new SyntheticPage(name);
        page.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(socketUri, page).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        page.sendNow("{\"type\":\"start\",\"sampleRate\":" + RATE_HZ + ",\"outputLatencyMs\":0}");
        page.next("ready", timeout);
        return page;
    }

    /** Starts the microphone: a frame every 20 ms from now on, and a {@code played} report after each. */
    void startSpeaking() {
        sender.scheduleAtFixedRate(this::tick, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** Queues an utterance (24 kHz PCM16), sent in real time after what was queued before; the next non-zero sample received is taken as its answer's first. */
    void say(byte[] pcm16) {
        synchronized (player) {
            armed = true;
            answerReceivedNanos = 0;
            answerPlayedNanos = 0;
        }
        for (int at = 0; at < pcm16.length; at += FRAME_BYTES) {
            toSay.add(Arrays.copyOfRange(pcm16, at, at + FRAME_BYTES)); // the last frame padded with silence
        }
    }

    /** Frames sent from now on are measured (after the warm-up). */
    void measure() {
        measuring = true;
    }

    boolean measuring() {
        return measuring;
    }

    /** When frame {@code index} was handed to the socket, or 0 if not known (not yet sent, or long ago). */
    long sentNanos(long index) {
        long at = sentNanos.get((int) (index % SENT_WINDOW));
        long sent = framesSentPublished;
        return index < sent && index >= sent - SENT_WINDOW ? at : 0;
    }

    /** When the answer's first non-zero sample arrived, and when the simulated player played it; zeros while not yet. */
    long[] answerTimes() {
        synchronized (player) {
            return new long[] {answerReceivedNanos, answerPlayedNanos};
        }
    }

    /** When a non-zero sample last arrived. */
    long lastAudibleNanos() {
        synchronized (player) {
            return lastAudibleNanos;
        }
    }

    /** The next message of this type, skipping others. */
    JsonNode next(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new IllegalStateException("the relay sent no '" + type + "' within " + timeout);
            }
            String got = m.path("type").asText();
            if (type.equals(got)) {
                return m;
            }
            if (got.equals("error") || got.equals("ended")) {
                throw new IllegalStateException("the relay said " + m);
            }
        }
    }

    private void tick() {
        byte[] frame = toSay.poll();
        long index = framesSent;
        sentNanos.set((int) (index % SENT_WINDOW), System.nanoTime());
        framesSent = index + 1;
        framesSentPublished = framesSent;
        socket.sendBinary(ByteBuffer.wrap(frame == null ? SILENCE : frame), true).join();
        socket.sendText("{\"type\":\"played\",\"frames\":" + played(System.nanoTime()) + "}", true).join();
    }

    /** Samples played by {@code now}: everything received and not dropped, less what is still queued. */
    private long played(long now) {
        synchronized (player) {
            long queued = Math.max(0, queueEndNanos - now) * RATE_HZ / 1_000_000_000L;
            return Math.max(0, received - dropped - queued);
        }
    }

    private void clear() {
        long now = System.nanoTime();
        long played;
        synchronized (player) {
            long queued = Math.max(0, queueEndNanos - now) * RATE_HZ / 1_000_000_000L;
            dropped += Math.min(queued, received - dropped);
            queueEndNanos = Math.min(queueEndNanos, now);
            played = Math.max(0, received - dropped);
        }
        socket.sendText("{\"type\":\"cleared\",\"played\":" + played + "}", true).join();
    }

    private void sendNow(String message) {
        sender.submit(() -> socket.sendText(message, true).join());
    }

    private void play(long now, byte[] pcm) {
        int samples = pcm.length / 2;
        synchronized (player) {
            long start = Math.max(now, queueEndNanos);
            int audible = -1;
            for (int i = 0; i < samples; i++) {
                if (pcm[2 * i] != 0 || pcm[2 * i + 1] != 0) {
                    audible = i;
                    break;
                }
            }
            if (audible >= 0) {
                lastAudibleNanos = now;
                if (armed) {
                    armed = false;
                    answerReceivedNanos = now;
                    answerPlayedNanos = start + audible * 1_000_000_000L / RATE_HZ;
                }
            }
            received += samples;
            queueEndNanos = start + samples * 1_000_000_000L / RATE_HZ;
        }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        long now = System.nanoTime();
        byte[] part = new byte[data.remaining()];
        data.get(part);
        if (last && binary.size() == 0) {
            play(now, part);
        } else {
            binary.writeBytes(part);
            if (last) {
                play(now, binary.toByteArray());
                binary.reset();
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String message = text.toString();
            text.setLength(0);
            try {
                JsonNode m = JSON.readTree(message);
                if ("clear".equals(m.path("type").asText())) {
                    sender.execute(this::clear); // answered from the page's one sending thread
                }
                messages.add(m);
            } catch (Exception notJson) {
                messages.add(JSON.createObjectNode().put("type", "error").put("message", "not JSON: " + message));
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        messages.add(JSON.createObjectNode().put("type", "ended").put("reason", statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        messages.add(JSON.createObjectNode().put("type", "ended").put("reason", String.valueOf(error)));
    }

    /** Sends {@code stop}, stops the microphone and closes the socket. */
    @Override
    public void close() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(1, TimeUnit.SECONDS);
            if (!socket.isOutputClosed()) {
                socket.sendText("{\"type\":\"stop\"}", true).orTimeout(1, TimeUnit.SECONDS).join();
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(1, TimeUnit.SECONDS).join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException closing) {
            // the relay may have closed first
        } finally {
            socket.abort();
        }
    }
}
