package io.rtvoice.emulator.internal;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.Faults;
import io.rtvoice.event.SessionConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * What a WebSocket upgrade request asks for, judged as the service judges it: the path and its
 * parameters decide the dialect, and {@code intent=transcription} (instead of a model) a transcription-only
 * session; the key comes from a header, the query or a subprotocol.
 *
 * @param model the model or deployment the URI names; {@code null} for a transcription session
 * @param transcription whether the URI asks for a transcription session ({@code ?intent=transcription})
 * @param minted the session configuration of the ephemeral key the connection was opened with, or of the call it
 *               is the sideband connection of, or {@code null}
 * @param call the SIP call this is the sideband connection of ({@code ?call_id=rtc_…}), or {@code null}
 */
record Handshake(Dialect dialect, String model, boolean transcription, Faults faults, HttpResponseStatus refusal, String reason,
        String keyToEcho, SessionConfig minted, EmulatedCall call) {

    /** What the service's ephemeral keys start with. */
    static final String EPHEMERAL_KEY_PREFIX = "ek_";

    /** The only {@code intent} the service knows. */
    static final String TRANSCRIPTION_INTENT = "transcription";

    static final String BETA_SUBPROTOCOL = "openai-beta.realtime-v1";
    static final String KEY_SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

    static Handshake refused(HttpResponseStatus status, String reason) {
        return new Handshake(null, null, false, null, status, reason, null, null, null);
    }

    /** Never prints the key a hostile fault echoes. */
    @Override
    public String toString() {
        return ok() ? "accepted " + dialect + " " + (transcription ? "transcription" : model) : "refused " + refusal.code() + ": " + reason;
    }

    boolean ok() {
        return refusal == null;
    }

    /**
     * Judges {@code request}; {@code apiKey} is the key to require, or {@code null} for any non-empty key;
     * {@code origins} says which browser pages may connect. A key that starts {@code ek_} is judged by
     * {@code secrets} instead: it opens a GA session while it is live, and nothing once expired or if unknown.
     */
    static Handshake judge(FullHttpRequest request, String apiKey, AllowedOrigins origins, Faults defaultFaults,
            ClientSecretStore secrets, CallRegistry calls) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origins.allows(origin)) {
            // A web page may open a WebSocket to any address, loopback included: only the Origin tells.
            return refused(HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin);
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, List<String>> query = uri.parameters();
        List<String> subprotocols = subprotocols(request);
        boolean betaHeader = "realtime=v1".equalsIgnoreCase(request.headers().get("OpenAI-Beta", "").strip());

        String intent = first(query, "intent");
        boolean transcription = intent != null;
        if (transcription && !TRANSCRIPTION_INTENT.equals(intent)) {
            return refused(HttpResponseStatus.BAD_REQUEST, "unknown intent '" + intent + "' (expected: transcription)");
        }
        if (transcription && (query.containsKey("model") || query.containsKey("deployment"))) {
            // "Pass exactly one of model, callID, or transcription intent" (openai-node): a session is one or the other.
            return refused(HttpResponseStatus.BAD_REQUEST, "pass either a model or intent=transcription, not both");
        }

        String callId = first(query, "call_id");
        if (callId != null && (transcription || query.containsKey("model") || query.containsKey("deployment"))) {
            return refused(HttpResponseStatus.BAD_REQUEST, "pass exactly one of model, call_id or intent");
        }

        Dialect dialect;
        String model;
        switch (uri.path()) {
            case "/v1/realtime" -> {
                dialect = betaHeader || subprotocols.contains(BETA_SUBPROTOCOL) ? Dialect.PREVIEW : Dialect.GA;
                model = first(query, "model");
                if (model == null && !transcription && callId == null) {
                    return refused(HttpResponseStatus.BAD_REQUEST, "missing required query parameter 'model' (or intent=transcription, or call_id)");
                }
            }
            case "/openai/v1/realtime" -> {
                if (query.containsKey("api-version")) {
                    // As the service: the GA endpoint no longer takes api-version, and says so with 401.
                    return refused(HttpResponseStatus.UNAUTHORIZED, "the api-version query parameter is not supported on the GA endpoint");
                }
                dialect = Dialect.GA;
                model = first(query, "model");
                if (model == null && !transcription && callId == null) {
                    return refused(HttpResponseStatus.BAD_REQUEST,
                            "missing required query parameter 'model' (the deployment name, or intent=transcription, or call_id)");
                }
            }
            case "/openai/realtime" -> {
                if (callId != null) {
                    return refused(HttpResponseStatus.BAD_REQUEST, "calls are GA only: connect to /v1/realtime?call_id=…");
                }
                if (transcription) {
                    // Not emulated: the emulator's transcription sessions are on the GA paths only.
                    return refused(HttpResponseStatus.BAD_REQUEST,
                            "transcription sessions are emulated at /openai/v1/realtime?intent=transcription (GA), not on the preview path");
                }
                dialect = Dialect.PREVIEW;
                model = first(query, "deployment");
                if (first(query, "api-version") == null || model == null) {
                    return refused(HttpResponseStatus.BAD_REQUEST, "query parameters 'api-version' and 'deployment' are required");
                }
            }
            default -> {
                return refused(HttpResponseStatus.NOT_FOUND, "no Realtime endpoint at " + uri.path());
            }
        }

        String key = key(request, query, subprotocols);
        if (key == null || key.isEmpty()) {
            return refused(HttpResponseStatus.UNAUTHORIZED, "missing API key");
        }
        SessionConfig minted = null;
        if (key.startsWith(EPHEMERAL_KEY_PREFIX)) {
            ClientSecretStore.Minted entry = secrets.find(key);
            if (entry == null) {
                return refused(HttpResponseStatus.UNAUTHORIZED, "unknown ephemeral key: it was not minted by this server");
            }
            if (secrets.expired(entry)) {
                return refused(HttpResponseStatus.UNAUTHORIZED, "ephemeral key expired at " + entry.expiresAt()
                        + ": mint a new one with POST /v1/realtime/client_secrets");
            }
            if (dialect != Dialect.GA || transcription) {
                return refused(HttpResponseStatus.BAD_REQUEST, "an ephemeral key opens the GA realtime session it was minted for"
                        + " (connect without the beta header or subprotocol, and with a model rather than intent=transcription)");
            }
            minted = entry.session();
        } else if (apiKey != null && !MessageDigest.isEqual(apiKey.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            // isEqual takes as long whatever the first differing byte: the time does not tell the key.
            return refused(HttpResponseStatus.UNAUTHORIZED, "incorrect API key provided");
        }

        EmulatedCall call = null;
        if (callId != null) {
            if (minted != null || dialect != Dialect.GA) {
                return refused(HttpResponseStatus.BAD_REQUEST, "a call's sideband connection is GA, with an API key");
            }
            call = calls.find(callId);
            if (call == null) {
                return refused(HttpResponseStatus.NOT_FOUND, "no call " + callId + " (never rang here, or already over)");
            }
            if (call.state() != EmulatedCall.State.ACCEPTED) {
                return refused(HttpResponseStatus.BAD_REQUEST, "call " + callId + " is ringing: accept it first");
            }
            minted = call.accepted();
            model = minted.model();
        }

        Faults faults = defaultFaults;
        String faultSpec = request.headers().get("X-Rtvoice-Fault", first(query, "rtvoice_fault"));
        if (faultSpec != null) {
            try {
                faults = Faults.parse(faultSpec);
            } catch (IllegalArgumentException e) {
                return refused(HttpResponseStatus.BAD_REQUEST, "bad fault specification: " + e.getMessage());
            }
        }
        if (faults.refuseEchoingKey()) {
            // The status line carries the key, as a careless server's does; the body and the log do not.
            return refused(new HttpResponseStatus(401, "Incorrect API key provided: " + key), "incorrect API key (echoed: fault refuse_echoing_key)");
        }
        return new Handshake(dialect, model, transcription, faults, null, null, faults.echoKeyAfterEvents() > 0 ? key : null, minted, call);
    }

    /**
     * The key a request carries, from the first of: {@code Authorization: Bearer}, the {@code api-key} header or
     * query parameter, the {@code openai-insecure-api-key.} subprotocol; {@code null} if none.
     */
    static String key(FullHttpRequest request, Map<String, List<String>> query, List<String> subprotocols) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String header = request.headers().get("api-key");
        if (header != null) {
            return header.strip();
        }
        String param = first(query, "api-key");
        if (param != null) {
            return param;
        }
        for (String p : subprotocols) {
            if (p.startsWith(KEY_SUBPROTOCOL_PREFIX)) {
                return p.substring(KEY_SUBPROTOCOL_PREFIX.length());
            }
        }
        return null;
    }

    static List<String> subprotocols(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (header == null) {
            return List.of();
        }
        return java.util.Arrays.stream(header.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
