package io.rtvoice.emulator;

import java.time.Duration;
import java.util.Locale;

/**
 * Misbehaviour to inject into a connection. Set a default on the builder, or per connection with the
 * {@code X-Rtvoice-Fault} request header or the {@code rtvoice_fault} query parameter, whose value is
 * a comma-separated list of {@code close_after:N}, {@code malformed_after:N}, {@code bad_base64},
 * {@code stall_after:N}, {@code error_after:N}, {@code expire_after_ms:N}, {@code fail_response},
 * {@code fail_transcription}, and the hostile server's
 * {@code echo_key_after:N}, {@code refuse_echoing_key}, {@code truncate_after:N}, {@code invalid_events_after:N},
 * {@code flood_after:N}, {@code ping_every_ms:N}: what a server must not do, so a client can prove it survives it.
 *
 * @param closeAfterEvents drop the TCP connection abruptly (no close frame) after this many server events; 0 = never
 * @param malformedFrameAfterEvents send one frame that is not JSON after this many server events; 0 = never
 * @param invalidBase64 audio deltas carry invalid base64
 * @param stallAfterEvents stop sending anything (and ignore pings' purpose: the socket stays open) after this many; 0 = never
 * @param errorEventAfterEvents send a {@code server_error} error event after this many server events; 0 = never
 * @param sessionExpiry send {@code session_expired} and close with 1001 after this long; {@code null} = the session's normal limit
 * @param echoKeyAfterEvents after this many events, an {@code invalid_api_key} error quoting the client's key, then
 *        close 1008 with the key in the reason; 0 = never
 * @param refuseEchoingKey refuse the upgrade with {@code 401 Incorrect API key provided: <the key>} as the status line
 * @param truncateAfterEvents the event after this many is cut off halfway: the frame's header promises all its bytes,
 *        half come, then the TCP connection ends; 0 = never
 * @param invalidEventsAfterEvents after this many events, a burst of frames a client cannot use: JSON that is not an
 *        object, too deeply nested, events missing required fields or with fields of the wrong type, an unknown
 *        type, audio of an odd byte count; 0 = never
 * @param floodAfterEvents after this many events, 16 audio deltas of 256 KiB each for an item that does not
 *        exist, at once; 0 = never
 * @param pingEveryMillis send a ping this often and close 1011 ({@code keepalive ping timeout}) when one is not
 *        answered by the next, as servers that enforce ping/pong do; 0 = never
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
        int echoKeyAfterEvents,
        boolean refuseEchoingKey,
        int truncateAfterEvents,
        int invalidEventsAfterEvents,
        int floodAfterEvents,
        int pingEveryMillis,
        boolean failResponses,
        boolean failTranscriptions) {

    /** No faults. */
    public static final Faults NONE = new Faults(0, 0, false, 0, 0, null, 0, false, 0, 0, 0, 0, false, false);

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
        int echoKeyAfter = 0;
        boolean refuseEchoing = false;
        int truncateAfter = 0;
        int invalidAfter = 0;
        int floodAfter = 0;
        int pingEvery = 0;
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
                    case "echo_key_after" -> echoKeyAfter = Integer.parseInt(value);
                    case "refuse_echoing_key" -> refuseEchoing = true;
                    case "truncate_after" -> truncateAfter = Integer.parseInt(value);
                    case "invalid_events_after" -> invalidAfter = Integer.parseInt(value);
                    case "flood_after" -> floodAfter = Integer.parseInt(value);
                    case "ping_every_ms" -> pingEvery = Integer.parseInt(value);
                    case "fail_response" -> failResponses = true;
                    case "fail_transcription" -> failTranscriptions = true;
                    default -> throw new IllegalArgumentException("unknown fault '" + name + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fault '" + name + "' needs a number, got '" + value + "'", e);
            }
        }
        return new Faults(closeAfter, malformedAfter, badBase64, stallAfter, errorAfter, expiry,
                echoKeyAfter, refuseEchoing, truncateAfter, invalidAfter, floodAfter, pingEvery, failResponses, failTranscriptions);
    }
}
