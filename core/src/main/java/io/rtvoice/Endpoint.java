package io.rtvoice;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Where a client connects, and so which dialect and which authentication header it uses.
 *
 * @param uri the WebSocket URI
 * @param dialect the protocol dialect spoken there
 * @param service whose service this is: decides the key header
 */
public record Endpoint(URI uri, Dialect dialect, Service service) {

    /** Whose service an endpoint belongs to. */
    public enum Service {
        /** OpenAI: {@code Authorization: Bearer}. */
        OPENAI,
        /** Azure OpenAI: {@code api-key} header for keys, {@code Authorization: Bearer} for Entra ID tokens. */
        AZURE,
        /** Anything else, e.g. the emulator: {@code Authorization: Bearer}. */
        CUSTOM
    }

    /** Requires every part. */
    public Endpoint {
        Objects.requireNonNull(uri, "uri");
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

    /** Any URI with an explicit dialect, e.g. the emulator's. */
    public static Endpoint custom(URI uri, Dialect dialect) {
        return new Endpoint(uri, dialect, Service.CUSTOM);
    }

    /** Headers the endpoint needs besides credentials: the beta header for OpenAI preview. */
    public Map<String, String> protocolHeaders() {
        return service == Service.OPENAI && dialect == Dialect.PREVIEW ? Map.of("OpenAI-Beta", "realtime=v1") : Map.of();
    }

    private static String wss(URI resource) {
        String s = resource.toString().replaceFirst("/+$", "");
        if (s.startsWith("https://")) {
            return "wss://" + s.substring(8);
        }
        if (s.startsWith("http://")) {
            return "ws://" + s.substring(7);
        }
        return s;
    }

    private static String encode(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // Azure allows a key in the query: show the path only.
        return "Endpoint[" + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath() + ", " + dialect + ", " + service + "]";
    }
}
