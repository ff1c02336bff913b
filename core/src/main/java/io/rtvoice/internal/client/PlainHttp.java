package io.rtvoice.internal.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** What the HTTP clients of core ({@code ClientSecrets}, {@code Calls}) share: the loopback rule and error text. */
public final class PlainHttp {

    private PlainHttp() {
    }

    /** Without a name lookup (which could block): {@code localhost} or a loopback address literal. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        boolean literal = h.startsWith("[") || h.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The innermost informative cause of a failed request, as {@code Type message}. */
    public static String describe(Throwable e) {
        Throwable shown = e;
        while (shown.getCause() != null && shown.getCause() != shown && (shown.getMessage() == null
                || shown instanceof java.util.concurrent.CompletionException)) {
            shown = shown.getCause();
        }
        return shown.getClass().getSimpleName() + (shown.getMessage() != null ? " " + shown.getMessage() : "");
    }
}
