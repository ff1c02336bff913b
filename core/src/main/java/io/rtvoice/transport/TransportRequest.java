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

    private static boolean sensitive(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.equals("authorization") || h.equals("api-key") || h.contains("token") || h.contains("secret");
    }
}
