package io.rtvoice.emulator.internal;

import io.rtvoice.Dialect;
import io.rtvoice.event.AudioConfig;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.NoiseReduction;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TokenLimit;
import io.rtvoice.event.ToolChoice;
import io.rtvoice.event.Truncation;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.event.Voice;
import java.util.List;
import java.util.Set;

/** The service's default session per dialect, the update merge, and the parameters each dialect accepts. */
final class SessionConfigs {

    static final Set<String> GA_SESSION_KEYS = Set.of("type", "output_modalities", "model", "instructions", "audio",
            "include", "tracing", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "max_output_tokens",
            "truncation", "prompt");
    static final Set<String> GA_AUDIO_KEYS = Set.of("input", "output");
    static final Set<String> GA_INPUT_KEYS = Set.of("format", "transcription", "noise_reduction", "turn_detection");
    static final Set<String> GA_OUTPUT_KEYS = Set.of("format", "voice", "speed");
    static final Set<String> GA_TRANSCRIPTION_SESSION_KEYS = Set.of("type", "audio", "include");
    static final Set<String> GA_TRANSCRIPTION_AUDIO_KEYS = Set.of("input");
    static final Set<String> PREVIEW_SESSION_KEYS = Set.of("modalities", "model", "instructions", "voice",
            "input_audio_format", "output_audio_format", "input_audio_transcription", "turn_detection",
            "input_audio_noise_reduction", "tools", "tool_choice", "temperature", "max_response_output_tokens", "speed",
            "tracing");

    static final String DEFAULT_INSTRUCTIONS = "Your knowledge cutoff is 2023-10. You are a helpful, witty, and friendly AI.";

    private SessionConfigs() {
    }

    /** What {@code session.created} reports on a new connection. */
    static SessionConfig initial(Dialect dialect, String id, String model, long expiresAt) {
        SessionConfig.Builder b = SessionConfig.builder()
                .type(dialect == Dialect.GA ? "realtime" : null)
                .object("realtime.session")
                .id(id)
                .model(model)
                .outputModalities("audio")
                .instructions(DEFAULT_INSTRUCTIONS)
                .audio(new AudioConfig(
                        new AudioConfig.Input(RealtimeAudioFormat.PCM16, InputTranscription.DISABLED, NoiseReduction.DISABLED,
                                new TurnDetection("server_vad", 0.5, 300, 200, true, true, null, null)),
                        new AudioConfig.Output(RealtimeAudioFormat.PCM16, Voice.named("alloy"), 1.0)))
                .tools(List.of())
                .toolChoice(ToolChoice.AUTO)
                .maxOutputTokens(TokenLimit.INFINITE)
                .expiresAt(expiresAt);
        if (dialect == Dialect.GA) {
            b.truncation(Truncation.AUTO);
        } else {
            b.temperature(0.8);
        }
        return b.build();
    }

    /**
     * What {@code session.created} reports on a transcription connection ({@code ?intent=transcription}): the
     * spec's transcription session object ({@code RealtimeTranscriptionSessionCreateResponseGA} and its example) —
     * {@code type: "transcription"}, {@code object: "realtime.transcription_session"}, input audio only, no model,
     * no output; transcription by {@code gpt-4o-transcribe} and server VAD (0.5, 300 ms, 200 ms) as in the example.
     */
    static SessionConfig initialTranscription(String id, long expiresAt) {
        return SessionConfig.builder()
                .type("transcription")
                .object("realtime.transcription_session")
                .id(id)
                .audio(new AudioConfig(
                        new AudioConfig.Input(RealtimeAudioFormat.PCM16, new InputTranscription("gpt-4o-transcribe", null, null, null, "",
                                null, null), NoiseReduction.DISABLED, new TurnDetection("server_vad", 0.5, 300, 200, null, null, null, null)),
                        null))
                .expiresAt(expiresAt)
                .build();
    }

    /**
     * The first parameter of a GA realtime session object ({@code session.update}'s, or a client secret's) that GA
     * does not know, as a path such as {@code session.audio.output.rate}; {@code null} when all are known.
     */
    static String unknownGaParameter(com.fasterxml.jackson.databind.JsonNode session) {
        String top = firstUnknown(session, GA_SESSION_KEYS, "session");
        if (top != null) {
            return top;
        }
        com.fasterxml.jackson.databind.JsonNode audio = session.path("audio");
        String a = firstUnknown(audio, GA_AUDIO_KEYS, "session.audio");
        if (a != null) {
            return a;
        }
        String in = firstUnknown(audio.path("input"), GA_INPUT_KEYS, "session.audio.input");
        return in != null ? in : firstUnknown(audio.path("output"), GA_OUTPUT_KEYS, "session.audio.output");
    }

    /** The first field of {@code object} not in {@code known}, as {@code path.name}; {@code null} if none or not an object. */
    static String firstUnknown(com.fasterxml.jackson.databind.JsonNode object, Set<String> known, String path) {
        if (!object.isObject()) {
            return null;
        }
        var names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                return path + "." + name;
            }
        }
        return null;
    }

    /** Applies an update: fields present in {@code u} replace those of {@code s}; audio merges field by field. */
    static SessionConfig merge(SessionConfig s, SessionConfig u) {
        return new SessionConfig(
                or(u.type(), s.type()), s.object(), s.id(), s.model(),
                or(u.outputModalities(), s.outputModalities()),
                or(u.instructions(), s.instructions()),
                mergeAudio(s.audio(), u.audio()),
                or(u.include(), s.include()),
                or(u.tracing(), s.tracing()),
                or(u.tools(), s.tools()),
                or(u.toolChoice(), s.toolChoice()),
                or(u.parallelToolCalls(), s.parallelToolCalls()),
                or(u.reasoning(), s.reasoning()),
                or(u.maxOutputTokens(), s.maxOutputTokens()),
                or(u.truncation(), s.truncation()),
                or(u.prompt(), s.prompt()),
                s.expiresAt(),
                or(u.temperature(), s.temperature()),
                s.clientSecret());
    }

    /**
     * The configuration one response runs with: the session's, with what {@code response.create} sets in its
     * place for this response only (instructions, tools, tool choice, output token limit, modalities).
     */
    static SessionConfig forResponse(SessionConfig session, io.rtvoice.event.ResponseParams params) {
        if (params == null) {
            return session;
        }
        SessionConfig.Builder b = session.toBuilder();
        if (params.instructions() != null) {
            b.instructions(params.instructions());
        }
        if (params.tools() != null) {
            b.tools(params.tools());
        }
        if (params.toolChoice() != null) {
            b.toolChoice(params.toolChoice());
        }
        if (params.maxOutputTokens() != null) {
            b.maxOutputTokens(params.maxOutputTokens());
        }
        if (params.outputModalities() != null) {
            b.outputModalities(params.outputModalities());
        }
        return b.build();
    }

    private static AudioConfig mergeAudio(AudioConfig s, AudioConfig u) {
        if (u == null) {
            return s;
        }
        AudioConfig.Input si = s.input();
        AudioConfig.Input ui = u.input();
        AudioConfig.Input input = ui == null ? si : new AudioConfig.Input(
                or(ui.format(), si.format()), or(ui.transcription(), si.transcription()),
                or(ui.noiseReduction(), si.noiseReduction()), or(ui.turnDetection(), si.turnDetection()));
        AudioConfig.Output so = s.output();
        AudioConfig.Output uo = u.output();
        AudioConfig.Output output = uo == null || so == null ? (uo == null ? so : uo) : new AudioConfig.Output(
                or(uo.format(), so.format()), or(uo.voice(), so.voice()), or(uo.speed(), so.speed()));
        return new AudioConfig(input, output);
    }

    private static <T> T or(T update, T current) {
        return update != null ? update : current;
    }
}
