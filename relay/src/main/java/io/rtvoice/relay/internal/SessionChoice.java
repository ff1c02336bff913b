package io.rtvoice.relay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.util.List;
import java.util.Locale;

/** The session a page gets: the relay's, with the page's choices where it may choose. Both page modes use it. */
public final class SessionChoice {

    private SessionChoice() {
    }

    /**
     * The relay's configuration, with what the page chose where the relay lets it choose ({@code start}'s
     * {@code instructions}, {@code voice}, {@code vad}); PCM16 both ways, as a page plays and captures.
     *
     * @throws IllegalArgumentException with a message for the page, when a choice is out of range
     */
    public static SessionConfig of(SessionConfig defaults, boolean pageMaySetSession, JsonNode start) {
        SessionConfig.Builder b = defaults == null ? SessionConfig.builder() : defaults.toBuilder();
        // The page plays and captures PCM16: whatever the relay's defaults say, the wire is PCM16 (24 kHz).
        b.inputAudioFormat(RealtimeAudioFormat.PCM16).outputAudioFormat(RealtimeAudioFormat.PCM16);
        if (defaults == null || defaults.audio() == null || defaults.audio().input() == null
                || defaults.audio().input().transcription() == null) {
            b.inputTranscription(InputTranscription.of("whisper-1")); // the page shows what the user said
        }
        if (!pageMaySetSession) {
            return b.build();
        }
        String instructions = start.path("instructions").asText("");
        if (!instructions.isBlank()) {
            if (instructions.length() > 16_384) {
                throw new IllegalArgumentException("instructions longer than 16384 characters");
            }
            b.instructions(instructions);
        }
        String voiceName = start.path("voice").asText("");
        if (!voiceName.isBlank()) {
            if (!voiceName.matches("[a-z_]{1,32}")) {
                throw new IllegalArgumentException("voice must be a voice's name");
            }
            b.voice(voiceName);
        }
        JsonNode vad = start.path("vad");
        if (vad.isObject()) {
            String type = vad.path("type").asText("server_vad").toLowerCase(Locale.ROOT);
            TurnDetection detection;
            if (type.equals("semantic_vad")) {
                String eagerness = vad.path("eagerness").asText("auto");
                if (!List.of("low", "medium", "high", "auto").contains(eagerness)) {
                    throw new IllegalArgumentException("eagerness must be low, medium, high or auto");
                }
                detection = TurnDetection.semanticVad(eagerness);
            } else if (type.equals("server_vad")) {
                double threshold = vad.path("threshold").asDouble(0.5);
                int prefix = vad.path("prefixPaddingMs").asInt(300);
                int silence = vad.path("silenceDurationMs").asInt(500);
                if (threshold < 0 || threshold > 1 || prefix < 0 || prefix > 5_000 || silence < 50 || silence > 10_000) {
                    throw new IllegalArgumentException("VAD: threshold 0..1, prefixPaddingMs 0..5000, silenceDurationMs 50..10000");
                }
                detection = TurnDetection.serverVad(threshold, prefix, silence);
            } else {
                throw new IllegalArgumentException("VAD type must be server_vad or semantic_vad");
            }
            b.turnDetection(detection);
        }
        return b.build();
    }

}
