package io.rtvoice.audio.spi;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import java.time.Duration;

/**
 * The playback end of an audio backend: where the model's voice goes — a sound card, a WAV file, a
 * browser page, a phone line. A backend implements only this; rtvoice owns the playback thread, the
 * resampling from the wire rate, the upmix and the played-samples clock
 * ({@link io.rtvoice.audio.AudioOutput#open}).
 *
 * <p><b>What was played.</b> Barge-in tells the model how much of its answer the user heard
 * ({@code conversation.item.truncate.audio_end_ms}). rtvoice derives it from {@link #playedFrames()}
 * alone, never from wall time, so this count must be the end's own account:
 * <ul>
 *   <li>a <em>local device</em> (it pulls: {@link #write} blocks while its buffer is full) counts the
 *       frames written minus those still in its buffer, as the driver reports them;</li>
 *   <li>a <em>remote end</em> whose clock is far away (a browser, a phone line) paces {@link #write} by a
 *       clock of its own (real time, RTP packet times) and reports the frames the far end has
 *       acknowledged as played (playback counters, media-stream marks), as they arrive. Such reports lag:
 *       the truncation is then a little early, never later than what was heard.</li>
 * </ul>
 * {@link #abort()} drops what was written but not yet played and says how much that was; from then on
 * {@code playedFrames()} no longer grows for audio written before it, so that
 * {@code playedFrames() == frames written - frames discarded} holds after every abort.
 *
 * <p>Threads: {@link #write} is called by one playback thread; {@link #playedFrames()}, {@link #abort()}
 * and {@link #latency()} from any thread, {@code abort()} while a {@code write} may be blocked (which must
 * then return, dropping what it had not taken); {@link #close} once, after the last write returned.
 */
public interface PlaybackDevice extends AutoCloseable {

    /** The device as listed by its backend (the name the user chose it by). */
    AudioDevice device();

    /** What {@link #write} takes: PCM16, interleaved, any rate and channel count. Never changes. */
    AudioFormat format();

    /**
     * Hands {@code length} samples (interleaved, whole frames) from {@code offset} to the device, blocking
     * while it has no room: this is what paces playback. Returns early, dropping the rest, once
     * {@link #abort()} or {@link #close()} has been called.
     *
     * @throws io.rtvoice.audio.AudioDeviceException ({@code DEVICE_LOST}) when the device went away
     */
    void write(short[] interleaved, int offset, int length);

    /** Frames played since the device was opened, by its own account (see the class comment); never decreases. */
    long playedFrames();

    /**
     * Stops at once: every frame written but not yet played is dropped, never to be played, and a blocked
     * {@link #write} returns. Playback goes on with the next write.
     *
     * @return the frames dropped
     */
    long abort();

    /** The delay from a frame written to that frame being heard, as far as the device knows it. */
    Duration latency();

    /** Releases the device. */
    @Override
    void close();
}
