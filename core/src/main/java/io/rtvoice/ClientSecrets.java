package io.rtvoice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ClientSecret;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.internal.client.PlainHttp;
import io.rtvoice.internal.codec.JsonMapping;
import io.rtvoice.transport.TransportRequest;
import java.io.IOException;
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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Mints ephemeral keys ({@code ek_…}) for a session configuration, so that a browser or another untrusted
 * client can open a Realtime session without ever holding the real key: OpenAI's
 * {@code POST https://api.openai.com/v1/realtime/client_secrets}, Azure OpenAI's
 * {@code POST https://<resource>/openai/v1/realtime/client_secrets}, or the emulator's.
 * <pre>{@code
 * ClientSecrets secrets = ClientSecrets.builder().endpoint(endpoint).credentials(credentials).build();
 * secrets.create(SessionConfig.builder().instructions("Be brief.").voice("marin").build(), Duration.ofMinutes(1))
 *        .subscribe(key -> sendToTheBrowser(key.value(), key.expiresAt()));
 * }</pre>
 * The URL is the endpoint's, as HTTPS: {@code wss://host/…/realtime?model=m} becomes
 * {@code https://host/…/realtime/client_secrets} and {@code m} the session's model when it names none
 * (the rest of the query is not sent). Plain {@code http://} (from a {@code ws://} endpoint) goes only to a
 * loopback address, as the WebSocket transport's {@code ws://} does. Only GA endpoints mint: the preview
 * protocol's {@code /realtime/sessions} is not supported.
 *
 * <p>The request carries the same authentication headers as a connection to the endpoint
 * ({@code api-key} for Azure keys, {@code Authorization: Bearer} otherwise). It is sent with the JDK's
 * {@link HttpClient}, asynchronously: nothing blocks the subscriber's thread. Immutable and thread-safe:
 * build one and share it.
 */
public final class ClientSecrets {

    /** The shortest lifetime the service grants a key. */
    public static final Duration MIN_TTL = Duration.ofSeconds(10);
    /** The longest lifetime the service grants a key: two hours. */
    public static final Duration MAX_TTL = Duration.ofHours(2);
    /** The lifetime the service gives a key when asked for none: ten minutes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    /** How much of a refusal's body that is not the service's JSON error goes into a message, in characters. */
    private static final int MAX_BODY_QUOTE = 200;

    private final Endpoint endpoint;
    private final Credentials credentials;
    private final URI uri;
    private final String model;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final EventCodec codec = EventCodec.of(Dialect.GA);

    private ClientSecrets(Builder b) {
        this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
        this.credentials = Objects.requireNonNull(b.credentials, "credentials");
        this.uri = clientSecretsUri(endpoint);
        this.model = modelOf(endpoint);
        this.requestTimeout = b.requestTimeout;
        // One JDK client per instance (it owns a selector thread); the system proxy settings apply to it.
        this.http = HttpClient.newBuilder().connectTimeout(b.requestTimeout).build();
    }

    /** A builder; endpoint and credentials are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where keys are minted: {@code https://…/realtime/client_secrets} (or {@code http://} to loopback). */
    public URI uri() {
        return uri;
    }

    /** A key for {@code session} with the service's default lifetime, {@link #DEFAULT_TTL}. */
    public Mono<EphemeralKey> create(SessionConfig session) {
        return create(session, DEFAULT_TTL);
    }

    /**
     * A key for {@code session} that opens sessions for {@code ttl} after it is minted. A session without a
     * {@code type} is sent as {@code realtime}; one without a model gets the endpoint's. Fails with
     * {@link AuthenticationException} when the credentials cannot produce their headers or the server refuses
     * them (HTTP 401), and with {@link ClientSecretException} for any other refusal or failure.
     *
     * @param ttl the key's lifetime, whole seconds from {@link #MIN_TTL} to {@link #MAX_TTL}
     * @throws IllegalArgumentException if {@code ttl} is out of range, or the session cannot be encoded in the GA shape
     */
    public Mono<EphemeralKey> create(SessionConfig session, Duration ttl) {
        Objects.requireNonNull(session, "session");
        byte[] body = requestBody(session, model, ttlSeconds(ttl));
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
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    headers.forEach(request::header);
                    HttpRequest built = request.build();
                    return Mono.fromFuture(() -> http.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray()))
                            // sendAsync may resolve the host name on the calling thread: never on an event loop.
                            .subscribeOn(Schedulers.boundedElastic())
                            .onErrorMap(e -> !(e instanceof AuthenticationException || e instanceof ClientSecretException),
                                    e -> new ClientSecretException(sent.redact("cannot POST " + where() + ": " + PlainHttp.describe(e)), 0, null, null))
                            .map(response -> answer(response.statusCode(), response.body(), sent));
                });
    }

    /** The key in a 2xx answer, or the exception a refusal stands for. */
    private EphemeralKey answer(int status, byte[] body, TransportRequest sent) {
        if (status / 100 != 2) {
            throw refusal(status, body, sent);
        }
        JsonNode root;
        try {
            root = mapper().readTree(body);
        } catch (IOException e) {
            throw new ClientSecretException(where() + " answered HTTP " + status + " with no JSON object", status, null, null);
        }
        JsonNode value = root == null ? null : root.get("value");
        JsonNode expiresAt = root == null ? null : root.get("expires_at");
        JsonNode session = root == null ? null : root.get("session");
        if (value == null || !value.isTextual() || value.textValue().isEmpty() || expiresAt == null || !expiresAt.canConvertToLong()
                || !(session instanceof ObjectNode)) {
            // Names the missing parts, never the value.
            throw new ClientSecretException(where() + " answered HTTP " + status + " without a client secret (expected: value, "
                    + "expires_at and a session object)", status, null, null);
        }
        ObjectNode event = mapper().createObjectNode();
        event.put("type", "session.created");
        event.set("session", session);
        SessionConfig accepted;
        try {
            accepted = ((ServerEvent.SessionCreated) codec.decodeServerEvent(mapper().writeValueAsBytes(event))).session();
        } catch (EventDecodeException | IOException e) {
            throw new ClientSecretException(where() + " answered a session that cannot be read: " + sent.redact(e.getMessage()), status,
                    null, null);
        }
        return new EphemeralKey(new ClientSecret(value.textValue(), expiresAt.longValue()), accepted);
    }

    /** A refusal as an exception whose message holds the server's words, without any credential it echoed. */
    private RuntimeException refusal(int status, byte[] body, TransportRequest sent) {
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
        String message = sent.redact("POST " + where() + " refused: HTTP " + status + (code != null ? " " + code : "")
                + (said.isEmpty() ? "" : ": " + said));
        return status == 401 ? new AuthenticationException(message, null)
                : new ClientSecretException(message, status, code == null ? null : sent.redact(code), null);
    }

    private String where() {
        return uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    }

    private static ObjectMapper mapper() {
        return JsonMapping.mapper();
    }

    /** {@code ttl} in whole seconds, checked against the service's range. */
    static long ttlSeconds(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0 || ttl.getNano() != 0) {
            throw new IllegalArgumentException("ttl : " + ttl + " (expected: whole seconds, 10..7200 s)");
        }
        return ttl.getSeconds();
    }

    /**
     * The request body: {@code {"expires_after":{"anchor":"created_at","seconds":…},"session":{…}}}, the session
     * encoded by the GA codec, with {@code type: realtime} when it has no type and {@code model} when it names none.
     */
    static byte[] requestBody(SessionConfig session, String model, long seconds) {
        SessionConfig.Builder b = session.toBuilder();
        if (session.type() == null) {
            b.type("realtime");
        }
        if (session.model() == null && model != null && !"transcription".equals(session.type())) {
            b.model(model);
        }
        try {
            byte[] update = EventCodec.of(Dialect.GA).encode(new ClientEvent.SessionUpdate(null, b.build()));
            ObjectNode body = mapper().createObjectNode();
            ObjectNode expiresAfter = body.putObject("expires_after");
            expiresAfter.put("anchor", "created_at");
            expiresAfter.put("seconds", seconds);
            body.set("session", mapper().readTree(update).get("session"));
            return mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // cannot happen: all in memory
        } catch (io.rtvoice.event.EventEncodeException e) {
            throw new IllegalArgumentException("session : " + e.getMessage(), e);
        }
    }

    /**
     * The endpoint's {@code …/realtime/client_secrets} over HTTPS ({@code http://} to loopback only).
     *
     * @throws IllegalArgumentException for a preview endpoint, a path that does not end in {@code /realtime}, or
     *         plain text to a host that is not loopback
     */
    static URI clientSecretsUri(Endpoint endpoint) {
        if (endpoint.dialect() != Dialect.GA) {
            throw new IllegalArgumentException("endpoint : " + endpoint + " (expected: a GA endpoint; the preview protocol's "
                    + "ephemeral keys, POST /realtime/sessions, are not supported)");
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
        return URI.create((secure ? "https" : "http") + "://" + ws.getRawAuthority() + path + "/client_secrets");
    }

    /** The endpoint's {@code model} query parameter, or {@code null}. */
    static String modelOf(Endpoint endpoint) {
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

    @Override
    public String toString() {
        return "ClientSecrets[" + where() + ", " + credentials + "]";
    }

    /** Builds a {@link ClientSecrets}. */
    public static final class Builder {
        private Endpoint endpoint;
        private Credentials credentials;
        private Duration requestTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The GA endpoint whose sessions the keys open (required): its URI decides where keys are minted. */
        public Builder endpoint(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** The real credentials, which mint the keys and never leave this process (required). */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** How long connecting and the whole request may take (default 10 s). */
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
        public ClientSecrets build() {
            return new ClientSecrets(this);
        }
    }
}
