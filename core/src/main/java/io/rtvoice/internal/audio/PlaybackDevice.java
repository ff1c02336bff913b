package io.rtvoice.internal.audio;

import io.rtvoice.audio.AudioFormat;
import java.time.Duration;

/** The device side of a playback, as a backend wraps it for {@link PlaybackLoop}. */
public interface PlaybackDevice {

    /** The device's native format: PCM16, interleaved, any rate and channel count. */
    AudioFormat format();

    /**
     * Hands {@code length} samples (interleaved, whole frames) to the device, blocking while its buffer
     * is full: this is what paces playback.
     *
     * @throws io.rtvoice.audio.AudioDeviceException when the device is lost
     */
    void write(short[] interleaved, int offset, int length);

    /** Frames written but not yet played, by the device's own account. */
    int bufferedFrames();

    /** Drops every buffered frame so that it is never played. */
    void discard();

    /** The device's delay from a frame written to it to that frame played. */
    Duration latency();

    /** Releases the device; called once, after the last write returned. */
    void close();
}
