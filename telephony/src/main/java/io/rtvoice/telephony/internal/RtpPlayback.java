package io.rtvoice.telephony.internal;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The caller's ear as a playback end: each write is one RTP packet of G.711 (20 ms), sent when the RTP clock says
 * it is due. What was sent is what was played, by this end's account: the far end's jitter buffer is out of
 * sight, so a barge-in truncates at the audio that really left as RTP, never at audio still waiting here.
 * An abort drops the write that waits for its time: it was never sent.
 */
final class RtpPlayback implements PlaybackDevice {

    private final boolean muLaw;
    private final int payloadType;
    private final Consumer<byte[]> network;
    private final long ssrc = ThreadLocalRandom.current().nextLong(1L << 32);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition aborted = lock.newCondition();
    private int sequence = ThreadLocalRandom.current().nextInt(1 << 16);
    private volatile long timestamp = ThreadLocalRandom.current().nextLong(1L << 32); // written under the lock
    private volatile long sent;          // frames sent as RTP
    private volatile long packets;
    private volatile long lastAudioNanos; // when the last packet holding sound left
    private long epochNanos = -1;
    private long framesSinceEpoch;
    private long generation;
    private boolean marker = true;
    private boolean closed;
    private int waiting; // frames of the write waiting for its time

    /** Sends {@code network} each packet's bytes (to the caller's RTP address). */
    RtpPlayback(boolean muLaw, int payloadType, Consumer<byte[]> network) {
        this.muLaw = muLaw;
        this.payloadType = payloadType;
        this.network = network;
    }

    @Override
    public AudioDevice device() {
        return new AudioDevice("rtp", "the caller's ear, as RTP", true, List.of(RtpCapture.FORMAT));
    }

    @Override
    public AudioFormat format() {
        return RtpCapture.FORMAT;
    }

    @Override
    public void write(short[] samples, int offset, int length) {
        lock.lock();
        try {
            long startedIn = generation;
            long now = System.nanoTime();
            if (epochNanos < 0 || now - dueNanos() > 100_000_000L) {
                epochNanos = now; // the first packet, or the thread was held up: restart the clock, never burst
                framesSinceEpoch = 0;
            }
            waiting = length;
            for (long wait = dueNanos() - System.nanoTime(); wait > 0; wait = dueNanos() - System.nanoTime()) {
                aborted.awaitNanos(wait);
                if (closed || startedIn != generation) {
                    return;
                }
            }
            waiting = 0;
            if (closed || startedIn != generation) {
                return;
            }
            byte[] payload = new byte[length];
            boolean sound = false;
            for (int i = 0; i < length && !sound; i++) {
                sound = samples[offset + i] != 0;
            }
            if (muLaw) {
                G711.encodeMuLaw(samples, offset, payload, 0, length);
            } else {
                G711.encodeALaw(samples, offset, payload, 0, length);
            }
            network.accept(new RtpPacket(payloadType, marker, sequence, timestamp, ssrc, payload).encode());
            marker = false;
            sequence = (sequence + 1) & 0xFFFF;
            timestamp = (timestamp + length) & 0xFFFFFFFFL;
            framesSinceEpoch += length;
            sent += length;
            packets++;
            if (sound) {
                lastAudioNanos = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private long dueNanos() {
        return epochNanos + framesSinceEpoch * 1_000_000_000L / 8_000;
    }

    /** The RTP timestamp the next packet will carry: where a telephone-event sent now begins. */
    long timestamp() {
        return timestamp;
    }

    long ssrc() {
        return ssrc;
    }

    /**
     * Sends a telephone-event packet now, numbered as it leaves: it shares the stream's sequence with the audio, so
     * the number is taken, and the packet handed to the network, under the lock the audio's packets take theirs in.
     * Called on an event loop, which must never wait: false when the audio's writer holds the lock (for the few
     * microseconds of encoding a packet), and the caller tries again a moment later.
     */
    boolean trySendEvent(int eventPayloadType, boolean eventMarker, long eventTimestamp, byte[] payload) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (!closed) {
                network.accept(new RtpPacket(eventPayloadType, eventMarker, sequence, eventTimestamp, ssrc, payload).encode());
                sequence = (sequence + 1) & 0xFFFF;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    long packets() {
        return packets;
    }

    /** When the last packet with sound in it was sent (System.nanoTime). */
    long lastAudioNanos() {
        return lastAudioNanos;
    }

    @Override
    public long playedFrames() {
        return sent;
    }

    @Override
    public long abort() {
        lock.lock();
        try {
            generation++;
            marker = true; // a new talkspurt follows
            aborted.signalAll();
            int dropped = waiting; // only a write waiting for its time: nothing else is held here
            waiting = 0;
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Duration latency() {
        return Duration.ZERO; // to the wire; the far end's jitter buffer is its own
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            aborted.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
