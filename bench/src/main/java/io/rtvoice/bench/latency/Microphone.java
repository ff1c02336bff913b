package io.rtvoice.bench.latency;

import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * A simulated microphone: one 20 ms frame of 24 kHz PCM16 every 20 ms, as a capture device delivers
 * them — the queued utterances, then silence. Knows when the last voiced frame left.
 */
final class Microphone implements AutoCloseable {

    static final int FRAME_BYTES = 960; // 20 ms at 24 kHz mono PCM16
    private static final byte[] SILENCE = new byte[FRAME_BYTES];

    private final Consumer<byte[]> sink;
    private final Queue<byte[]> frames = new ConcurrentLinkedQueue<>();
    private final Queue<byte[]> lastFrames = new ConcurrentLinkedQueue<>();
    private volatile long speechEndNanos;
    private Disposable ticking;

    Microphone(Consumer<byte[]> sink) {
        this.sink = sink;
    }

    void start() {
        ticking = Flux.interval(Duration.ofMillis(20)).subscribe(tick -> tick());
    }

    /** Queues an utterance (24 kHz PCM16); it is sent at real-time pace after anything queued before it. */
    void say(byte[] pcm16) {
        byte[] last = null;
        for (int at = 0; at < pcm16.length; at += FRAME_BYTES) {
            last = Arrays.copyOfRange(pcm16, at, at + FRAME_BYTES); // the last frame is padded with silence
            frames.add(last);
        }
        if (last != null) {
            lastFrames.add(last);
        }
    }

    /** When the last frame of the latest utterance was sent (System.nanoTime), or 0 if none since {@link #takeSpeechEnd()}. */
    long takeSpeechEnd() {
        long end = speechEndNanos;
        speechEndNanos = 0;
        return end;
    }

    private void tick() {
        byte[] frame = frames.poll();
        sink.accept(frame == null ? SILENCE : frame);
        if (frame != null && frame == lastFrames.peek()) {
            lastFrames.poll();
            speechEndNanos = System.nanoTime();
        }
    }

    @Override
    public void close() {
        if (ticking != null) {
            ticking.dispose();
        }
    }
}
