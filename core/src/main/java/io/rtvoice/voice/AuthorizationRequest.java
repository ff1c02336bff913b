package io.rtvoice.voice;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link Authorizer} sees of a request to an end: where it came from and what it carries — a cookie, an
 * {@code Authorization} header, a token in the query. {@link #toString()} shows the path and the address only: the
 * rest may hold credentials.
 *
 * @param path the request's path, without its query
 * @param query the query's parameters, each name to its values in order
 * @param headers the headers, each lower-cased name to its values in order
 * @param cookies each cookie's name to its value (the first, when a name repeats)
 * @param remoteAddress where the request came from (the proxy's address behind a proxy), or null if unknown
 */
public record AuthorizationRequest(String path, Map<String, List<String>> query, Map<String, List<String>> headers,
        Map<String, String> cookies, InetSocketAddress remoteAddress) {

    public AuthorizationRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        cookies = Map.copyOf(cookies);
    }

    /**
     * A request as a server received it: {@code uri} its path and query as sent, {@code headers} each name and value
     * as they came (a server's header collection; names are lower-cased here), the cookies read from its
     * {@code Cookie} headers.
     */
    public static AuthorizationRequest of(String uri, Iterable<Map.Entry<String, String>> headers,
            InetSocketAddress remoteAddress) {
        int q = uri.indexOf('?');
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                }
            }
        }
        query.replaceAll((k, v) -> List.copyOf(v));
        Map<String, List<String>> lowered = new LinkedHashMap<>();
        headers.forEach(h -> lowered.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(h.getValue()));
        lowered.replaceAll((k, v) -> List.copyOf(v));
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : lowered.getOrDefault("cookie", List.of())) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    cookies.putIfAbsent(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        return new AuthorizationRequest(q < 0 ? uri : uri.substring(0, q), query, lowered, cookies, remoteAddress);
    }

    /**
     * Percent-decoded; a {@code +} stays a {@code +} (a token pasted into an address keeps its base64), and a bad escape
     * leaves the text as sent: a stranger's malformed query is refused by the authorizer, never an error.
     */
    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return text;
        }
    }

    /** The header's first value; the name in any case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The query parameter's first value. */
    public Optional<String> queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The cookie's value. */
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    @Override
    public String toString() {
        return "AuthorizationRequest[" + path + " from " + remoteAddress + "]";
    }
}
