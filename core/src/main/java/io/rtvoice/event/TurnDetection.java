package io.rtvoice.event;

/**
 * Voice activity detection on the input audio: {@code server_vad} (energy based) or {@code semantic_vad}
 * (end of utterance judged by a model), or {@link #DISABLED} ({@code null} on the wire: the client commits).
 *
 * @param type {@code server_vad} or {@code semantic_vad}
 * @param threshold server VAD activation threshold, 0..1 (service default 0.5)
 * @param prefixPaddingMs audio kept before detected speech, in ms (default 300)
 * @param silenceDurationMs silence that ends a turn, in ms (default 500; service sessions show 200)
 * @param createResponse whether the service starts a response when a turn ends (default true)
 * @param interruptResponse whether new speech cancels the response in progress (default true)
 * @param idleTimeoutMs server VAD: ms of silence after which the service triggers a turn (GA, 5000..30000)
 * @param eagerness semantic VAD: {@code low}, {@code medium}, {@code high} or {@code auto}
 */
public record TurnDetection(
        String type,
        Double threshold,
        Integer prefixPaddingMs,
        Integer silenceDurationMs,
        Boolean createResponse,
        Boolean interruptResponse,
        Integer idleTimeoutMs,
        String eagerness) {

    /** Turn detection off: written as JSON {@code null}, which also clears it in a session update. */
    public static final TurnDetection DISABLED = new TurnDetection(null, null, null, null, null, null, null, null);

    /** Server VAD with the service's defaults. */
    public static TurnDetection serverVad() {
        return new TurnDetection("server_vad", null, null, null, null, null, null, null);
    }

    /** Server VAD with the given threshold (0..1), prefix padding (ms) and silence duration (ms). */
    public static TurnDetection serverVad(double threshold, int prefixPaddingMs, int silenceDurationMs) {
        return new TurnDetection("server_vad", threshold, prefixPaddingMs, silenceDurationMs, null, null, null, null);
    }

    /** Semantic VAD with the given eagerness ({@code low}, {@code medium}, {@code high}, {@code auto}). */
    public static TurnDetection semanticVad(String eagerness) {
        return new TurnDetection("semantic_vad", null, null, null, null, null, null, eagerness);
    }

    /** Whether this is the {@link #DISABLED} sentinel. */
    public boolean disabled() {
        return this == DISABLED;
    }

    /** A copy with {@code create_response} and {@code interrupt_response} set. */
    public TurnDetection withResponses(boolean createResponse, boolean interruptResponse) {
        return new TurnDetection(type, threshold, prefixPaddingMs, silenceDurationMs, createResponse, interruptResponse,
                idleTimeoutMs, eagerness);
    }

    /** A copy with the idle timeout in ms (server VAD, GA). */
    public TurnDetection withIdleTimeoutMs(Integer idleTimeoutMs) {
        return new TurnDetection(type, threshold, prefixPaddingMs, silenceDurationMs, createResponse, interruptResponse,
                idleTimeoutMs, eagerness);
    }
}
