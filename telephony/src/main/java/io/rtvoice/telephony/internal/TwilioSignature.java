package io.rtvoice.telephony.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's signature of a Media Stream's WebSocket upgrade: {@code X-Twilio-Signature} is
 * Base64(HMAC-SHA1(key: the account's Auth Token, data: the URL Twilio requested)), the URL being the TwiML's
 * {@code <Stream url>}. An upgrade is a GET (no parameters are signed) and a Stream URL takes no query, so each
 * token signs a URL to one value: the values are computed here once, and an upgrade is only compared with them, in
 * constant time. Twilio may sign the URL with or without the scheme's default port, so both forms are accepted.
 * Neither the tokens nor the values are ever in a message or {@link #toString()}.
 */
public final class TwilioSignature {

    private final String url;
    private final List<byte[]> expected;

    /**
     * @param streamUrl the {@code ws://} or {@code wss://} URL Twilio connects to, as in the TwiML
     * @param authTokens the Auth Tokens whose signatures are accepted (the primary and, while rotating, the secondary)
     */
    public TwilioSignature(URI streamUrl, List<String> authTokens) {
        // Shown in logs and messages: without a user-info part, which may hold a password.
        this.url = streamUrl.getRawUserInfo() == null ? streamUrl.toString()
                : streamUrl.toString().replace(streamUrl.getRawUserInfo() + "@", "");
        List<byte[]> values = new ArrayList<>();
        for (String token : authTokens) {
            for (String form : signedForms(streamUrl)) {
                values.add(sign(token, form).getBytes(StandardCharsets.US_ASCII));
            }
        }
        this.expected = List.copyOf(values);
    }

    /** Whether {@code header} (the request's {@code X-Twilio-Signature}, null when absent) is one Twilio makes. */
    public boolean valid(String header) {
        if (header == null) {
            return false;
        }
        byte[] given = header.getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (byte[] value : expected) {
            match |= MessageDigest.isEqual(value, given); // every value compared: the time says nothing of which
        }
        return match;
    }

    /** The URL signatures are checked against, as given but for any user-info part (never shown). */
    public String url() {
        return url;
    }

    /** The URL as given and, if it has the scheme's default port or none, the other form: Twilio signs either. */
    static List<String> signedForms(URI streamUrl) {
        String given = streamUrl.toString();
        int defaultPort = "wss".equalsIgnoreCase(streamUrl.getScheme()) ? 443 : 80;
        String userInfo = streamUrl.getRawUserInfo() == null ? "" : streamUrl.getRawUserInfo() + "@";
        String rest = (streamUrl.getRawPath() == null ? "" : streamUrl.getRawPath())
                + (streamUrl.getRawQuery() == null ? "" : "?" + streamUrl.getRawQuery());
        String prefix = streamUrl.getScheme() + "://" + userInfo + streamUrl.getHost();
        if (streamUrl.getPort() == -1) {
            return List.of(given, prefix + ":" + defaultPort + rest);
        }
        if (streamUrl.getPort() == defaultPort) {
            return List.of(given, prefix + rest);
        }
        return List.of(given);
    }

    /** Base64(HMAC-SHA1(token, url)). */
    static String sign(String token, String url) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(url.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e); // every JDK has it
        }
    }

    @Override
    public String toString() {
        return "TwilioSignature[" + url + ", " + expected.size() + " accepted]";
    }
}
