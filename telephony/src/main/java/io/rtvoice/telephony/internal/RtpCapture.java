package io.rtvoice.telephony.internal;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.spi.CaptureDevice;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The caller's voice as a capture end: RTP packets put back in sequence order (a few may come out of order, late
 * and duplicate ones are dropped, a gap is given up on after a few packets, a new SSRC is a new stream), expanded from G.711 into a
 * {@link PlayoutBuffer} that is the call's jitter buffer, and read out on the capture thread at the RTP clock's
 * pace (20 ms at a time): silence where packets were missing.
 */
final class RtpCapture implements CaptureDevice {

    static final AudioFormat FORMAT = AudioFormat.pcm16(8_000, 1);
    /** The most the jitter buffer may hold before a read drops the oldest audio: what bounds the delay upstream. */
    private static final int MAX_HELD_SAMPLES = 8_000 * 120 / 1_000;
    /** Packets held waiting for a missing one before it is given up. */
    private static final int REORDER_WINDOW = 4;
    /** A jump larger than this is a new stream (a restart or another source), not loss. */
    private static final int RESYNC = 100;

    private final boolean muLaw;
    private final PlayoutBuffer jitter = PlayoutBuffer.builder().sampleRate(8_000).targetMillis(40).build();
    private final TreeMap<Integer, byte[]> held = new TreeMap<>(); // out-of-order packets, by sequence number
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong lateOrDuplicate = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private int expected = -1;
    private long ssrc;
    private long startNanos = -1;
    private long framesRead;
    private volatile boolean closed;

    RtpCapture(boolean muLaw) {
        this.muLaw = muLaw;
    }

    /** An audio packet of the call, in arrival order. Called on the network thread: never waits. */
    synchronized void received(RtpPacket packet) {
        if (expected >= 0 && packet.ssrc() != ssrc) {
            // Another source (an SBC switched media, the phone restarted): its numbering is its own, so start over
            // from it, after what the old one still had held.
            flushHeld();
            expected = -1;
        }
        ssrc = packet.ssrc();
        if (expected < 0) {
            expected = packet.sequence();
        }
        int delta = RtpPacket.sequenceDelta(packet.sequence(), expected);
        if (delta < 0 && delta > -RESYNC) {
            lateOrDuplicate.incrementAndGet();
            return;
        }
        if (delta < 0 || delta >= RESYNC) { // a new stream: start over from it
            flushHeld();
            expected = packet.sequence();
            delta = 0;
        }
        if (delta == 0) {
            deliver(packet.payload());
            expected = (expected + 1) & 0xFFFF;
            drainHeld();
            return;
        }
        if (held.putIfAbsent(packet.sequence(), packet.payload()) != null) {
            lateOrDuplicate.incrementAndGet();
            return;
        }
        reordered.incrementAndGet();
        if (held.size() > REORDER_WINDOW) {
            // The missing packet is not coming: skip to the oldest held one.
            int oldest = oldestHeld();
            lost.addAndGet(RtpPacket.sequenceDelta(oldest, expected));
            reordered.decrementAndGet();
            expected = oldest;
            drainHeld();
        }
    }

    private int oldestHeld() {
        int best = -1;
        int bestDelta = Integer.MAX_VALUE;
        for (int seq : held.keySet()) {
            int d = RtpPacket.sequenceDelta(seq, expected);
            if (d < bestDelta) {
                bestDelta = d;
                best = seq;
            }
        }
        return best;
    }

    private void drainHeld() {
        for (byte[] next = held.remove(expected); next != null; next = held.remove(expected)) {
            deliver(next);
            expected = (expected + 1) & 0xFFFF;
        }
    }

    private void flushHeld() {
        while (!held.isEmpty()) {
            int oldest = oldestHeld();
            deliver(held.remove(oldest));
        }
    }

    private void deliver(byte[] payload) {
        short[] pcm = new short[payload.length];
        if (muLaw) {
            G711.decodeMuLaw(payload, 0, pcm, 0, payload.length);
        } else {
            G711.decodeALaw(payload, 0, pcm, 0, payload.length);
        }
        jitter.write("caller", pcm);
        used.incrementAndGet();
    }

    long used() {
        return used.get();
    }

    long lost() {
        return lost.get();
    }

    long lateOrDuplicate() {
        return lateOrDuplicate.get();
    }

    long reordered() {
        return reordered.get();
    }

    /** Samples dropped to keep the delay bounded. */
    long droppedSamples() {
        return dropped.get();
    }

    @Override
    public AudioDevice device() {
        return new AudioDevice("rtp", "the caller's RTP audio", true, List.of(FORMAT));
    }

    @Override
    public AudioFormat format() {
        return FORMAT;
    }

    /** A period of the caller's voice, due by the RTP clock (the capture thread waits for it). */
    @Override
    public int read(short[] buffer, int offset, int length) {
        if (startNanos < 0) {
            startNanos = System.nanoTime();
        }
        long due = startNanos + (framesRead + length) * 1_000_000_000L / 8_000;
        for (long wait = due - System.nanoTime(); wait > 0 && !closed; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        if (closed) {
            return -1;
        }
        if (System.nanoTime() - due > 200_000_000L) {
            startNanos = System.nanoTime() - (framesRead + length) * 1_000_000_000L / 8_000; // stalled: no catch-up burst
        }
        // Audio piles up when the caller's clock runs fast or this thread fell behind: drop the oldest beyond the bound,
        // else the delay it adds would stay for the rest of the call.
        while (jitter.stats().levelSamples() > MAX_HELD_SAMPLES + length) {
            jitter.read(buffer, offset, length);
            dropped.addAndGet(length);
        }
        jitter.read(buffer, offset, length); // silence where nothing came
        framesRead += length;
        return length;
    }

    @Override
    public void close() {
        closed = true;
    }
}
