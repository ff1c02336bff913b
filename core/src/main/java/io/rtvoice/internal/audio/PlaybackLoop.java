package io.rtvoice.internal.audio;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.PcmSource;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AudioOutput} over any {@link PlaybackDevice}: a dedicated thread pulls one period from the
 * source, resamples it to the device's rate with rtvoice's {@link Resampler}, copies it to every
 * channel and writes it to the device, whose blocking write paces the loop.
 */
public final class PlaybackLoop implements AudioOutput {

    private final AudioSpec spec;
    private final AudioDevice device;
    private final PlaybackDevice sink;
    private final Thread thread;
    /** Held for one period's pull-convert-write, so that stop() waits for it and never races a write. */
    // Fair: the loop re-locks right after each write, and an unfair lock let it starve stop() for many periods.
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition started = lock.newCondition();
    private final Resampler resampler;
    private volatile PcmSource source;
    private volatile boolean closed;
    /** Source samples handed to the device; reset to played on stop, as the rest was discarded. */
    private volatile long written;
    private volatile long playedFloor;
    private volatile Throwable failure;

    /** Plays to {@code sink}; nothing is pulled until {@link #start}. */
    public PlaybackLoop(AudioSpec spec, AudioDevice device, PlaybackDevice sink, String threadName) {
        this.spec = spec;
        this.device = device;
        this.sink = sink;
        int deviceRate = sink.format().sampleRate();
        this.resampler = deviceRate == spec.format().sampleRate() ? null : Resampler.create(spec.format().sampleRate(), deviceRate);
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY); // an underrun is audible
        thread.start();
    }

    private void run() {
        AudioFormat deviceFormat = sink.format();
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
                sink.write(interleaved, 0, frames * channels);
                written += period;
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
        return device;
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
        lock.lock(); // waits for at most the period being written
        try {
            source = null;
            long played = playedSamples();
            long discarded = written - played;
            sink.discard();
            if (resampler != null) {
                resampler.reset(); // the next start begins a new signal: no tail of the old one
            }
            written = played;
            playedFloor = played;
            return discarded;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long writtenSamples() {
        return written;
    }

    @Override
    public long playedSamples() {
        long w = written;
        long bufferedDeviceFrames = sink.bufferedFrames();
        long buffered = bufferedDeviceFrames * spec.format().sampleRate() / sink.format().sampleRate()
                + (resampler == null ? 0 : (long) resampler.delaySamples() * spec.format().sampleRate() / sink.format().sampleRate());
        long played = Math.max(0, Math.min(w, w - buffered));
        // The device's own account moves in steps; never let the position run backwards.
        long floor = playedFloor;
        if (played < floor) {
            return floor;
        }
        playedFloor = played;
        return played;
    }

    @Override
    public Duration latency() {
        return sink.latency();
    }

    /** Why playback stopped by itself (the device was lost), or null. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            closed = true;
            source = null;
            started.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }
}
