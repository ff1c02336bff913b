package io.rtvoice.relay.internal;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which pages may open a relay's WebSocket, by the {@code Origin} a browser sends: the relay's own page (the
 * origin names the host the request was sent to, as in the same-origin rule) and the origins allowed.
 * Without it, any site the user visits could talk through the relay on the operator's account.
 */
public final class Origins {

    private final Set<String> allowed;

    public Origins(List<String> allowed) {
        this.allowed = allowed.stream().map(Origins::normalise).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a request with this {@code Origin} (null: not a page) sent to this {@code Host} may connect. */
    public boolean allowed(String origin, String host) {
        if (origin == null) {
            return true; // not a browser's page: the origin rule protects users' browsers, not the relay
        }
        String o = normalise(origin);
        if (allowed.contains("*") || allowed.contains(o)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return o.equals("http://" + h) || o.equals("https://" + h);
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.equals("*")) {
            return o;
        }
        try {
            URI u = URI.create(o);
            boolean defaultPort = u.getPort() == -1 || "http".equals(u.getScheme()) && u.getPort() == 80
                    || "https".equals(u.getScheme()) && u.getPort() == 443;
            return u.getScheme() + "://" + u.getHost() + (defaultPort ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException notAnOrigin) {
            return o;
        }
    }
}
