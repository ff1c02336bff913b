package io.rtvoice.event;

/**
 * The audio part of a session or response, GA shape ({@code session.audio}). The preview dialect's flat
 * fields ({@code input_audio_format}, {@code voice}, {@code turn_detection}, …) are mapped by the codec.
 *
 * @param input input audio settings, or {@code null}
 * @param output output audio settings, or {@code null}
 */
public record AudioConfig(Input input, Output output) {

    /**
     * Input audio settings.
     *
     * @param format format of {@code input_audio_buffer.append} audio
     * @param transcription input transcription, {@link InputTranscription#DISABLED} or {@code null} (unchanged)
     * @param noiseReduction noise reduction, {@link NoiseReduction#DISABLED} or {@code null} (unchanged)
     * @param turnDetection turn detection, {@link TurnDetection#DISABLED} or {@code null} (unchanged)
     */
    public record Input(
            RealtimeAudioFormat format,
            InputTranscription transcription,
            NoiseReduction noiseReduction,
            TurnDetection turnDetection) {
    }

    /**
     * Output audio settings.
     *
     * @param format format of the model's audio
     * @param voice the voice; cannot change once the model has produced audio in the session
     * @param speed speaking rate, 0.25..1.5 (default 1)
     */
    public record Output(RealtimeAudioFormat format, Voice voice, Double speed) {
    }
}
