package io.rtvoice.internal.audio;

import java.util.concurrent.locks.LockSupport;

/**
 * A device clock for backends with no hardware behind them (null, WAV): frames become due at the
 * sample rate from the first use, or all at once when the backend runs as fast as possible. Waiting is
 * measured against the start, so it never drifts.
 */
public final class VirtualClock {
    private final int sampleRate;
    private final boolean realTime;
    private volatile long startNanos = -1;

    /** A clock at {@code sampleRate} frames per second, or an unpaced one when {@code realTime} is false. */
    public VirtualClock(int sampleRate, boolean realTime) {
        this.sampleRate = sampleRate;
        this.realTime = realTime;
    }

    /** Frames due so far (all of them, for an unpaced clock). */
    public long framesDue() {
        if (!realTime) {
            return Long.MAX_VALUE;
        }
        start();
        return (System.nanoTime() - startNanos) * sampleRate / 1_000_000_000L;
    }

    /** Blocks until {@code frame} frames are due. */
    public void awaitFrame(long frame) {
        if (!realTime) {
            return;
        }
        start();
        long due = startNanos + frame * 1_000_000_000L / sampleRate;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    /** Restarts the clock at frame 0 on its next use. */
    public void restart() {
        startNanos = -1;
    }

    private void start() {
        if (startNanos < 0) {
            startNanos = System.nanoTime();
        }
    }
}
