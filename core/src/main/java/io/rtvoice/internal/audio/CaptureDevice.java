package io.rtvoice.internal.audio;

import io.rtvoice.audio.AudioFormat;

/** The device side of a capture, as a backend wraps it for {@link CaptureLoop}. */
public interface CaptureDevice {

    /** The device's native format: PCM16, interleaved, any rate and channel count. */
    AudioFormat format();

    /**
     * Blocks until {@code length} samples (interleaved, a whole number of frames) have been captured
     * into {@code buffer}, or the source ends.
     *
     * @return samples read, fewer only at the end of the source; -1 when it has ended
     * @throws io.rtvoice.audio.AudioDeviceException when the device is lost
     */
    int read(short[] buffer, int offset, int length);

    /** Releases the device; called once, from the closing thread, after the last read returned. */
    void close();
}
