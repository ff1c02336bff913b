package io.rtvoice.transcription;

import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.NoiseReduction;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.util.List;
import java.util.Objects;

/**
 * How a transcription session transcribes: the configuration {@link TranscriptionSession#configure} sends as
 * {@code session.update} with {@code session.type = "transcription"} (GA), or as
 * {@code transcription_session.update} (preview). A {@code null} setting is left to the service.
 *
 * @param model transcription model, e.g. {@code gpt-4o-transcribe}, {@code gpt-4o-mini-transcribe},
 *     {@code whisper-1}; on Azure the name of the transcription model's deployment
 * @param language ISO-639-1 language of the audio, e.g. {@code en}, or {@code null} to let the model tell
 * @param prompt text that guides the transcription (vocabulary, style), or {@code null}
 * @param turnDetection how the audio is cut into items: server VAD ({@link TurnDetection#serverVad()}), or
 *     {@link TurnDetection#DISABLED} for the caller's own {@link TranscriptionSession#commit()}s; {@code null}
 *     keeps the service's default (server VAD)
 * @param noiseReduction input noise reduction, {@link NoiseReduction#DISABLED}, or {@code null} (the default)
 * @param inputFormat the format of the appended audio; {@code null} keeps the service's default, PCM16 at
 *     24 kHz mono ({@link RealtimeAudioFormat#PCM16})
 * @param logprobs whether completed transcripts carry the log probability of each token
 */
public record TranscriptionConfig(
        String model,
        String language,
        String prompt,
        TurnDetection turnDetection,
        NoiseReduction noiseReduction,
        RealtimeAudioFormat inputFormat,
        boolean logprobs) {

    /** The {@code include} entry that asks for log probabilities. */
    static final String LOGPROBS = "item.input_audio_transcription.logprobs";

    /** Requires a model. */
    public TranscriptionConfig {
        Objects.requireNonNull(model, "model");
    }

    /** A builder for transcription with {@code model} (on Azure, a deployment name). */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(model).language(language).prompt(prompt).turnDetection(turnDetection).noiseReduction(noiseReduction)
                .inputFormat(inputFormat).logprobs(logprobs);
    }

    /** This configuration as the session configuration the service reads ({@code type = transcription}). */
    public SessionConfig sessionConfig() {
        SessionConfig.Builder b = SessionConfig.builder().type("transcription")
                .inputTranscription(new InputTranscription(model, language, null, null, prompt, null, null));
        if (turnDetection != null) {
            b.turnDetection(turnDetection);
        }
        if (noiseReduction != null) {
            b.noiseReduction(noiseReduction);
        }
        if (inputFormat != null) {
            b.inputAudioFormat(inputFormat);
        }
        if (logprobs) {
            b.include(List.of(LOGPROBS));
        }
        return b.build();
    }

    /** Builds a {@link TranscriptionConfig}; every setter replaces the value, {@code null} removes it. */
    public static final class Builder {
        private String model;
        private String language;
        private String prompt;
        private TurnDetection turnDetection;
        private NoiseReduction noiseReduction;
        private RealtimeAudioFormat inputFormat;
        private boolean logprobs;

        private Builder(String model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The transcription model (on Azure, its deployment's name). */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The audio's language, ISO-639-1 ({@code en}, {@code de}, …). */
        public Builder language(String language) {
            this.language = language;
            return this;
        }

        /** Text that guides the transcription. */
        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        /** Turn detection: {@link TurnDetection#serverVad()} and its variants, or {@link TurnDetection#DISABLED}. */
        public Builder turnDetection(TurnDetection turnDetection) {
            this.turnDetection = turnDetection;
            return this;
        }

        /** No turn detection: the audio becomes an item at each {@link TranscriptionSession#commit()}. */
        public Builder manualCommit() {
            return turnDetection(TurnDetection.DISABLED);
        }

        /** Input noise reduction ({@link NoiseReduction#NEAR_FIELD}, {@link NoiseReduction#FAR_FIELD}, or DISABLED). */
        public Builder noiseReduction(NoiseReduction noiseReduction) {
            this.noiseReduction = noiseReduction;
            return this;
        }

        /** The format of the appended audio (default PCM16 at 24 kHz mono). */
        public Builder inputFormat(RealtimeAudioFormat inputFormat) {
            this.inputFormat = inputFormat;
            return this;
        }

        /** Whether completed transcripts carry token log probabilities (default false). */
        public Builder logprobs(boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** The configuration. */
        public TranscriptionConfig build() {
            return new TranscriptionConfig(model, language, prompt, turnDetection, noiseReduction, inputFormat, logprobs);
        }
    }
}
