package io.rtvoice.audio.spi;

/**
 * An acoustic echo canceller: removes from what the microphone captured the echo of what the speaker
 * played. rtvoice feeds it both sides in 10 ms frames of mono PCM16 — the far end ({@link #played}) with
 * exactly what the playout side handed to the speaker, the near end ({@link #capture}) with each captured
 * frame — and sends on what it returns. An implementation wraps a proven canceller (rtvoice's own, in
 * {@code rtvoice-audio-webrtc}, is WebRTC's); core holds no native code.
 *
 * <p>Threads: {@link #played} is called by the playback thread, {@link #capture} and
 * {@link #delayMillis} by the capture thread, possibly at the same time; {@link #close} once, after both
 * have stopped.
 */
public interface EchoCanceller extends AutoCloseable {

    /** Opens a canceller for one voice session, once its wire rates are known. */
    @FunctionalInterface
    interface Factory {
        /**
         * A canceller for captured audio at {@code captureRateHz} and played audio at {@code playbackRateHz}.
         *
         * @throws IllegalArgumentException when it cannot work at these rates
         */
        EchoCanceller open(int captureRateHz, int playbackRateHz);
    }

    /**
     * The far end: one 10 ms frame ({@code playbackRateHz / 100} samples from {@code offset}) just handed to
     * the speaker, silence included, in the order played.
     */
    void played(short[] frame, int offset);

    /**
     * The near end: cancels the echo in one 10 ms frame ({@code captureRateHz / 100} samples from
     * {@code offset}) and writes the result to {@code out} from {@code outOffset} (it may be the same array
     * and offset).
     */
    void capture(short[] frame, int offset, short[] out, int outOffset);

    /**
     * How long a sample takes from {@link #played} to its echo reaching {@link #capture}, as far as the
     * devices report it: where the canceller starts looking for the echo. A hint; it measures the rest itself.
     */
    void delayMillis(int millis);

    /** Releases the canceller. */
    @Override
    void close();
}
