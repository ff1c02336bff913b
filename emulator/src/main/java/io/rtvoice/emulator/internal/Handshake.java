package io.rtvoice.emulator.internal;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.Faults;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * What a WebSocket upgrade request asks for, judged as the service judges it: the path and its
 * parameters decide the dialect; the key comes from a header, the query or a subprotocol.
 */
record Handshake(Dialect dialect, String model, Faults faults, HttpResponseStatus refusal, String reason, String keyToEcho) {

    static final String BETA_SUBPROTOCOL = "openai-beta.realtime-v1";
    static final String KEY_SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

    static Handshake accepted(Dialect dialect, String model, Faults faults) {
        return new Handshake(dialect, model, faults, null, null, null);
    }

    static Handshake refused(HttpResponseStatus status, String reason) {
        return new Handshake(null, null, null, status, reason, null);
    }

    /** Never prints the key a hostile fault echoes. */
    @Override
    public String toString() {
        return ok() ? "accepted " + dialect + " " + model : "refused " + refusal.code() + ": " + reason;
    }

    boolean ok() {
        return refusal == null;
    }

    /**
     * Judges {@code request}; {@code apiKey} is the key to require, or {@code null} for any non-empty key;
     * {@code origins} says which browser pages may connect.
     */
    static Handshake judge(FullHttpRequest request, String apiKey, AllowedOrigins origins, Faults defaultFaults) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origins.allows(origin)) {
            // A web page may open a WebSocket to any address, loopback included: only the Origin tells.
            return refused(HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin);
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, List<String>> query = uri.parameters();
        List<String> subprotocols = subprotocols(request);
        boolean betaHeader = "realtime=v1".equalsIgnoreCase(request.headers().get("OpenAI-Beta", "").strip());

        Dialect dialect;
        String model;
        switch (uri.path()) {
            case "/v1/realtime" -> {
                dialect = betaHeader || subprotocols.contains(BETA_SUBPROTOCOL) ? Dialect.PREVIEW : Dialect.GA;
                model = first(query, "model");
                if (model == null) {
                    return refused(HttpResponseStatus.BAD_REQUEST, "missing required query parameter 'model'");
                }
            }
            case "/openai/v1/realtime" -> {
                if (query.containsKey("api-version")) {
                    // As the service: the GA endpoint no longer takes api-version, and says so with 401.
                    return refused(HttpResponseStatus.UNAUTHORIZED, "the api-version query parameter is not supported on the GA endpoint");
                }
                dialect = Dialect.GA;
                model = first(query, "model");
                if (model == null) {
                    return refused(HttpResponseStatus.BAD_REQUEST, "missing required query parameter 'model' (the deployment name)");
                }
            }
            case "/openai/realtime" -> {
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
        if (apiKey != null && !MessageDigest.isEqual(apiKey.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            // isEqual takes as long whatever the first differing byte: the time does not tell the key.
            return refused(HttpResponseStatus.UNAUTHORIZED, "incorrect API key provided");
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
        if (faults.echoKeyAfterEvents() > 0) {
            return new Handshake(dialect, model, faults, null, null, key);
        }
        return accepted(dialect, model, faults);
    }

    private static String key(FullHttpRequest request, Map<String, List<String>> query, List<String> subprotocols) {
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
