package io.rtvoice.internal.audio;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.spi.CaptureDevice;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * An {@link AudioInput} over any {@link CaptureDevice}: a dedicated thread reads the device a period at
 * a time, downmixes to mono, resamples to the spec's rate with rtvoice's {@link Resampler}, and emits
 * frames of exactly one period, positioned by sample count.
 */
public final class CaptureLoop implements AudioInput {

    /** Frames kept for a subscriber that lags before the oldest are dropped: two seconds' worth. */
    private static final long MAX_LAG_NANOS = 2_000_000_000L;

    private final AudioSpec spec;
    private final CaptureDevice source;
    private final String threadName;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean running;

    /** Capture from {@code source}; nothing runs until {@link #frames()} is subscribed to. */
    public CaptureLoop(AudioSpec spec, CaptureDevice source, String threadName) {
        this.spec = spec;
        this.source = source;
        this.threadName = threadName;
    }

    @Override
    public AudioSpec spec() {
        return spec;
    }

    @Override
    public AudioDevice device() {
        return source.device();
    }

    @Override
    public Flux<AudioFrame> frames() {
        int maxFrames = (int) Math.max(2, MAX_LAG_NANOS / spec.period().toNanos());
        return Flux.<AudioFrame>create(sink -> {
            if (closed.get()) {
                sink.complete();
                return;
            }
            if (!subscribed.compareAndSet(false, true)) {
                sink.error(new IllegalStateException("an AudioInput's frames() takes one subscriber at a time"));
                return;
            }
            running = true;
            Thread t = new Thread(() -> run(sink), threadName);
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY); // a late read loses audio; nothing else on it is heavy
            thread = t;
            sink.onDispose(() -> running = false);
            t.start();
        }, FluxSink.OverflowStrategy.BUFFER)
                .onBackpressureBuffer(maxFrames, frame -> dropped.addAndGet(frame.samples()), BufferOverflowStrategy.DROP_OLDEST);
    }

    private void run(FluxSink<AudioFrame> sink) {
        AudioFormat native_ = source.format();
        int channels = native_.channels();
        int rate = spec.format().sampleRate();
        Resampler resampler = native_.sampleRate() == rate ? null : Resampler.create(native_.sampleRate(), rate);
        int periodOut = spec.periodSamples();
        int deviceFrames = Math.max(1, (int) (spec.period().toNanos() * native_.sampleRate() / 1_000_000_000L));
        short[] raw = new short[deviceFrames * channels];
        short[] mono = new short[deviceFrames];
        short[] converted = new short[resampler == null ? deviceFrames : resampler.maxOutput(deviceFrames) + resampler.delaySamples()];
        short[] pending = new short[periodOut + converted.length];
        int pendingCount = 0;
        long position = 0;
        try {
            while (running) {
                int read = source.read(raw, 0, raw.length);
                if (read < 0) {
                    break;
                }
                int frames = read / channels;
                Pcm.downmixToMono(raw, 0, channels, mono, 0, frames);
                int produced;
                if (resampler == null) {
                    System.arraycopy(mono, 0, converted, 0, frames);
                    produced = frames;
                } else {
                    produced = resampler.process(mono, 0, frames, converted, 0);
                }
                System.arraycopy(converted, 0, pending, pendingCount, produced);
                pendingCount += produced;
                while (pendingCount >= periodOut) {
                    byte[] bytes = new byte[periodOut * 2];
                    Pcm.toBytes(pending, 0, bytes, 0, periodOut);
                    System.arraycopy(pending, periodOut, pending, 0, pendingCount - periodOut);
                    pendingCount -= periodOut;
                    captured.addAndGet(periodOut);
                    sink.next(AudioFrame.wrap(spec.format(), bytes, position));
                    position += periodOut;
                }
                if (read < raw.length) {
                    break; // the source ended mid-block
                }
            }
            if (pendingCount > 0 && !closed.get()) { // the source ended: its last partial period still counts
                byte[] bytes = new byte[pendingCount * 2];
                Pcm.toBytes(pending, 0, bytes, 0, pendingCount);
                captured.addAndGet(pendingCount);
                sink.next(AudioFrame.wrap(spec.format(), bytes, position));
            }
            sink.complete();
        } catch (AudioDeviceException e) {
            sink.error(e);
        } catch (RuntimeException e) {
            sink.error(new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "capture from " + source.device().name()
                    + " failed: " + e, e));
        } finally {
            running = false;
        }
    }

    @Override
    public long capturedSamples() {
        return captured.get();
    }

    @Override
    public long droppedSamples() {
        return dropped.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000); // at most one blocking read: one period
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        source.close();
    }
}
