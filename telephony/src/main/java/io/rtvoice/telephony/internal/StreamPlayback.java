package io.rtvoice.telephony.internal;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The caller's ear at the end of a carrier's media stream, as a playback end: the model's audio goes out in
 * 20 ms chunks, paced by real time a little ahead ({@code lead}) of the stream's clock. What was played depends
 * on what the carrier tells:
 * <ul>
 *   <li><b>Acknowledged</b> (Twilio): each chunk is followed by a mark, which the carrier returns when the chunk
 *       has played. {@link #playedFrames()} is the end of the last chunk acknowledged, so a truncation is at most
 *       a chunk and a round trip early, never late. Sending stays within {@code maxAhead} of it, so a carrier
 *       that stops playing does not make this end send forever.</li>
 *   <li><b>Paced</b> (ACS, which acknowledges nothing): chunks are sent in real time with no lead, and what was
 *       sent is what was played, as {@link RtpPlayback} counts RTP. The carrier's own jitter buffer is out of
 *       sight: a truncation may be late by it (tens of ms).</li>
 * </ul>
 *
 * <p><b>Abort</b> sends the carrier's clear and forgets every mark still out: Twilio answers a clear by returning
 * the marks of the audio it discarded at once, which would otherwise read as played. So the played position is
 * the one acknowledged when the clear was sent (any mark returned after it, played or discarded, is not counted:
 * early by at most the round trip, never late). No waiting for an answer: abort never blocks.
 *
 * <p>Threads: {@link #write} on the playback thread (it waits, on a condition); {@link #acknowledged} on an event
 * loop, lock-free; {@link #abort} from any thread, taking the lock only briefly (a waiting write releases it).
 */
final class StreamPlayback implements PlaybackDevice {

    /** The far end: what the carrier is sent, each a message on the stream's socket, in order. */
    interface Carrier {
        /** A chunk of audio (samples of the device's format). */
        void audio(short[] samples, int offset, int length);

        /** A mark after the last chunk (acknowledged mode only). */
        void mark(String name);

        /** Drop everything not yet played. */
        void clear();
    }

    /** The played position with the abort generation it belongs to: an acknowledgement of an older one is void. */
    private record Position(long generation, long frames) {
    }

    /** A mark still out: it belongs to {@code generation} and ends at {@code frames}. */
    private record Mark(long generation, long frames) {
    }

    private final AudioFormat format;
    private final int chunkFrames;
    private final boolean acknowledged;
    private final long leadNanos;
    private final long maxAheadFrames;
    private final Carrier carrier;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ConcurrentHashMap<String, Mark> marksOut = new ConcurrentHashMap<>();
    private final AtomicReference<Position> played = new AtomicReference<>(new Position(0, 0));
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong marksIgnored = new AtomicLong();
    private volatile long sent;      // frames sent, less those dropped by aborts
    private volatile long clears;
    private long marks;
    private long epochNanos = -1;
    private long framesSinceEpoch;
    private boolean closed;
    private boolean audioSinceClear;

    /**
     * @param sampleRate the stream's rate (Hz)
     * @param acknowledged whether the carrier returns marks (else: paced, sent is played)
     * @param lead audio sent ahead of real time (acknowledged mode)
     * @param maxAhead the most sent beyond what was acknowledged (acknowledged mode)
     */
    StreamPlayback(int sampleRate, boolean acknowledged, Duration lead, Duration maxAhead, Carrier carrier) {
        this.format = AudioFormat.pcm16(sampleRate, 1);
        this.chunkFrames = sampleRate / 50;
        this.acknowledged = acknowledged;
        this.leadNanos = acknowledged ? lead.toNanos() : 0;
        this.maxAheadFrames = maxAhead.toNanos() * sampleRate / 1_000_000_000L;
        this.carrier = carrier;
    }

    @Override
    public AudioDevice device() {
        return new AudioDevice("media-stream", "the caller's ear, through the carrier's media stream", true, List.of(format));
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public void write(short[] samples, int offset, int length) {
        lock.lock();
        try {
            long startedIn = played.get().generation();
            for (int done = 0; done < length; ) {
                int n = Math.min(chunkFrames, length - done);
                if (!awaitTurn(startedIn, n)) {
                    return;
                }
                carrier.audio(samples, offset + done, n);
                sent += n;
                framesSinceEpoch += n;
                chunks.incrementAndGet();
                audioSinceClear = true;
                if (acknowledged) {
                    String name = "c" + (++marks);
                    marksOut.put(name, new Mark(startedIn, sent));
                    carrier.mark(name);
                }
                done += n;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the next {@code n} frames are due; false when aborted or closed meanwhile. The lock is held. */
    private boolean awaitTurn(long startedIn, int n) throws InterruptedException {
        while (true) {
            if (closed || played.get().generation() != startedIn) {
                return false;
            }
            long now = System.nanoTime();
            if (epochNanos < 0 || now - dueNanos() > 100_000_000L) {
                epochNanos = now; // the first chunk, or a pause (between answers): restart the clock, never burst
                framesSinceEpoch = 0;
            }
            long wait = dueNanos() - leadNanos - now;
            if (acknowledged && sent - played.get().frames() + n > maxAheadFrames) {
                wait = Math.max(wait, 10_000_000L); // the carrier is behind: look again shortly
            }
            if (wait <= 0) {
                return true;
            }
            wake.awaitNanos(wait);
        }
    }

    private long dueNanos() {
        return epochNanos + framesSinceEpoch * 1_000_000_000L / format.sampleRate();
    }

    /**
     * The carrier returned mark {@code name}: its chunk has played. Unknown names (never sent, or sent before an
     * abort) are ignored and counted. Called on an event loop: never waits.
     */
    boolean acknowledged(String name) {
        Mark mark = name == null ? null : marksOut.remove(name);
        if (mark == null) {
            marksIgnored.incrementAndGet();
            return false;
        }
        for (Position now = played.get(); now.generation() == mark.generation() && mark.frames() > now.frames();
                now = played.get()) {
            if (played.compareAndSet(now, new Position(now.generation(), mark.frames()))) {
                return true;
            }
        }
        return true;
    }

    /** Chunks sent. */
    long chunks() {
        return chunks.get();
    }

    /** Marks returned that were not counted: after a clear, or never sent. */
    long marksIgnored() {
        return marksIgnored.get();
    }

    /** Clears sent. */
    long clears() {
        return clears;
    }

    @Override
    public long playedFrames() {
        return acknowledged ? played.get().frames() : sent;
    }

    @Override
    public long abort() {
        lock.lock();
        try {
            // A new generation first: an acknowledgement racing with this one no longer moves the position.
            Position now;
            do {
                now = played.get();
            } while (!played.compareAndSet(now, new Position(now.generation() + 1,
                    acknowledged ? now.frames() : sent)));
            marksOut.clear();
            wake.signalAll();
            long position = acknowledged ? now.frames() : sent;
            long dropped = Math.max(0, sent - position);
            if (!closed && audioSinceClear) {
                carrier.clear(); // the carrier's own buffer: drop what it holds
                clears++;
                audioSinceClear = false;
            }
            sent = position;
            epochNanos = -1;
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Duration latency() {
        return Duration.ofNanos(leadNanos);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
