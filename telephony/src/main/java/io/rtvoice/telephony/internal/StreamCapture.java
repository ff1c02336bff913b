package io.rtvoice.telephony.internal;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.spi.CaptureDevice;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The caller's voice from a carrier's media stream as a capture end: each message's PCM16 goes into a
 * {@link PlayoutBuffer} that is the stream's jitter buffer, read out on the capture thread at the stream's clock
 * (a period at a time), silence where nothing came. A WebSocket is ordered and lossless, so unlike
 * {@link RtpCapture} there is nothing to reorder: only the network's bursts to smooth.
 */
final class StreamCapture implements CaptureDevice {

    private final AudioFormat format;
    private final int rate;
    /** The most the jitter buffer may hold before a read drops the oldest audio: what bounds the delay upstream. */
    private final int maxHeldSamples;
    private final PlayoutBuffer jitter;
    private final AtomicLong dropped = new AtomicLong();
    private long startNanos = -1;
    private long framesRead;
    private volatile boolean closed;

    StreamCapture(int sampleRate) {
        this.rate = sampleRate;
        this.format = AudioFormat.pcm16(sampleRate, 1);
        this.maxHeldSamples = sampleRate * 120 / 1_000;
        this.jitter = PlayoutBuffer.builder().sampleRate(sampleRate).targetMillis(40).build();
    }

    /** A message's audio, in arrival order. Called on the network thread: never waits. */
    void received(short[] pcm) {
        if (!closed) {
            jitter.write("caller", pcm);
        }
    }

    /** Samples dropped to keep the delay bounded. */
    long droppedSamples() {
        return dropped.get();
    }

    @Override
    public AudioDevice device() {
        return new AudioDevice("media-stream", "the caller's audio, from the carrier's media stream", true, List.of(format));
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    /** A period of the caller's voice, due by the stream's clock (the capture thread waits for it). */
    @Override
    public int read(short[] buffer, int offset, int length) {
        if (startNanos < 0) {
            startNanos = System.nanoTime();
        }
        long due = startNanos + (framesRead + length) * 1_000_000_000L / rate;
        for (long wait = due - System.nanoTime(); wait > 0 && !closed; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        if (closed) {
            return -1;
        }
        if (System.nanoTime() - due > 200_000_000L) {
            startNanos = System.nanoTime() - (framesRead + length) * 1_000_000_000L / rate; // stalled: no catch-up burst
        }
        // A pile-up (the carrier's burst after a stall, or this thread behind) would hold the delay up for the rest
        // of the call: drop the oldest beyond the bound, as RtpCapture does.
        while (jitter.stats().levelSamples() > maxHeldSamples + length) {
            jitter.read(buffer, offset, length);
            dropped.addAndGet(length);
        }
        jitter.read(buffer, offset, length);
        framesRead += length;
        return length;
    }

    @Override
    public void close() {
        closed = true;
    }
}
