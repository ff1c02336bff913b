package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtvoice.Dialect;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.SessionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calls API of SIP calls, {@code POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup} (and under
 * {@code /openai/v1/}), as the service answers it: 200 with an empty body, 404 for a call it does not know (never
 * rang, or already over), 400 for a body or a state that does not fit. Authenticated as a WebSocket upgrade is.
 * <ul>
 *   <li>{@code accept} — body {@code RealtimeSessionCreateRequestGA} ({@code type: realtime} required): the call's
 *       session will start with it, on the sideband connection {@code /v1/realtime?call_id=…};</li>
 *   <li>{@code reject} — optional {@code {"status_code": 400..699}} (603 when absent), while it rings;</li>
 *   <li>{@code refer} — {@code {"target_uri": "tel:…" | "sip:…"}}, once accepted; the call ends;</li>
 *   <li>{@code hangup} — the call ends, ringing or live.</li>
 * </ul>
 * Runs on the connection's event loop; nothing here blocks.
 */
final class CallsEndpoint {

    private static final Pattern PATH = Pattern.compile("(?:/openai)?/v1/realtime/calls/([^/]+)/(accept|reject|refer|hangup)");
    private static final Set<String> REFER_KEYS = Set.of("target_uri");
    private static final Set<String> REJECT_KEYS = Set.of("status_code");
    private static final EventCodec CODEC = EventCodec.of(Dialect.GA);
    private static final String DEFAULT_MODEL = "gpt-realtime";

    private CallsEndpoint() {
    }

    static boolean handles(FullHttpRequest request) {
        return PATH.matcher(new QueryStringDecoder(request.uri()).path()).matches();
    }

    static FullHttpResponse answer(FullHttpRequest request, EmulatorSettings settings, Consumer<String> log) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !settings.allowedOrigins().allows(origin)) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.FORBIDDEN, "origin not allowed: " + origin, "invalid_request_error",
                    "origin_not_allowed", null);
        }
        if (!HttpMethod.POST.equals(request.method())) {
            FullHttpResponse refused = ClientSecretsEndpoint.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "Use POST.",
                    "invalid_request_error", "method_not_allowed", null);
            refused.headers().set(HttpHeaderNames.ALLOW, "POST");
            return refused;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String key = Handshake.key(request, uri.parameters(), java.util.List.of());
        if (key == null || key.isEmpty()) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.UNAUTHORIZED, "You didn't provide an API key. Send it as "
                    + "Authorization: Bearer <key>.", "invalid_request_error", "missing_api_key", null);
        }
        String apiKey = settings.apiKey();
        if (key.startsWith(Handshake.EPHEMERAL_KEY_PREFIX)
                || apiKey != null && !MessageDigest.isEqual(apiKey.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            log.accept("refused 401 POST " + uri.path() + ": incorrect API key");
            return ClientSecretsEndpoint.error(HttpResponseStatus.UNAUTHORIZED, "Incorrect API key provided.", "invalid_request_error",
                    "invalid_api_key", null);
        }
        Matcher m = PATH.matcher(uri.path());
        if (!m.matches()) {
            throw new IllegalStateException("not a calls path"); // handles() said it was
        }
        String callId = m.group(1);
        String action = m.group(2);
        EmulatedCall call = settings.calls().find(callId);
        if (call == null) {
            log.accept("refused 404 POST " + uri.path() + ": no such call");
            return ClientSecretsEndpoint.error(HttpResponseStatus.NOT_FOUND, "Call '" + callId + "' not found.", "invalid_request_error",
                    "call_not_found", "call_id");
        }
        JsonNode body;
        try {
            byte[] bytes = ByteBufUtil.getBytes(request.content());
            body = bytes.length == 0 ? WireJson.mapper().createObjectNode() : WireJson.mapper().readTree(bytes);
        } catch (IOException e) {
            body = null;
        }
        if (!(body instanceof ObjectNode)) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "We could not parse the JSON body of your request: send a "
                    + "JSON object.", "invalid_request_error", "invalid_json", null);
        }
        FullHttpResponse answer = switch (action) {
            case "accept" -> accept(call, body);
            case "reject" -> reject(call, body);
            case "refer" -> refer(call, body);
            default -> {
                call.end("the call was hung up");
                yield null;
            }
        };
        if (answer == null) {
            log.accept("call " + callId + ": " + action + " answered 200");
            return ClientSecretsEndpoint.json(HttpResponseStatus.OK, new byte[0]);
        }
        return answer;
    }

    private static FullHttpResponse accept(EmulatedCall call, JsonNode session) {
        JsonNode type = session.get("type");
        if (type == null) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "Missing required parameter: 'type'.", "invalid_request_error",
                    "missing_required_parameter", "type");
        }
        if (!"realtime".equals(type.asText(null))) {
            return ClientSecretsEndpoint.invalid("type", "a call is answered by a realtime session");
        }
        String unknown = SessionConfigs.unknownGaParameter(session);
        if (unknown != null) {
            String param = unknown.startsWith("session.") ? unknown.substring("session.".length()) : unknown;
            return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "Unknown parameter: '" + param + "'.", "invalid_request_error",
                    "unknown_parameter", param);
        }
        SessionConfig requested;
        try {
            ObjectNode update = WireJson.mapper().createObjectNode().put("type", "session.update");
            update.set("session", session);
            requested = ((ClientEvent.SessionUpdate) CODEC.decodeClientEvent(WireJson.mapper().writeValueAsBytes(update))).session();
        } catch (EventDecodeException e) {
            return ClientSecretsEndpoint.invalid(e.field() != null ? e.field() : "session", e.getMessage());
        } catch (IOException e) {
            return ClientSecretsEndpoint.invalid("session", e.getMessage());
        }
        if (requested.model() == null) {
            requested = requested.toBuilder().model(DEFAULT_MODEL).build();
        }
        if (!call.accept(requested)) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "Call '" + call.id() + "' is not ringing: it was already accepted.",
                    "invalid_request_error", "call_not_ringing", null);
        }
        return null;
    }

    private static FullHttpResponse reject(EmulatedCall call, JsonNode body) {
        String unknown = SessionConfigs.firstUnknown(body, REJECT_KEYS, "");
        if (unknown != null) {
            return unknownParameter(unknown);
        }
        JsonNode status = body.get("status_code");
        if (status != null && (!status.canConvertToInt() || status.intValue() < 400 || status.intValue() > 699)) {
            return ClientSecretsEndpoint.invalid("status_code", "expected a SIP final status, 400..699");
        }
        if (call.state() != EmulatedCall.State.RINGING) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "Call '" + call.id() + "' was already accepted: hang it up "
                    + "instead.", "invalid_request_error", "call_not_ringing", null);
        }
        call.end("the call was rejected with SIP " + (status == null ? 603 : status.intValue()));
        return null;
    }

    private static FullHttpResponse refer(EmulatedCall call, JsonNode body) {
        String unknown = SessionConfigs.firstUnknown(body, REFER_KEYS, "");
        if (unknown != null) {
            return unknownParameter(unknown);
        }
        JsonNode target = body.get("target_uri");
        if (target == null || !target.isTextual() || target.textValue().isBlank()) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "Missing required parameter: 'target_uri'.",
                    "invalid_request_error", "missing_required_parameter", "target_uri");
        }
        if (call.state() != EmulatedCall.State.ACCEPTED) {
            return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "Call '" + call.id() + "' is not active: accept it before "
                    + "referring it.", "invalid_request_error", "call_not_active", null);
        }
        call.end("the call was referred");
        return null;
    }

    private static FullHttpResponse unknownParameter(String unknown) {
        String param = unknown.startsWith(".") ? unknown.substring(1) : unknown;
        return ClientSecretsEndpoint.error(HttpResponseStatus.BAD_REQUEST, "Unknown parameter: '" + param + "'.", "invalid_request_error",
                "unknown_parameter", param);
    }
}
