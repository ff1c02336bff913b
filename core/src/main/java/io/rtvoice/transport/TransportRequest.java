package io.rtvoice.transport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What to connect to. {@link #toString()} never shows header values that carry credentials, nor the
 * query (Azure allows the key there).
 *
 * @param uri {@code wss://…} (or {@code ws://} to loopback)
 * @param headers request headers, e.g. {@code Authorization}
 * @param subprotocols WebSocket subprotocols to offer
 * @param maxFrameBytes largest frame accepted or sent, in bytes
 * @param connectTimeout connect and handshake timeout
 */
public record TransportRequest(URI uri, Map<String, String> headers, List<String> subprotocols, int maxFrameBytes,
        Duration connectTimeout) {

    /** Copies the collections. */
    public TransportRequest {
        headers = Map.copyOf(headers);
        subprotocols = List.copyOf(subprotocols);
    }

    @Override
    public String toString() {
        String safeHeaders = headers.entrySet().stream()
                .map(e -> e.getKey() + "=" + (sensitive(e.getKey()) ? "<redacted>" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "TransportRequest[uri=" + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath()
                + (uri.getQuery() != null ? "?<query>" : "") + ", headers=" + safeHeaders + ", subprotocols="
                + subprotocols.stream().map(p -> p.startsWith("openai-insecure-api-key.") ? "openai-insecure-api-key.<redacted>" : p).toList()
                + ", maxFrameBytes=" + maxFrameBytes + ", connectTimeout=" + connectTimeout + "]";
    }

    /**
     * {@code text} with every credential of this request replaced by a redacted form such as
     * {@code sk-…redacted}: the values of its credential headers (and the token after {@code Bearer}), of
     * its {@code openai-insecure-api-key.} subprotocol, and of credential parameters in its query. Exact
     * matches of the live values only; {@code null} stays {@code null}. For every status text, close reason
     * and error message a server sends back, since a server may echo what it was sent.
     */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets()) {
            if (out.contains(secret)) {
                out = out.replace(secret, redacted(secret));
            }
        }
        return out;
    }

    /** The credential values of this request, longest first (so a value inside another is not half-replaced). */
    private List<String> secrets() {
        java.util.Set<String> found = new java.util.HashSet<>();
        headers.forEach((name, value) -> {
            if (sensitive(name) && value != null) {
                found.add(value);
                if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    found.add(value.substring(7).trim());
                }
            }
        });
        for (String p : subprotocols) {
            if (p.startsWith("openai-insecure-api-key.")) {
                found.add(p.substring("openai-insecure-api-key.".length()));
            }
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && (sensitive(pair.substring(0, eq)) || pair.substring(0, eq).equalsIgnoreCase("key"))) {
                    found.add(pair.substring(eq + 1));
                    found.add(java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        found.removeIf(String::isEmpty);
        return found.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** {@code sk-…redacted} for {@code sk-abc…}: the key's kind stays readable, the key does not. */
    private static String redacted(String secret) {
        int cut = -1;
        for (int i = 0; i < Math.min(4, secret.length() - 1); i++) {
            if (secret.charAt(i) == '-' || secret.charAt(i) == '_') {
                cut = i;
                break;
            }
        }
        return secret.substring(0, cut + 1) + "\u2026redacted";
    }

    private static boolean sensitive(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.equals("authorization") || h.equals("api-key") || h.contains("token") || h.contains("secret");
    }
}
