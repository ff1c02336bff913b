package io.rtvoice.relay.internal;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import reactor.core.scheduler.Schedulers;

/**
 * A web page's speaker as a remote playback end: PCM16 goes to the page over its WebSocket, and what was played
 * is the page's own account — its player worklet counts the samples it really output and reports them.
 *
 * <p><b>Pacing.</b> The page buffers what it is sent, so writes are paced to keep about {@code lead} queued
 * there: the page's playout is extrapolated in real time from its last report (a report resets the estimate,
 * so clock drift and network delay never accumulate), and never more than {@code maxAhead} beyond what it
 * confirmed (a page whose audio is suspended does not make the relay buffer forever).
 *
 * <p><b>Abort.</b> The page is told to clear; it answers with its played count at the moment it cleared, which
 * is then exact (audio sent before the clear reaches it before the clear: one ordered socket). Waiting for that
 * answer happens only off the event loops (VoiceSession aborts on a thread made for waiting), for at most
 * {@code ackTimeout}; without it the last report stands, which is a little early, never late.
 */
final class PagePlayback implements PlaybackDevice {

    /** What the page is sent. */
    interface Page {
        /** PCM16 little-endian mono samples, in order. */
        void audio(byte[] pcm16);

        /** Drop everything not yet played and answer with the played count. */
        void clear();
    }

    private final AudioFormat format;
    private final Page page;
    private final long leadFrames;
    private final long maxAheadFrames;
    private final long ackTimeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Clears not yet answered, oldest first. */
    private final ArrayDeque<Clear> clearsPending = new ArrayDeque<>();
    // The page's reports arrive on an event loop, which must never wait for the lock: they are left here and
    // taken in by whoever holds it next (absorb()).
    private final AtomicLong reported = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> answers = new ConcurrentLinkedQueue<>();
    private volatile Thread waiter;
    private volatile long sent;   // frames sent since open, less those dropped by clears
    private volatile long played; // frames the page reported played, on our count
    private volatile long offset; // the page's counter minus ours: grows when an answer comes after its timeout
    private long estimateBase; // extrapolation of the page's playout: from this count ...
    private long estimateNanos; // ... at this time
    private long generation;   // aborts so far: a write that began before one is dropped
    private volatile long pageLatencyNanos;
    private boolean closed;

    /** A clear sent to the page; once its wait timed out, {@code usedPlayed} is the count the abort went by. */
    private static final class Clear {
        boolean timedOut;
        long usedPlayed;
    }

    PagePlayback(int sampleRate, Duration lead, Duration maxAhead, Duration ackTimeout, Page page) {
        this.format = AudioFormat.pcm16(sampleRate, 1);
        this.page = page;
        this.leadFrames = lead.toNanos() * sampleRate / 1_000_000_000L;
        this.maxAheadFrames = maxAhead.toNanos() * sampleRate / 1_000_000_000L;
        this.ackTimeoutNanos = ackTimeout.toNanos();
        this.estimateNanos = System.nanoTime();
    }

    @Override
    public AudioDevice device() {
        return new AudioDevice("page", "a web page's speaker, through its WebSocket", true, List.of(format));
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public void write(short[] interleaved, int offset, int length) {
        lock.lock();
        try {
            long startedIn = generation;
            while (true) {
                if (closed || startedIn != generation) {
                    return;
                }
                absorb();
                long now = System.nanoTime();
                long queued = sent - estimatedPlayed(now);
                if (queued < leadFrames && sent - played < maxAheadFrames) {
                    if (queued <= 0) {
                        restartEstimate(sent, now); // the page ran dry: its playout resumes with this audio
                    }
                    break;
                }
                long waitNanos = sent - played >= maxAheadFrames ? TimeUnit.MILLISECONDS.toNanos(10)
                        : Math.max(100_000, (queued - leadFrames + 1) * 1_000_000_000L / format.sampleRate());
                changed.awaitNanos(waitNanos);
            }
            byte[] bytes = new byte[length * 2];
            Pcm.toBytes(interleaved, offset, bytes, 0, length);
            sent += length;
            page.audio(bytes); // under the lock: never after a clear that was meant to follow it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private long estimatedPlayed(long now) {
        long since = Math.max(0, now - estimateNanos) * format.sampleRate() / 1_000_000_000L;
        return Math.min(sent, estimateBase + since);
    }

    private void restartEstimate(long frames, long now) {
        estimateBase = frames;
        estimateNanos = now;
    }

    /** The page's report: its played counter, which never decreases. Never waits: called on an event loop. */
    void played(long pageFrames) {
        reported.accumulateAndGet(pageFrames, Math::max);
    }

    /** The page's answer to a clear: its played counter when it cleared. Never waits: called on an event loop. */
    void cleared(long pageFrames) {
        answers.add(pageFrames);
        reported.accumulateAndGet(pageFrames, Math::max);
        Thread waiting = waiter;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    /** Takes in the page's answers, then its latest report. The lock is held. */
    private void absorb() {
        for (Long answer = answers.poll(); answer != null; answer = answers.poll()) {
            Clear clear = clearsPending.poll();
            if (clear == null) {
                continue; // not asked for: ignore
            }
            long ours = answer - offset;
            if (!clear.timedOut) {
                played = Math.max(played, Math.min(ours, sent)); // exact: the abort waiting for it goes by this
            } else if (ours > clear.usedPlayed) {
                // Answered after its timeout: the truncation used a little less than was heard, and the page's
                // counter is now ahead of ours by the difference, which later reports must not count twice.
                offset += ours - clear.usedPlayed;
            }
        }
        long ours = Math.min(sent, reported.get() - offset);
        if (ours > played) {
            played = ours;
            restartEstimate(ours, System.nanoTime());
        }
    }

    /** The page's own output delay (its AudioContext's base and output latency). */
    void pageLatency(Duration latency) {
        pageLatencyNanos = Math.max(0, latency.toNanos());
    }

    /** Never waits: the latest report counts even before the lock's holder takes it in. */
    @Override
    public long playedFrames() {
        return Math.max(played, Math.min(sent, reported.get() - offset));
    }

    @Override
    public long abort() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
            absorb();
            if (closed || sent <= played) {
                return 0;
            }
            Clear clear = new Clear();
            clearsPending.add(clear);
            page.clear();
            // Wait for the page's exact count, unless this is an event loop (which must never wait).
            long deadline = System.nanoTime() + ackTimeoutNanos;
            boolean mayWait = !Schedulers.isInNonBlockingThread();
            waiter = Thread.currentThread();
            try {
                absorb();
                while (mayWait && !closed && clearsPending.contains(clear)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                    absorb();
                }
            } finally {
                waiter = null;
            }
            if (clearsPending.contains(clear)) {
                clear.timedOut = true;
                clear.usedPlayed = played;
            }
            return dropAfterPlayed();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets what was sent after the played position: the page dropped it. The lock is held. */
    private long dropAfterPlayed() {
        long dropped = Math.max(0, sent - played);
        sent = played;
        restartEstimate(played, System.nanoTime());
        return dropped;
    }

    @Override
    public Duration latency() {
        return Duration.ofNanos(leadFrames * 1_000_000_000L / format.sampleRate() + pageLatencyNanos);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
