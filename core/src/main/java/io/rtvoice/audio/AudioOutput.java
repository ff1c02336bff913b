package io.rtvoice.audio;

import java.time.Duration;

/**
 * An open playback device. After {@link #start(PcmSource)} the backend's own thread pulls one
 * {@link AudioSpec#period()} at a time from the source, converts it to the device's format and plays
 * it, keeping the device's buffer small (its latency is {@link #latency()}).
 *
 * <p>{@link #playedSamples()} is the played-position clock barge-in needs: samples, at the spec's rate,
 * that the device has actually played — counted from what was handed to the device minus what still
 * sits in its buffer, never from wall time.
 */
public interface AudioOutput extends AutoCloseable {

    /** What was asked for: the source's format and the period. */
    AudioSpec spec();

    /** The device in use. */
    AudioDevice device();

    /** Starts pulling from {@code source}; a later call replaces the source. */
    void start(PcmSource source);

    /**
     * Stops at once: playback pauses and whatever the device still buffers is discarded (so it is
     * never played, nor counted as played). {@link #start} resumes.
     *
     * @return how many samples (at the spec's rate) had been handed to the device but were discarded
     *         unplayed — the tail of what the source gave last
     */
    long stop();

    /** Samples (at the spec's rate) handed to the device so far. */
    long writtenSamples();

    /** Samples (at the spec's rate) the device has played so far: written minus still buffered. */
    long playedSamples();

    /** The device's own delay from a sample written to it to that sample played. */
    Duration latency();

    /** Stops, releases the device and its thread; idempotent. */
    @Override
    void close();
}
