package io.rtvoice.emulator;

import java.time.Duration;
import java.util.Locale;

/**
 * Misbehaviour to inject into a connection. Set a default on the builder, or per connection with the
 * {@code X-Rtvoice-Fault} request header or the {@code rtvoice_fault} query parameter, whose value is
 * a comma-separated list of {@code close_after:N}, {@code malformed_after:N}, {@code bad_base64},
 * {@code stall_after:N}, {@code error_after:N}, {@code expire_after_ms:N}, {@code fail_response},
 * {@code fail_transcription}.
 *
 * @param closeAfterEvents drop the TCP connection abruptly (no close frame) after this many server events; 0 = never
 * @param malformedFrameAfterEvents send one frame that is not JSON after this many server events; 0 = never
 * @param invalidBase64 audio deltas carry invalid base64
 * @param stallAfterEvents stop sending anything (and ignore pings' purpose: the socket stays open) after this many; 0 = never
 * @param errorEventAfterEvents send a {@code server_error} error event after this many server events; 0 = never
 * @param sessionExpiry send {@code session_expired} and close with 1001 after this long; {@code null} = the session's normal limit
 * @param failResponses every response ends at once with {@code response.done}, {@code status: "failed"} and a
 *        {@code server_error} in its {@code status_details.error}
 * @param failTranscriptions every input audio transcription ends with
 *        {@code conversation.item.input_audio_transcription.failed} ({@code transcription_error}, {@code audio_unintelligible})
 */
public record Faults(
        int closeAfterEvents,
        int malformedFrameAfterEvents,
        boolean invalidBase64,
        int stallAfterEvents,
        int errorEventAfterEvents,
        Duration sessionExpiry,
        boolean failResponses,
        boolean failTranscriptions) {

    /** No faults. */
    public static final Faults NONE = new Faults(0, 0, false, 0, 0, null, false, false);

    /** Whether any fault is set. */
    public boolean any() {
        return !equals(NONE);
    }

    /** Parses the header/query form; {@link IllegalArgumentException} naming the bad part. */
    public static Faults parse(String spec) {
        int closeAfter = 0;
        int malformedAfter = 0;
        boolean badBase64 = false;
        int stallAfter = 0;
        int errorAfter = 0;
        Duration expiry = null;
        boolean failResponses = false;
        boolean failTranscriptions = false;
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        for (String part : spec.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            String name = p.contains(":") ? p.substring(0, p.indexOf(':')) : p;
            String value = p.contains(":") ? p.substring(p.indexOf(':') + 1) : "";
            try {
                switch (name) {
                    case "close_after" -> closeAfter = Integer.parseInt(value);
                    case "malformed_after" -> malformedAfter = Integer.parseInt(value);
                    case "bad_base64" -> badBase64 = true;
                    case "stall_after" -> stallAfter = Integer.parseInt(value);
                    case "error_after" -> errorAfter = Integer.parseInt(value);
                    case "expire_after_ms" -> expiry = Duration.ofMillis(Long.parseLong(value));
                    case "fail_response" -> failResponses = true;
                    case "fail_transcription" -> failTranscriptions = true;
                    default -> throw new IllegalArgumentException("unknown fault '" + name + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fault '" + name + "' needs a number, got '" + value + "'", e);
            }
        }
        return new Faults(closeAfter, malformedAfter, badBase64, stallAfter, errorAfter, expiry, failResponses, failTranscriptions);
    }
}
