package io.rtvoice.audio.spi;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;

/**
 * The capture end of an audio backend: where the user's voice comes from — a microphone, a WAV file,
 * a browser's or a phone line's stream. A backend implements only this; rtvoice owns the capture
 * thread, the downmix, the resampling to the wire rate and the frame clock
 * ({@link io.rtvoice.audio.AudioInput#open}).
 *
 * <p>Threads: {@link #read} is called by one capture thread only; {@link #close} once, by the closing
 * thread, after the last read has returned (a read blocks for at most one period).
 */
public interface CaptureDevice extends AutoCloseable {

    /** The device as listed by its backend (the name the user chose it by). */
    AudioDevice device();

    /** What {@link #read} delivers: PCM16, interleaved, any rate and channel count. Never changes. */
    AudioFormat format();

    /**
     * Blocks until {@code length} samples (interleaved, a whole number of frames) have been captured
     * into {@code buffer} from {@code offset}, or the source ends.
     *
     * @return samples read, fewer only when the source ends; -1 when it has ended
     * @throws io.rtvoice.audio.AudioDeviceException ({@code DEVICE_LOST}) when the device went away
     */
    int read(short[] buffer, int offset, int length);

    /** Releases the device. */
    @Override
    void close();
}
