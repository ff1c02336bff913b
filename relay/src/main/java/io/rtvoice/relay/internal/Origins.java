package io.rtvoice.relay.internal;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which pages may open a relay's WebSocket, by the {@code Origin} a browser sends: the relay's own page (the
 * origin names the host the request was sent to, as in the same-origin rule) and the origins allowed.
 * Without it, any site the user visits could talk through the relay on the operator's account.
 *
 * <p>And which names the relay answers to, by the {@code Host}: an IP address, {@code localhost}, the host of an
 * allowed origin or a host allowed by name. In a DNS rebinding attack a page of {@code evil.example} is made to reach
 * the relay under that name, so that its {@code Origin} matches its {@code Host}: the relay refuses the name.
 */
public final class Origins {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> allowed;
    private final Set<String> hosts;

    public Origins(List<String> allowed, List<String> allowedHosts) {
        this.allowed = allowed.stream().map(Origins::normalise).collect(Collectors.toUnmodifiableSet());
        Set<String> names = new HashSet<>();
        for (String origin : this.allowed) {
            try {
                String host = URI.create(origin).getHost();
                if (host != null) {
                    names.add(host);
                }
            } catch (IllegalArgumentException notAnOrigin) {
                // "*" or a malformed origin names no host
            }
        }
        allowedHosts.forEach(h -> names.add(hostName(h)));
        this.hosts = Set.copyOf(names);
    }

    /** Whether a request with this {@code Host} header (null: none) names the relay itself. */
    public boolean hostAllowed(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = hostName(host);
        return name.startsWith("[") || IPV4.matcher(name).matches() || name.equals("localhost") || hosts.contains(name);
    }

    /** The name of a {@code Host} header, without its port, in lower case; an IPv6 literal keeps its brackets. */
    private static String hostName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        h = colon < 0 ? h : h.substring(0, colon);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
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
