package io.rtvoice.audio.spi;

/**
 * A voice activity detector: how likely one 10 ms frame of mono PCM16 is speech. rtvoice's local turn
 * taking ({@link io.rtvoice.voice.LocalVad}) decides onsets and ends from these; an implementation wraps a
 * proven model (rtvoice's own, in {@code rtvoice-audio-webrtc}, is WebRTC's).
 *
 * <p>Threads: {@link #speechProbability} is called by one thread at a time, frame after frame in order;
 * {@link #close} once, after the last call.
 */
public interface VoiceActivityDetector extends AutoCloseable {

    /** Opens a detector for one voice session, once its input rate is known. */
    @FunctionalInterface
    interface Factory {
        /**
         * A detector for audio at {@code sampleRateHz}.
         *
         * @throws IllegalArgumentException when it cannot work at this rate
         */
        VoiceActivityDetector open(int sampleRateHz);
    }

    /**
     * The probability, from 0 to 1, that one 10 ms frame ({@code sampleRateHz / 100} samples from
     * {@code offset}) is speech, given the frames before it.
     */
    float speechProbability(short[] frame, int offset);

    /** Releases the detector. */
    @Override
    void close();
}
