package io.rtvoice.audio;

import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.internal.audio.PlaybackLoop;
import java.time.Duration;
import java.util.Objects;

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

    /**
     * Play to {@code device} what a source gives in {@code spec}'s format: rtvoice's thread pulls a period
     * at a time, resamples, upmixes and writes; the played clock is the device's own. Nothing is pulled
     * until {@link #start}; closing the output closes the device.
     */
    static AudioOutput open(PlaybackDevice device, AudioSpec spec) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(spec, "spec");
        return new PlaybackLoop(spec, device, "rtvoice-playback-" + device.device().name());
    }

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

    /** Why playback stopped by itself (the device was lost), or null while it has not. */
    default Throwable failure() {
        return null;
    }

    /** Stops, releases the device and its thread; idempotent. */
    @Override
    void close();
}
