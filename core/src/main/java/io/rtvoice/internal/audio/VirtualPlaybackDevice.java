package io.rtvoice.internal.audio;

import io.rtvoice.audio.AudioFormat;
import java.time.Duration;

/**
 * A playback device with no hardware: frames are "played" at a {@link VirtualClock}'s pace into a
 * {@link Sink} (a WAV file, or nowhere), through a buffer of {@code bufferFrames} — a write blocks
 * until the clock has played enough to make room, as with a sound card, and {@link #discard()} drops
 * what the clock has not reached, so it never reaches the sink.
 */
public final class VirtualPlaybackDevice implements PlaybackDevice {

    /** Receives frames as the clock plays them. */
    @FunctionalInterface
    public interface Sink {
        /** {@code length} interleaved samples from {@code offset}, in order. */
        void played(short[] interleaved, int offset, int length);
    }

    private final AudioFormat format;
    private final VirtualClock clock;
    private final int bufferFrames;
    private final Sink sink;
    private final Runnable onClose;
    private final short[] ring;
    private long written; // frames
    private long played;  // frames handed to the sink
    private long clockBase; // frames played before the clock last restarted

    /** A device of {@code format} with a buffer of {@code bufferFrames}, paced in real time or not at all. */
    public VirtualPlaybackDevice(AudioFormat format, boolean realTime, int bufferFrames, Sink sink, Runnable onClose) {
        this.format = format;
        this.clock = new VirtualClock(format.sampleRate(), realTime);
        this.bufferFrames = bufferFrames;
        this.sink = sink;
        this.onClose = onClose;
        this.ring = new short[bufferFrames * format.channels()];
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public synchronized void write(short[] interleaved, int offset, int length) {
        int channels = format.channels();
        for (int done = 0; done < length; ) {
            int frames = Math.min((length - done) / channels, bufferFrames);
            clock.awaitFrame(written + frames - bufferFrames - clockBase);
            release();
            for (int i = 0; i < frames * channels; i++) {
                ring[(int) (((written * channels) + i) % ring.length)] = interleaved[offset + done + i];
            }
            written += frames;
            done += frames * channels;
            release();
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
    public synchronized int bufferedFrames() {
        release();
        return (int) (written - played);
    }

    @Override
    public synchronized void discard() {
        release();
        written = played;
        clockBase = played;
        clock.restart();
    }

    @Override
    public Duration latency() {
        return format.durationOfSamples(bufferFrames);
    }

    @Override
    public synchronized void close() {
        clock.awaitFrame(written - clockBase); // what was written plays out, as a sound card's would
        release();
        onClose.run();
    }
}
