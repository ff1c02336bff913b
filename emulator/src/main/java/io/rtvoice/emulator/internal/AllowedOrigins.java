package io.rtvoice.emulator.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may open a connection, judged by the {@code Origin} header a browser sends with every
 * WebSocket upgrade (a request without one is not from a browser page, and is not judged here). By
 * default only pages served from this machine: {@code http(s)://localhost}, {@code 127.0.0.1} and
 * {@code [::1]}, on any port — without this, any site the user visits could drive a local emulator.
 */
public final class AllowedOrigins {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> exact; // null: loopback origins
    private final boolean any;

    private AllowedOrigins(Set<String> exact, boolean any) {
        this.exact = exact;
        this.any = any;
    }

    /** Pages served from this machine, on any port. */
    public static AllowedOrigins loopback() {
        return new AllowedOrigins(null, false);
    }

    /**
     * Exactly these origins ({@code scheme://host[:port]}, compared without case); {@code "*"} allows every
     * origin, and no origins at all refuses every browser page.
     */
    public static AllowedOrigins of(List<String> origins) {
        Set<String> set = origins.stream().map(o -> o.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        return new AllowedOrigins(set, set.contains("*"));
    }

    /** Whether a page of {@code origin} (an {@code Origin} header's value) may connect. */
    boolean allows(String origin) {
        if (any) {
            return true;
        }
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return exact != null ? exact.contains(o) : isLoopback(o);
    }

    private static boolean isLoopback(String origin) {
        try {
            URI uri = new URI(origin);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            // getHost keeps an IPv6 literal's brackets; a path, query or user part is no origin.
            return web && uri.getHost() != null && LOOPBACK_HOSTS.contains(uri.getHost())
                    && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed page or a file), or garbage
        }
    }

    @Override
    public String toString() {
        return any ? "*" : exact == null ? "loopback" : String.join(",", exact);
    }
}
