package io.rtvoice.internal.audio;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.time.Duration;

/**
 * A playback device with no hardware: frames are "played" at a {@link VirtualClock}'s pace into a
 * {@link Sink} (a WAV file, or nowhere), through a buffer of {@code bufferFrames} — a write blocks
 * until the clock has played enough to make room, as with a sound card, and {@link #abort()} drops
 * what the clock has not reached, so it never reaches the sink.
 */
public final class VirtualPlaybackDevice implements PlaybackDevice {

    /** Receives frames as the clock plays them. */
    @FunctionalInterface
    public interface Sink {
        /** {@code length} interleaved samples from {@code offset}, in order. */
        void played(short[] interleaved, int offset, int length);
    }

    private final AudioDevice device;
    private final AudioFormat format;
    private final VirtualClock clock;
    private final int bufferFrames;
    private final Sink sink;
    private final Runnable onClose;
    private final short[] ring;
    private long written; // frames
    private long played;  // frames handed to the sink
    private long clockBase; // frames played before the clock last restarted
    private long aborts;
    private boolean closed;

    /** A device of {@code format} with a buffer of {@code bufferFrames}, paced in real time or not at all. */
    public VirtualPlaybackDevice(AudioDevice device, AudioFormat format, boolean realTime, int bufferFrames, Sink sink,
            Runnable onClose) {
        this.device = device;
        this.format = format;
        this.clock = new VirtualClock(format.sampleRate(), realTime);
        this.bufferFrames = bufferFrames;
        this.sink = sink;
        this.onClose = onClose;
        this.ring = new short[bufferFrames * format.channels()];
    }

    @Override
    public AudioDevice device() {
        return device;
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public void write(short[] interleaved, int offset, int length) {
        int channels = format.channels();
        long generation;
        synchronized (this) {
            generation = aborts;
        }
        for (int done = 0; done < length; ) {
            int frames = Math.min((length - done) / channels, bufferFrames);
            long due;
            synchronized (this) {
                if (closed || aborts != generation) {
                    return; // aborted: the rest is dropped
                }
                due = written + frames - bufferFrames - clockBase;
            }
            clock.awaitFrame(due); // outside the lock, so that an abort never waits for the clock
            synchronized (this) {
                if (closed || aborts != generation) {
                    return;
                }
                release();
                for (int i = 0; i < frames * channels; i++) {
                    ring[(int) (((written * channels) + i) % ring.length)] = interleaved[offset + done + i];
                }
                written += frames;
                done += frames * channels;
                release();
            }
        }
    }

    /** Hands every frame the clock has reached to the sink. */
    private void release() {
        long due = Math.min(written, clockBase + clock.framesDue());
        int channels = format.channels();
        while (played < due) {
            int start = (int) ((played * channels) % ring.length);
            int frames = (int) Math.min(due - played, (ring.length - start) / channels);
            sink.played(ring, start, frames * channels);
            played += frames;
        }
    }

    @Override
    public synchronized long playedFrames() {
        if (!closed) {
            release();
        }
        return played;
    }

    @Override
    public synchronized long abort() {
        aborts++;
        if (closed) {
            return 0;
        }
        release();
        long dropped = written - played;
        written = played;
        clockBase = played;
        clock.restart();
        return dropped;
    }

    @Override
    public Duration latency() {
        return format.durationOfSamples(bufferFrames);
    }

    @Override
    public void close() {
        long end;
        synchronized (this) {
            if (closed) {
                return;
            }
            end = written - clockBase;
        }
        clock.awaitFrame(end); // what was written plays out, as a sound card's would
        synchronized (this) {
            release();
            closed = true;
        }
        onClose.run();
    }
}
