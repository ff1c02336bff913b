package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.Faults;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code POST /v1/realtime/client_secrets} and {@code POST /openai/v1/realtime/client_secrets}: mints an
 * ephemeral key for a GA realtime session configuration, as the service does
 * ({@code RealtimeCreateClientSecretRequest} → {@code RealtimeCreateClientSecretResponse}):
 * <pre>
 *   {"expires_after": {"anchor": "created_at", "seconds": 10..7200 (600)}, "session": {"type": "realtime", …}}
 *   → 200 {"value": "ek_…", "expires_at": unix seconds, "session": {the session as a connection would start}}
 * </pre>
 * Authenticated as a WebSocket upgrade is (the configured key, or any key but an ephemeral one); refusals are
 * the service's JSON error objects, which never quote the key (save for the {@code refuse_echoing_key} fault,
 * whose point is to). Runs on the connection's event loop; nothing here blocks.
 */
final class ClientSecretsEndpoint {

    private static final Set<String> PATHS = Set.of("/v1/realtime/client_secrets", "/openai/v1/realtime/client_secrets");
    private static final Set<String> REQUEST_KEYS = Set.of("expires_after", "session");
    private static final Set<String> EXPIRES_AFTER_KEYS = Set.of("anchor", "seconds");
    private static final long MIN_SECONDS = 10;
    private static final long MAX_SECONDS = 7200;
    private static final long DEFAULT_SECONDS = 600;
    private static final String DEFAULT_MODEL = "gpt-realtime";

    private static final EventCodec CODEC = EventCodec.of(Dialect.GA);

    private ClientSecretsEndpoint() {
    }

    /** Whether {@code request} is for this endpoint (any method: a GET gets 405). */
    static boolean handles(FullHttpRequest request) {
        return PATHS.contains(new QueryStringDecoder(request.uri()).path());
    }

    /** The answer to {@code request}; {@code log} takes a line that holds no key. */
    static FullHttpResponse answer(FullHttpRequest request, EmulatorSettings settings, Consumer<String> log) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !settings.allowedOrigins().allows(origin)) {
            return error(HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin, "invalid_request_error", "origin_not_allowed", null);
        }
        if (!HttpMethod.POST.equals(request.method())) {
            FullHttpResponse refused = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "Use POST to create a client secret.",
                    "invalid_request_error", "method_not_allowed", null);
            refused.headers().set(HttpHeaderNames.ALLOW, "POST");
            return refused;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String key = Handshake.key(request, uri.parameters(), java.util.List.of());
        if (key == null || key.isEmpty()) {
            return error(HttpResponseStatus.UNAUTHORIZED, "You didn't provide an API key. Send it as Authorization: Bearer <key>"
                    + " (or in the api-key header on the Azure path).", "invalid_request_error", "missing_api_key", null);
        }
        Faults faults = settings.faults();
        String faultSpec = request.headers().get("X-Rtvoice-Fault");
        if (faultSpec != null) {
            try {
                faults = Faults.parse(faultSpec);
            } catch (IllegalArgumentException e) {
                return error(HttpResponseStatus.BAD_REQUEST, "bad fault specification: " + e.getMessage(), "invalid_request_error", null, null);
            }
        }
        if (faults.refuseEchoingKey()) {
            // As a careless server: the key in the status line and in the body. The log does not get it.
            log.accept("refused 401 POST " + uri.path() + ": incorrect API key (echoed: fault refuse_echoing_key)");
            FullHttpResponse echoed = error(HttpResponseStatus.UNAUTHORIZED, "Incorrect API key provided: " + key + ".",
                    "invalid_request_error", "invalid_api_key", null);
            echoed.setStatus(new HttpResponseStatus(401, "Incorrect API key provided: " + key));
            return echoed;
        }
        if (key.startsWith(Handshake.EPHEMERAL_KEY_PREFIX)) {
            return error(HttpResponseStatus.UNAUTHORIZED, "An ephemeral key cannot create client secrets: use an API key.",
                    "invalid_request_error", "invalid_api_key", null);
        }
        String apiKey = settings.apiKey();
        if (apiKey != null && !MessageDigest.isEqual(apiKey.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            log.accept("refused 401 POST " + uri.path() + ": incorrect API key");
            return error(HttpResponseStatus.UNAUTHORIZED, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key", null);
        }
        return mint(request, settings, log, uri.path());
    }

    private static FullHttpResponse mint(FullHttpRequest request, EmulatorSettings settings, Consumer<String> log, String path) {
        JsonNode body;
        try {
            body = WireJson.mapper().readTree(ByteBufUtil.getBytes(request.content()));
        } catch (IOException e) {
            body = null;
        }
        if (!(body instanceof ObjectNode)) {
            return error(HttpResponseStatus.BAD_REQUEST, "We could not parse the JSON body of your request: send a JSON object.",
                    "invalid_request_error", "invalid_json", null);
        }
        String unknown = SessionConfigs.firstUnknown(body, REQUEST_KEYS, "");
        if (unknown == null) {
            unknown = SessionConfigs.firstUnknown(body.path("expires_after"), EXPIRES_AFTER_KEYS, "expires_after");
        }
        if (unknown != null) {
            String param = unknown.startsWith(".") ? unknown.substring(1) : unknown;
            return error(HttpResponseStatus.BAD_REQUEST, "Unknown parameter: '" + param + "'.", "invalid_request_error", "unknown_parameter", param);
        }
        JsonNode expiresAfter = body.path("expires_after");
        if (!expiresAfter.isMissingNode() && !expiresAfter.isObject()) {
            return invalid("expires_after", "expected an object");
        }
        JsonNode anchor = expiresAfter.path("anchor");
        if (!anchor.isMissingNode() && !"created_at".equals(anchor.asText(null))) {
            return invalid("expires_after.anchor", "the only anchor is 'created_at'");
        }
        JsonNode secondsNode = expiresAfter.path("seconds");
        long seconds = DEFAULT_SECONDS;
        if (!secondsNode.isMissingNode()) {
            if (!secondsNode.canConvertToExactIntegral() || !secondsNode.canConvertToLong()) {
                return invalid("expires_after.seconds", "expected an integer from 10 to 7200");
            }
            seconds = secondsNode.longValue();
            if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
                return invalid("expires_after.seconds", seconds + " is out of range (expected: 10..7200)");
            }
        }
        JsonNode session = body.get("session");
        if (session == null || !session.isObject()) {
            return error(HttpResponseStatus.BAD_REQUEST, "Missing required parameter: 'session' (an object).", "invalid_request_error",
                    "missing_required_parameter", "session");
        }
        JsonNode type = session.get("type");
        if (type == null) {
            return error(HttpResponseStatus.BAD_REQUEST, "Missing required parameter: 'session.type'.", "invalid_request_error",
                    "missing_required_parameter", "session.type");
        }
        if (!"realtime".equals(type.asText(null))) {
            return invalid("session.type", "the emulator mints keys for realtime sessions only");
        }
        String unknownInSession = SessionConfigs.unknownGaParameter(session);
        if (unknownInSession != null) {
            return error(HttpResponseStatus.BAD_REQUEST, "Unknown parameter: '" + unknownInSession + "'.", "invalid_request_error",
                    "unknown_parameter", unknownInSession);
        }
        SessionConfig requested;
        try {
            ObjectNode update = WireJson.mapper().createObjectNode().put("type", "session.update");
            update.set("session", session);
            requested = ((ClientEvent.SessionUpdate) CODEC.decodeClientEvent(WireJson.mapper().writeValueAsBytes(update))).session();
        } catch (EventDecodeException e) {
            return invalid(e.field() != null ? e.field() : "session", e.getMessage());
        } catch (IOException e) {
            return invalid("session", e.getMessage());
        }
        ClientSecretStore.Minted minted = settings.clientSecrets().mint(requested, seconds);
        if (minted == null) {
            log.accept("refused 429 POST " + path + ": too many live client secrets");
            return error(HttpResponseStatus.TOO_MANY_REQUESTS, "Too many live client secrets: wait for some to expire.",
                    "rate_limit_error", "rate_limit_exceeded", null);
        }
        String model = requested.model() != null ? requested.model() : DEFAULT_MODEL;
        // The session as a connection made with the key starts: the defaults, then what was asked for.
        SessionConfig effective = SessionConfigs.merge(
                SessionConfigs.initial(Dialect.GA, "sess_ek" + minted.serial(), model, 0), requested);
        ObjectNode answer = WireJson.mapper().createObjectNode();
        answer.put("value", minted.key());
        answer.put("expires_at", minted.expiresAt().getEpochSecond());
        try {
            answer.set("session", WireJson.mapper().readTree(CODEC.encode(new ServerEvent.SessionCreated(null, effective))).get("session"));
            log.accept("minted a client secret for model=" + model + ", expires at " + minted.expiresAt());
            return json(HttpResponseStatus.OK, WireJson.mapper().writeValueAsBytes(answer));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // cannot happen: all in memory
        }
    }

    static FullHttpResponse invalid(String param, String why) {
        return error(HttpResponseStatus.BAD_REQUEST, "Invalid value for '" + param + "': " + why + ".", "invalid_request_error",
                "invalid_value", param);
    }

    /** The service's error object: {@code {"error": {"message", "type", "code", "param"}}}. */
    static FullHttpResponse error(HttpResponseStatus status, String message, String type, String code, String param) {
        ObjectNode root = WireJson.mapper().createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        error.put("param", param);
        try {
            return json(status, WireJson.mapper().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store"); // a key must not sit in a cache
        HttpUtil.setContentLength(response, body.length);
        return response;
    }
}
