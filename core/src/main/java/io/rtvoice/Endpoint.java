package io.rtvoice;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Where a client connects, and so which dialect and which authentication header it uses.
 *
 * @param uri the WebSocket URI: {@code wss://}, or {@code ws://} (which a transport refuses to any host but
 *            loopback unless told otherwise); {@code https://} and {@code http://}, in any case, are taken as
 *            {@code wss://} and {@code ws://}, so that no spelling of plain text escapes that rule
 * @param dialect the protocol dialect spoken there
 * @param service whose service this is: decides the key header
 */
public record Endpoint(URI uri, Dialect dialect, Service service) {

    /** The query parameter that makes a connection a transcription session. */
    private static final String TRANSCRIPTION_INTENT = "intent=transcription";

    /** Whose service an endpoint belongs to. */
    public enum Service {
        /** OpenAI: {@code Authorization: Bearer}. */
        OPENAI,
        /** Azure OpenAI: {@code api-key} header for keys, {@code Authorization: Bearer} for Entra ID tokens. */
        AZURE,
        /** Anything else, e.g. the emulator: {@code Authorization: Bearer}. */
        CUSTOM
    }

    /**
     * Requires every part; the scheme is normalised to {@code ws} or {@code wss}.
     *
     * @throws IllegalArgumentException if the scheme is none of ws, wss, http, https (in any case)
     */
    public Endpoint {
        uri = webSocketUri(Objects.requireNonNull(uri, "uri"));
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(service, "service");
    }

    /** OpenAI GA: {@code wss://api.openai.com/v1/realtime?model=<model>}. */
    public static Endpoint openAi(String model) {
        return new Endpoint(URI.create("wss://api.openai.com/v1/realtime?model=" + encode(model)), Dialect.GA, Service.OPENAI);
    }

    /** OpenAI preview (beta header), for {@code gpt-4o-realtime-preview} models. */
    public static Endpoint openAiPreview(String model) {
        return new Endpoint(URI.create("wss://api.openai.com/v1/realtime?model=" + encode(model)), Dialect.PREVIEW, Service.OPENAI);
    }

    /** Azure OpenAI GA: {@code wss://<resource>/openai/v1/realtime?model=<deployment>}. */
    public static Endpoint azure(URI resource, String deployment) {
        return new Endpoint(URI.create(wss(resource) + "/openai/v1/realtime?model=" + encode(deployment)), Dialect.GA, Service.AZURE);
    }

    /** Azure OpenAI preview: {@code wss://<resource>/openai/realtime?api-version=<v>&deployment=<d>}. */
    public static Endpoint azurePreview(URI resource, String deployment, String apiVersion) {
        return new Endpoint(URI.create(wss(resource) + "/openai/realtime?api-version=" + encode(apiVersion) + "&deployment="
                + encode(deployment)), Dialect.PREVIEW, Service.AZURE);
    }

    /**
     * OpenAI GA transcription session: {@code wss://api.openai.com/v1/realtime?intent=transcription}. No model
     * in the URI: the transcription model is named by the session's configuration (see
     * {@link io.rtvoice.transcription.TranscriptionSession}).
     */
    public static Endpoint openAiTranscription() {
        return new Endpoint(URI.create("wss://api.openai.com/v1/realtime?" + TRANSCRIPTION_INTENT), Dialect.GA, Service.OPENAI);
    }

    /**
     * Azure OpenAI GA transcription session: {@code wss://<resource>/openai/v1/realtime?intent=transcription}.
     * No deployment in the URI: the transcription deployment goes in the session's configuration as its
     * model (connecting with a transcription model's deployment as {@code model=} is refused by Azure).
     */
    public static Endpoint azureTranscription(URI resource) {
        return new Endpoint(URI.create(wss(resource) + "/openai/v1/realtime?" + TRANSCRIPTION_INTENT), Dialect.GA, Service.AZURE);
    }

    /**
     * The sideband connection of an OpenAI SIP (or WebRTC) call: {@code wss://api.openai.com/v1/realtime?call_id=<callId>}.
     * The call's session was configured when it was accepted ({@link io.rtvoice.calls.Calls#accept}); this connection
     * watches and steers it: its events, {@code session.update}, {@code response.create}. No model in the URI: the
     * service takes exactly one of {@code model}, {@code call_id} or {@code intent}.
     *
     * @param callId the call's id from the {@code realtime.call.incoming} webhook, {@code rtc_…}
     */
    public static Endpoint openAiCall(String callId) {
        return openAi("unused").forCall(callId);
    }

    /**
     * This endpoint's sideband connection to the call {@code callId}: the same scheme, host, path, dialect and service,
     * with the query replaced by {@code call_id=<callId>} (the service takes exactly one of {@code model},
     * {@code call_id} or {@code intent}). For the emulator:
     * {@code Endpoint.custom(emulator.uri("/v1/realtime"), Dialect.GA).forCall(callId)}.
     *
     * @throws IllegalArgumentException if this is not a GA endpoint (calls are GA only), or {@code callId} is blank
     */
    public Endpoint forCall(String callId) {
        Objects.requireNonNull(callId, "callId");
        if (callId.isBlank()) {
            throw new IllegalArgumentException("callId : (blank) (expected: the call's id, rtc_…)");
        }
        if (dialect != Dialect.GA) {
            throw new IllegalArgumentException("dialect : " + dialect + " (expected: GA; the preview protocol has no calls)");
        }
        String raw = uri.toString();
        int cut = raw.indexOf('?');
        String base = cut < 0 ? raw : raw.substring(0, cut);
        int fragment = base.indexOf('#');
        base = fragment < 0 ? base : base.substring(0, fragment);
        return new Endpoint(URI.create(base + "?call_id=" + encode(callId)), dialect, service);
    }

    /** The call this endpoint is the sideband connection of (its {@code call_id} query parameter), or {@code null}. */
    public String callId() {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("call_id=")) {
                return java.net.URLDecoder.decode(parameter.substring("call_id=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * Any URI with an explicit dialect, e.g. the emulator's. A transcription session is a URI whose query
     * says {@code intent=transcription}: {@code custom(URI.create("ws://127.0.0.1:8765/v1/realtime?intent=transcription"), GA)}.
     */
    public static Endpoint custom(URI uri, Dialect dialect) {
        return new Endpoint(uri, dialect, Service.CUSTOM);
    }

    /**
     * Whether this endpoint opens a transcription-only session: its query has {@code intent=transcription}
     * (as the factories {@link #openAiTranscription()} and {@link #azureTranscription(URI)} write it).
     */
    public boolean transcription() {
        String query = uri.getRawQuery();
        if (query == null) {
            return false;
        }
        for (String parameter : query.split("&")) {
            if (parameter.equals(TRANSCRIPTION_INTENT)) {
                return true;
            }
        }
        return false;
    }

    /** Headers the endpoint needs besides credentials: the beta header for OpenAI preview. */
    public Map<String, String> protocolHeaders() {
        return service == Service.OPENAI && dialect == Dialect.PREVIEW ? Map.of("OpenAI-Beta", "realtime=v1") : Map.of();
    }

    private static String wss(URI resource) {
        return webSocketUri(resource).toString().replaceFirst("/+$", "");
    }

    /**
     * {@code uri} with its scheme as {@code ws} or {@code wss}. reactor-netty, for one, opens an
     * {@code http://} WebSocket as plain {@code ws://}: a guard that looked for "ws" only let
     * {@code HTTP://} send the key in clear text, so every spelling becomes one of two here.
     */
    private static URI webSocketUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String normal = switch (scheme) {
            case "ws", "http" -> "ws";
            case "wss", "https" -> "wss";
            default -> throw new IllegalArgumentException("uri scheme : " + (scheme.isEmpty() ? "(none)" : scheme)
                    + " (expected: wss, https, or ws or http to loopback)");
        };
        if (normal.equals(uri.getScheme())) {
            return uri;
        }
        String raw = uri.toString();
        return URI.create(normal + raw.substring(raw.indexOf(':')));
    }

    private static String encode(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // Azure allows a key in the query: show the path only.
        return "Endpoint[" + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath() + ", " + dialect + ", " + service
                + (transcription() ? ", transcription" : "") + (callId() != null ? ", call " + callId() : "") + "]";
    }
}
