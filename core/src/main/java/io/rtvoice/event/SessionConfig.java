package io.rtvoice.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A session configuration in the GA shape: what {@code session.update} sends and what
 * {@code session.created}/{@code session.updated} return. In an update only the fields present are
 * changed; {@code null} means "leave as is" (use the {@code DISABLED} sentinels of
 * {@link TurnDetection}, {@link InputTranscription} and {@link NoiseReduction} to switch those off).
 * The preview dialect's flat shape is mapped by the codec; a field one dialect cannot express is an
 * encoding error naming the field.
 *
 * @param type {@code realtime} or {@code transcription} (required by GA in an update; absent in preview)
 * @param object {@code realtime.session} (server)
 * @param id session id {@code sess_…} (server)
 * @param model model name
 * @param outputModalities {@code ["audio"]} (audio with transcript) or {@code ["text"]}
 * @param instructions system instructions
 * @param audio input and output audio settings
 * @param include extra fields the server should include, e.g. {@code item.input_audio_transcription.logprobs}
 * @param tracing tracing configuration ({@code "auto"} or an object), as JSON
 * @param tools tools the model may call
 * @param toolChoice how the model chooses tools
 * @param parallelToolCalls whether the model may call several tools at once (GA, reasoning models)
 * @param reasoning reasoning settings (GA)
 * @param maxOutputTokens maximum output tokens per response
 * @param truncation conversation truncation policy (GA)
 * @param prompt a stored prompt reference, as JSON (GA)
 * @param expiresAt session expiry, Unix time in seconds (server)
 * @param temperature sampling temperature, 0.6..1.2 (preview only: an error in GA)
 * @param clientSecret ephemeral secret of a preview transcription session (server)
 */
public record SessionConfig(
        String type,
        String object,
        String id,
        String model,
        List<String> outputModalities,
        String instructions,
        AudioConfig audio,
        List<String> include,
        JsonNode tracing,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        Reasoning reasoning,
        TokenLimit maxOutputTokens,
        Truncation truncation,
        JsonNode prompt,
        Long expiresAt,
        Double temperature,
        ClientSecret clientSecret) {

    /** A builder for a realtime session configuration ({@code type = realtime}). */
    public static Builder builder() {
        return new Builder().type("realtime");
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.type = type;
        b.object = object;
        b.id = id;
        b.model = model;
        b.outputModalities = outputModalities;
        b.instructions = instructions;
        b.audio = audio;
        b.include = include;
        b.tracing = tracing;
        b.tools = tools;
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.reasoning = reasoning;
        b.maxOutputTokens = maxOutputTokens;
        b.truncation = truncation;
        b.prompt = prompt;
        b.expiresAt = expiresAt;
        b.temperature = temperature;
        b.clientSecret = clientSecret;
        return b;
    }

    /** The output voice, or {@code null}. */
    public Voice voice() {
        return audio != null && audio.output() != null ? audio.output().voice() : null;
    }

    /** The input turn detection, or {@code null}. */
    public TurnDetection turnDetection() {
        return audio != null && audio.input() != null ? audio.input().turnDetection() : null;
    }

    /** Builds a {@link SessionConfig}; every setter replaces the value, {@code null} removes it. */
    public static final class Builder {
        private String type;
        private String object;
        private String id;
        private String model;
        private List<String> outputModalities;
        private String instructions;
        private AudioConfig audio;
        private List<String> include;
        private JsonNode tracing;
        private List<Tool> tools;
        private ToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private Reasoning reasoning;
        private TokenLimit maxOutputTokens;
        private Truncation truncation;
        private JsonNode prompt;
        private Long expiresAt;
        private Double temperature;
        private ClientSecret clientSecret;

        private Builder() {
        }

        /** {@code realtime} or {@code transcription}. */
        public Builder type(String type) { this.type = type; return this; }
        /** Server-side object name. */
        public Builder object(String object) { this.object = object; return this; }
        /** Server-side session id. */
        public Builder id(String id) { this.id = id; return this; }
        /** Model name. */
        public Builder model(String model) { this.model = model; return this; }
        /** Output modalities: {@code "audio"} or {@code "text"}. */
        public Builder outputModalities(String... modalities) { this.outputModalities = List.of(modalities); return this; }
        /** Output modalities as a list, or {@code null}. */
        public Builder outputModalities(List<String> modalities) { this.outputModalities = modalities; return this; }
        /** System instructions; an empty string clears them. */
        public Builder instructions(String instructions) { this.instructions = instructions; return this; }
        /** The whole audio configuration. */
        public Builder audio(AudioConfig audio) { this.audio = audio; return this; }
        /** Extra server fields to include. */
        public Builder include(List<String> include) { this.include = include; return this; }
        /** Tracing configuration as JSON. */
        public Builder tracing(JsonNode tracing) { this.tracing = tracing; return this; }
        /** Tools; an empty list clears them. */
        public Builder tools(List<Tool> tools) { this.tools = tools; return this; }
        /** Tool choice. */
        public Builder toolChoice(ToolChoice toolChoice) { this.toolChoice = toolChoice; return this; }
        /** Parallel tool calls (GA). */
        public Builder parallelToolCalls(Boolean parallelToolCalls) { this.parallelToolCalls = parallelToolCalls; return this; }
        /** Reasoning settings (GA). */
        public Builder reasoning(Reasoning reasoning) { this.reasoning = reasoning; return this; }
        /** Maximum output tokens per response. */
        public Builder maxOutputTokens(TokenLimit maxOutputTokens) { this.maxOutputTokens = maxOutputTokens; return this; }
        /** Truncation policy (GA). */
        public Builder truncation(Truncation truncation) { this.truncation = truncation; return this; }
        /** Stored prompt reference as JSON (GA). */
        public Builder prompt(JsonNode prompt) { this.prompt = prompt; return this; }
        /** Expiry, Unix seconds (server). */
        public Builder expiresAt(Long expiresAt) { this.expiresAt = expiresAt; return this; }
        /** Sampling temperature (preview only). */
        public Builder temperature(Double temperature) { this.temperature = temperature; return this; }
        /** Ephemeral client secret (server, preview transcription sessions). */
        public Builder clientSecret(ClientSecret clientSecret) { this.clientSecret = clientSecret; return this; }

        /** Sets the output voice, keeping the other audio settings. */
        public Builder voice(Voice voice) {
            AudioConfig.Output o = output();
            return output(new AudioConfig.Output(o.format(), voice, o.speed()));
        }

        /** Sets the output voice by name, e.g. {@code alloy}. */
        public Builder voice(String name) {
            return voice(Voice.named(name));
        }

        /** Sets the output speaking rate (0.25..1.5). */
        public Builder speed(double speed) {
            AudioConfig.Output o = output();
            return output(new AudioConfig.Output(o.format(), o.voice(), speed));
        }

        /** Sets the output audio format. */
        public Builder outputAudioFormat(RealtimeAudioFormat format) {
            AudioConfig.Output o = output();
            return output(new AudioConfig.Output(format, o.voice(), o.speed()));
        }

        /** Sets the input audio format. */
        public Builder inputAudioFormat(RealtimeAudioFormat format) {
            AudioConfig.Input i = input();
            return input(new AudioConfig.Input(format, i.transcription(), i.noiseReduction(), i.turnDetection()));
        }

        /** Sets input transcription ({@link InputTranscription#DISABLED} switches it off). */
        public Builder inputTranscription(InputTranscription transcription) {
            AudioConfig.Input i = input();
            return input(new AudioConfig.Input(i.format(), transcription, i.noiseReduction(), i.turnDetection()));
        }

        /** Sets input noise reduction ({@link NoiseReduction#DISABLED} switches it off). */
        public Builder noiseReduction(NoiseReduction noiseReduction) {
            AudioConfig.Input i = input();
            return input(new AudioConfig.Input(i.format(), i.transcription(), noiseReduction, i.turnDetection()));
        }

        /** Sets turn detection ({@link TurnDetection#DISABLED} switches it off: push-to-talk). */
        public Builder turnDetection(TurnDetection turnDetection) {
            AudioConfig.Input i = input();
            return input(new AudioConfig.Input(i.format(), i.transcription(), i.noiseReduction(), turnDetection));
        }

        private AudioConfig.Input input() {
            return audio != null && audio.input() != null ? audio.input() : new AudioConfig.Input(null, null, null, null);
        }

        private AudioConfig.Output output() {
            return audio != null && audio.output() != null ? audio.output() : new AudioConfig.Output(null, null, null);
        }

        private Builder input(AudioConfig.Input input) {
            audio = new AudioConfig(input, audio != null ? audio.output() : null);
            return this;
        }

        private Builder output(AudioConfig.Output output) {
            audio = new AudioConfig(audio != null ? audio.input() : null, output);
            return this;
        }

        /** The session configuration. */
        public SessionConfig build() {
            return new SessionConfig(type, object, id, model, outputModalities, instructions, audio, include, tracing, tools,
                    toolChoice, parallelToolCalls, reasoning, maxOutputTokens, truncation, prompt, expiresAt, temperature,
                    clientSecret);
        }
    }
}
