package io.rtvoice.relay;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link PageAuthorizer} sees of a request to open a page session ({@code /ws}) or to mint a key
 * ({@code POST /session}): where it came from and what it carries — a cookie, an {@code Authorization} header, a
 * token in the query. {@link #toString()} shows the path and the address only: the rest may hold credentials.
 *
 * @param path the request's path, without its query
 * @param query the query's parameters, each name to its values in order
 * @param headers the headers, each lower-cased name to its values in order
 * @param cookies each cookie's name to its value (the first, when a name repeats)
 * @param remoteAddress where the request came from (the proxy's address behind a proxy), or null if unknown
 */
public record PageRequest(String path, Map<String, List<String>> query, Map<String, List<String>> headers,
        Map<String, String> cookies, InetSocketAddress remoteAddress) {

    public PageRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        cookies = Map.copyOf(cookies);
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
        return "PageRequest[" + path + " from " + remoteAddress + "]";
    }
}
