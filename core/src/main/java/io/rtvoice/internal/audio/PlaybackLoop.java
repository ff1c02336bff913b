package io.rtvoice.internal.audio;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PcmSource;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AudioOutput} over any {@link PlaybackDevice}: a dedicated thread pulls one period from the
 * source, resamples it to the device's rate with rtvoice's {@link Resampler}, copies it to every
 * channel and writes it to the device, whose blocking write paces the loop.
 *
 * <p>The played position is the device's own {@link PlaybackDevice#playedFrames()} mapped back to the
 * source's rate: {@code playedBase + (devicePlayed - deviceBase) × rate / deviceRate - resampler delay},
 * capped by what was written and never running backwards. Each {@link #stop()} moves both bases to the
 * position reached, as the audio after it begins a new signal.
 */
public final class PlaybackLoop implements AudioOutput {

    private final AudioSpec spec;
    private final PlaybackDevice device;
    private final Thread thread;
    /** Held for one period's pull-convert-write, so that stop() waits for it and never races a write. */
    // Fair: the loop re-locks right after each write, and an unfair lock let it starve stop() for many periods.
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition started = lock.newCondition();
    private final Resampler resampler;
    private final int rate;
    private final int deviceRate;
    /** Guards the position fields below, read from any thread. */
    private final Object clock = new Object();
    private long written;      // source samples handed to the device since open, less what stops discarded
    private long playedBase;   // source samples played at the last stop
    private long deviceBase;   // the device's played frames at the last stop
    private long playedFloor;
    private volatile PcmSource source;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** Plays to {@code device}; nothing is pulled until {@link #start}. */
    public PlaybackLoop(AudioSpec spec, PlaybackDevice device, String threadName) {
        this.spec = spec;
        this.device = device;
        this.rate = spec.format().sampleRate();
        this.deviceRate = device.format().sampleRate();
        this.resampler = deviceRate == rate ? null : Resampler.create(rate, deviceRate);
        this.deviceBase = device.playedFrames();
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY); // an underrun is audible
        thread.start();
    }

    private void run() {
        AudioFormat deviceFormat = device.format();
        int channels = deviceFormat.channels();
        int period = spec.periodSamples();
        short[] pulled = new short[period];
        short[] converted = new short[resampler == null ? period : resampler.maxOutput(period)];
        short[] interleaved = new short[converted.length * channels];
        while (true) {
            lock.lock();
            try {
                while (source == null && !closed) {
                    started.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                source.read(pulled, 0, period);
                int frames = resampler == null ? copy(pulled, converted, period) : resampler.process(pulled, 0, period, converted, 0);
                Pcm.upmixMono(converted, 0, interleaved, 0, channels, frames);
                device.write(interleaved, 0, frames * channels);
                synchronized (clock) {
                    written += period;
                }
            } catch (RuntimeException e) {
                failure = e; // the device is gone: stop pulling, keep the counters
                source = null;
            } finally {
                lock.unlock();
            }
        }
    }

    private static int copy(short[] from, short[] to, int n) {
        System.arraycopy(from, 0, to, 0, n);
        return n;
    }

    @Override
    public AudioSpec spec() {
        return spec;
    }

    @Override
    public AudioDevice device() {
        return device.device();
    }

    @Override
    public void start(PcmSource newSource) {
        Objects.requireNonNull(newSource, "source");
        if (closed) {
            throw new IllegalStateException("the output is closed");
        }
        lock.lock();
        try {
            failure = null;
            source = newSource;
            started.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long stop() {
        source = null;
        lockAborting(0);
        try {
            device.abort(); // what the last write handed over goes too
            if (resampler != null) {
                resampler.reset(); // the next start begins a new signal: no tail of the old one
            }
            synchronized (clock) {
                long played = played();
                long discarded = written - played;
                written = played;
                playedBase = played;
                deviceBase = device.playedFrames();
                return discarded;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the loop's lock, waiting up to {@code patienceMillis} for the write in progress, then aborting
     * the device until the lock is free: a write may block on a full device
     * for as long as nobody plays it (a loopback device waits for a render), and one may begin just
     * after an abort. The source is already null, so once the lock is ours no further write starts.
     */
    private void lockAborting(long patienceMillis) {
        try {
            if (patienceMillis > 0 && lock.tryLock(patienceMillis, TimeUnit.MILLISECONDS)) {
                return;
            }
            while (!lock.tryLock(5, TimeUnit.MILLISECONDS)) {
                device.abort();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lock.lock();
        }
    }

    @Override
    public long writtenSamples() {
        synchronized (clock) {
            return written;
        }
    }

    @Override
    public long playedSamples() {
        synchronized (clock) {
            return played();
        }
    }

    /** The played position; the clock's lock is held. */
    private long played() {
        long deviceFrames = Math.max(0, device.playedFrames() - deviceBase);
        long delay = resampler == null ? 0 : resampler.delaySamples();
        long sinceBase = Math.max(0, (deviceFrames - delay) * rate / deviceRate);
        long played = Math.min(written, playedBase + sinceBase);
        // The device's own account moves in steps; never let the position run backwards.
        playedFloor = Math.max(playedFloor, played);
        return playedFloor;
    }

    @Override
    public Duration latency() {
        return device.latency();
    }

    /** Why playback stopped by itself (the device was lost), or null. */
    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        source = null;
        // What was written plays out (a device's close may drain it), unless the write is stuck: a loopback
        // device nobody renders.
        lockAborting(500);
        try {
            started.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != Thread.currentThread()) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        device.close();
    }
}
