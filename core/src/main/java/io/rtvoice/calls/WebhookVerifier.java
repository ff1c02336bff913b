package io.rtvoice.calls;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.internal.codec.JsonMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook request as <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> sign them, which is
 * how OpenAI signs {@code realtime.call.incoming}: the headers {@code webhook-id}, {@code webhook-timestamp} (Unix
 * seconds) and {@code webhook-signature}, a space-separated list of {@code v1,<base64 HMAC-SHA256>} over
 * {@code id + "." + timestamp + "." + body} with the key in the secret {@code whsec_<base64 key>}. Refuses a
 * timestamp further than the tolerance (default 5 min) from the clock, past or future, and an id it already
 * accepted within that window (a replay); ids are forgotten once their time is out of the window, when they would
 * be refused as stale anyway.
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.builder(System.getenv("OPENAI_WEBHOOK_SECRET")).build();
 * // in the HTTP handler, with the raw body (before any JSON parsing) and the request's headers:
 * WebhookEvent event = verifier.verify(headers, body);      // or WebhookException: answer 400
 * if (event.incomingCall()) calls.accept(event.callId(), session).subscribe();
 * }</pre>
 * Thread-safe: one verifier serves every request. Nothing here blocks or does I/O. The secret is never in a
 * message or in {@link #toString()}.
 */
public final class WebhookVerifier {

    /** The default tolerance of Standard Webhooks' libraries: five minutes either way. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String SECRET_PREFIX = "whsec_";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Duration tolerance;
    private final Clock clock;
    /** Accepted ids and their timestamps (Unix s), pruned as they leave the window. */
    private final Map<String, Long> seen = new ConcurrentHashMap<>();

    private WebhookVerifier(Builder b) {
        this.key = b.key;
        this.tolerance = b.tolerance;
        this.clock = b.clock;
    }

    /**
     * A builder for {@code secret}, as the OpenAI dashboard shows it: {@code whsec_} and the key in base64 (a secret
     * without the prefix is taken as the base64 key itself).
     *
     * @throws IllegalArgumentException if the key is not base64 or is empty (the message does not quote it)
     */
    public static Builder builder(String secret) {
        return new Builder(secret);
    }

    /**
     * The event in {@code body}, if the headers prove that the holder of the secret sent it within the tolerance and it
     * was not accepted before. Header names are matched in any case.
     *
     * @param headers the request's headers (one value each: the first, when a server keeps several)
     * @param body the request's body, exactly as received
     * @throws WebhookException when the request is refused, with the {@link WebhookException.Reason}
     */
    public WebhookEvent verify(Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        long now = clock.instant().getEpochSecond();
        long window = tolerance.toSeconds();
        seen.values().removeIf(t -> Math.abs(now - t) > window);
        String id = header(headers, "webhook-id");
        String timestamp = header(headers, "webhook-timestamp");
        String signatures = header(headers, "webhook-signature");
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookException(WebhookException.Reason.BAD_TIMESTAMP, "webhook-timestamp : " + quote(timestamp)
                    + " (expected: Unix seconds)");
        }
        if (Math.abs(now - sentAt) > window) {
            throw new WebhookException(WebhookException.Reason.BAD_TIMESTAMP, "webhook-timestamp : " + sentAt + " is "
                    + Math.abs(now - sentAt) + " s " + (sentAt < now ? "old" : "ahead") + " (expected: within " + window + " s of now, " + now + ")");
        }
        byte[] expected = sign(id, timestamp.strip(), body);
        if (!anyMatches(signatures, expected)) {
            throw new WebhookException(WebhookException.Reason.BAD_SIGNATURE, "webhook-signature does not match the secret for webhook-id "
                    + quote(id) + " (expected: v1,<base64 HMAC-SHA256 of id.timestamp.body>)");
        }
        WebhookEvent event = parse(body);
        if (seen.putIfAbsent(id, sentAt) != null) {
            throw new WebhookException(WebhookException.Reason.REPLAYED, "webhook-id " + quote(id) + " was already accepted (a replay)");
        }
        return event;
    }

    /** The tolerance around the clock that a timestamp must fall in. */
    public Duration tolerance() {
        return tolerance;
    }

    private static String header(Map<String, String> headers, String name) {
        String value = null;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                value = e.getValue();
                break;
            }
        }
        if (value == null || value.isBlank()) {
            throw new WebhookException(WebhookException.Reason.MISSING_HEADER, name + " : (missing) (expected: a Standard Webhooks request)");
        }
        return value;
    }

    private byte[] sign(String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getClass().getSimpleName(), e); // every JDK has it
        }
    }

    /** Whether one {@code v1,…} entry is {@code expected}, compared in constant time. */
    private static boolean anyMatches(String signatures, byte[] expected) {
        boolean match = false;
        for (String entry : signatures.strip().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !entry.substring(0, comma).equals("v1")) {
                continue; // another scheme (v1a: asymmetric) or garbage: not ours to judge
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            match |= MessageDigest.isEqual(given, expected);
        }
        return match;
    }

    private static WebhookEvent parse(byte[] body) {
        JsonNode root;
        try {
            root = JsonMapping.mapper().readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.path("id").isTextual() || !root.path("type").isTextual()) {
            throw new WebhookException(WebhookException.Reason.MALFORMED, "body : not a webhook event (expected: a JSON object with id and type)");
        }
        JsonNode data = root.path("data");
        String callId = data.path("call_id").isTextual() ? data.path("call_id").textValue() : null;
        List<WebhookEvent.SipHeader> headers = new ArrayList<>();
        for (JsonNode h : data.path("sip_headers")) {
            if (h.path("name").isTextual() && h.path("value").isTextual()) {
                headers.add(new WebhookEvent.SipHeader(h.path("name").textValue(), h.path("value").textValue()));
            }
        }
        if (WebhookEvent.CALL_INCOMING.equals(root.path("type").textValue()) && callId == null) {
            throw new WebhookException(WebhookException.Reason.MALFORMED, "data.call_id : (missing) (expected: the call's id in "
                    + WebhookEvent.CALL_INCOMING + ")");
        }
        return new WebhookEvent(root.path("id").textValue(), root.path("type").textValue(), root.path("created_at").asLong(0), callId,
                headers, new String(body, StandardCharsets.UTF_8));
    }

    /** An id or timestamp as received, shortened and without control characters, for a message. */
    private static String quote(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return "'" + (clean.length() > 64 ? clean.substring(0, 64) + "…" : clean) + "'";
    }

    @Override
    public String toString() {
        return "WebhookVerifier[tolerance " + tolerance.toSeconds() + " s, " + seen.size() + " ids remembered]";
    }

    /** Builds a {@link WebhookVerifier}. */
    public static final class Builder {
        private final SecretKeySpec key;
        private Duration tolerance = DEFAULT_TOLERANCE;
        private Clock clock = Clock.systemUTC();

        private Builder(String secret) {
            Objects.requireNonNull(secret, "secret");
            String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(encoded.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret : (not shown) (expected: whsec_ and a base64 key)");
            }
            if (bytes.length == 0) {
                throw new IllegalArgumentException("secret : (empty key) (expected: whsec_ and a base64 key)");
            }
            this.key = new SecretKeySpec(bytes, ALGORITHM);
        }

        /** How far a {@code webhook-timestamp} may be from the clock, either way (default 5 min). */
        public Builder tolerance(Duration tolerance) {
            if (tolerance.isNegative() || tolerance.toSeconds() < 1) {
                throw new IllegalArgumentException("tolerance : " + tolerance + " (expected: >= 1 s)");
            }
            this.tolerance = tolerance;
            return this;
        }

        /** The time source timestamps are judged by (default the system clock): a test's own clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The verifier. */
        public WebhookVerifier build() {
            return new WebhookVerifier(this);
        }
    }
}
