package io.rtvoice.calls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.AuthenticationException;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventEncodeException;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.internal.client.PlainHttp;
import io.rtvoice.internal.codec.JsonMapping;
import io.rtvoice.transport.TransportRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Controls OpenAI SIP calls, the REST half of the calls API: {@code POST /v1/realtime/calls/{call_id}/accept}
 * (with the session's configuration), {@code …/reject} (a SIP status), {@code …/refer} (a transfer) and
 * {@code …/hangup}. The call id comes from the {@code realtime.call.incoming} webhook ({@link WebhookVerifier}).
 * <pre>{@code
 * Calls calls = Calls.builder().endpoint(Endpoint.openAi("gpt-realtime")).credentials(credentials).build();
 * calls.accept(event.callId(), SessionConfig.builder().instructions("You answer for Example Corp.").build())
 *      .then(RealtimeClient.builder().endpoint(Endpoint.openAiCall(event.callId())).credentials(credentials).build().connect())
 *      .subscribe(sideband -> …);
 * }</pre>
 * The URLs are the endpoint's, as HTTPS: {@code wss://host/…/realtime?…} gives {@code https://host/…/realtime/calls/…}
 * (the query is not sent; its {@code model} is the accepted session's when the session names none). Plain
 * {@code http://} (from a {@code ws://} endpoint, e.g. the emulator's) goes only to a loopback address. Azure OpenAI
 * documents {@code /openai/v1/realtime/calls} for WebRTC but no SIP calls: an Azure endpoint gives those paths, and
 * whatever the service answers.
 *
 * <p>Each request carries the same authentication headers as a connection to the endpoint; it is sent with the JDK's
 * {@link HttpClient}, asynchronously, nothing blocking the subscriber's thread; nothing is sent until subscription.
 * A 2xx answer completes the {@code Mono}; 401 fails it with {@link AuthenticationException}, anything else with
 * {@link CallException}; credentials the server echoes are redacted from every message. Immutable and thread-safe.
 */
public final class Calls {

    /** What {@link #reject(String)} sends, as the service does when no status is given: 603 Decline. */
    public static final int DECLINE = 603;

    private static final int MAX_BODY_QUOTE = 200;
    /** Call ids go into the path: letters, digits, {@code _} and {@code -} only (the service's are {@code rtc_…}). */
    private static final Pattern CALL_ID = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final Endpoint endpoint;
    private final Credentials credentials;
    private final URI base;
    private final String model;
    private final HttpClient http;
    private final Duration requestTimeout;

    private Calls(Builder b) {
        this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
        this.credentials = Objects.requireNonNull(b.credentials, "credentials");
        this.base = callsUri(endpoint);
        this.model = modelOf(endpoint);
        this.requestTimeout = b.requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(b.requestTimeout).build();
    }

    /** A builder; endpoint and credentials are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where the calls are: {@code https://…/realtime/calls} (or {@code http://} to loopback). */
    public URI uri() {
        return base;
    }

    /**
     * Answers the call with {@code session}: the service then bridges the caller to a session so configured. A session
     * without a {@code type} is sent as {@code realtime}; one without a model gets the endpoint's, if it names one.
     *
     * @throws IllegalArgumentException if the call id is not one, or the session cannot be encoded in the GA shape
     */
    public Mono<Void> accept(String callId, SessionConfig session) {
        Objects.requireNonNull(session, "session");
        return post(checked(callId), "accept", acceptBody(session, model));
    }

    /** Declines the call with {@link #DECLINE} (603). */
    public Mono<Void> reject(String callId) {
        return reject(callId, DECLINE);
    }

    /**
     * Declines the call with the SIP status {@code sipStatus}, e.g. 486 Busy Here.
     *
     * @throws IllegalArgumentException if the status is not a SIP final status, 400..699
     */
    public Mono<Void> reject(String callId, int sipStatus) {
        if (sipStatus < 400 || sipStatus > 699) {
            throw new IllegalArgumentException("sipStatus : " + sipStatus + " (expected: 400..699)");
        }
        ObjectNode body = mapper().createObjectNode().put("status_code", sipStatus);
        return post(checked(callId), "reject", bytes(body));
    }

    /**
     * Transfers the call with a SIP {@code REFER} to {@code targetUri}, e.g. {@code tel:+14155550123} or
     * {@code sip:agent@example.com}; the session ends.
     */
    public Mono<Void> refer(String callId, String targetUri) {
        Objects.requireNonNull(targetUri, "targetUri");
        if (targetUri.isBlank()) {
            throw new IllegalArgumentException("targetUri : (blank) (expected: a tel: or sip: URI)");
        }
        ObjectNode body = mapper().createObjectNode().put("target_uri", targetUri);
        return post(checked(callId), "refer", bytes(body));
    }

    /** Ends the call; its sideband connection closes. */
    public Mono<Void> hangup(String callId) {
        return post(checked(callId), "hangup", null);
    }

    private Mono<Void> post(String callId, String action, byte[] body) {
        URI uri = URI.create(base + "/" + callId + "/" + action);
        String where = uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
        return credentials.headers(endpoint)
                .onErrorMap(e -> !(e instanceof AuthenticationException),
                        e -> new AuthenticationException(credentials + " failed: " + e.getClass().getSimpleName(), e))
                .flatMap(auth -> {
                    Map<String, String> headers = new HashMap<>(endpoint.protocolHeaders());
                    headers.putAll(auth);
                    // Only to redact: every text the server sends back is cleaned of the credentials it was sent.
                    TransportRequest sent = new TransportRequest(uri, headers, List.of(), 1024, requestTimeout);
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                            // Over plain http the JDK would offer an h2c upgrade, which a loopback server need not speak.
                            .version(uri.getScheme().equals("http") ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                            .timeout(requestTimeout)
                            .header("Accept", "application/json")
                            .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                    if (body != null) {
                        request.header("Content-Type", "application/json");
                    }
                    headers.forEach(request::header);
                    HttpRequest built = request.build();
                    return Mono.fromFuture(() -> http.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray()))
                            // sendAsync may resolve the host name on the calling thread: never on an event loop.
                            .subscribeOn(Schedulers.boundedElastic())
                            .onErrorMap(e -> !(e instanceof AuthenticationException || e instanceof CallException),
                                    e -> new CallException(sent.redact("cannot POST " + where + ": " + PlainHttp.describe(e)), callId, 0, null, e))
                            .flatMap(response -> response.statusCode() / 100 == 2 ? Mono.<Void>empty()
                                    : Mono.error(refusal(response.statusCode(), response.body(), sent, where, callId)));
                });
    }

    /** A refusal as an exception whose message holds the server's words, without any credential it echoed. */
    private static RuntimeException refusal(int status, byte[] body, TransportRequest sent, String where, String callId) {
        String code = null;
        String said;
        try {
            JsonNode error = mapper().readTree(body).path("error");
            code = error.path("code").isTextual() ? error.path("code").textValue() : null;
            said = error.path("message").isTextual() ? error.path("message").textValue() : null;
        } catch (IOException | RuntimeException e) {
            said = null;
        }
        if (said == null) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            said = text.length() > MAX_BODY_QUOTE ? text.substring(0, MAX_BODY_QUOTE) + "…" : text;
        }
        String message = sent.redact("POST " + where + " refused: HTTP " + status + (code != null ? " " + code : "")
                + (said.isEmpty() ? "" : ": " + said));
        return status == 401 ? new AuthenticationException(message, null)
                : new CallException(message, callId, status, code == null ? null : sent.redact(code), null);
    }

    private static String checked(String callId) {
        Objects.requireNonNull(callId, "callId");
        if (!CALL_ID.matcher(callId).matches()) {
            throw new IllegalArgumentException("callId : '" + (callId.length() > 64 ? callId.substring(0, 64) + "…" : callId)
                    + "' (expected: letters, digits, _ and -, as rtc_…)");
        }
        return callId;
    }

    /** The accept body: the session in the GA shape, {@code type: realtime} and the model filled in when absent. */
    static byte[] acceptBody(SessionConfig session, String model) {
        SessionConfig.Builder b = session.toBuilder();
        if (session.type() == null) {
            b.type("realtime");
        }
        if (session.model() == null && model != null) {
            b.model(model);
        }
        try {
            byte[] update = EventCodec.of(Dialect.GA).encode(new ClientEvent.SessionUpdate(null, b.build()));
            return mapper().writeValueAsBytes(mapper().readTree(update).get("session"));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: all in memory
        } catch (EventEncodeException e) {
            throw new IllegalArgumentException("session : " + e.getMessage(), e);
        }
    }

    /**
     * The endpoint's {@code …/realtime/calls} over HTTPS ({@code http://} to loopback only).
     *
     * @throws IllegalArgumentException for a preview endpoint, a path that does not end in {@code /realtime}, or plain
     *         text to a host that is not loopback
     */
    static URI callsUri(Endpoint endpoint) {
        if (endpoint.dialect() != Dialect.GA) {
            throw new IllegalArgumentException("endpoint : " + endpoint + " (expected: a GA endpoint; the preview protocol has no calls)");
        }
        URI ws = endpoint.uri();
        String path = ws.getRawPath() == null ? "" : ws.getRawPath().replaceFirst("/+$", "");
        if (!path.endsWith("/realtime")) {
            throw new IllegalArgumentException("endpoint path : " + ws.getPath() + " (expected: …/realtime)");
        }
        boolean secure = ws.getScheme().equals("wss");
        if (!secure && !PlainHttp.isLoopback(ws.getHost())) {
            throw new IllegalArgumentException("refusing unencrypted http:// to non-loopback host " + ws.getHost()
                    + " (expected: a wss:// endpoint, or ws:// to loopback)");
        }
        return URI.create((secure ? "https" : "http") + "://" + ws.getRawAuthority() + path + "/calls");
    }

    private static String modelOf(Endpoint endpoint) {
        String query = endpoint.uri().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("model=") && pair.length() > "model=".length()) {
                return URLDecoder.decode(pair.substring("model=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectMapper mapper() {
        return JsonMapping.mapper();
    }

    @Override
    public String toString() {
        return "Calls[" + base + ", " + credentials + "]";
    }

    /** Builds a {@link Calls}. */
    public static final class Builder {
        private Endpoint endpoint;
        private Credentials credentials;
        private Duration requestTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * The GA endpoint whose service answers the calls (required), e.g. {@code Endpoint.openAi("gpt-realtime")}: its URI
         * decides where requests go, its {@code model} the accepted sessions' default.
         */
        public Builder endpoint(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** The project's credentials (required). */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** How long connecting and each whole request may take (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout : " + timeout + " (expected: > 0)");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * The client.
         *
         * @throws IllegalArgumentException for a preview endpoint, or a {@code ws://} endpoint to a host that is not loopback
         */
        public Calls build() {
            return new Calls(this);
        }
    }
}
