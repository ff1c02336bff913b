package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import reactor.core.publisher.Mono;

/**
 * The emulator's SIP calls: the calls that ring or are live, and the webhook that announces a new one. {@link #ring}
 * makes a call {@code rtc_…} and POSTs {@code realtime.call.incoming} to the webhook URL, signed as Standard Webhooks
 * sign ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64 HMAC-SHA256>} with the
 * key of the {@code whsec_…} secret), with the JDK's client, asynchronously. A call is forgotten when it ends: the
 * calls API then answers 404 for it, as for any id it never made. Thread-safe.
 */
public final class CallRegistry {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI webhook;
    private final SecretKeySpec key;
    private final Clock clock;
    private final HttpClient http;
    private final Consumer<String> log;
    private final Map<String, EmulatedCall> calls = new ConcurrentHashMap<>();

    /**
     * Calls announced to {@code webhook} with {@code secret} ({@code whsec_<base64 key>}); both {@code null}: no webhook,
     * {@link #ring} refuses. {@code log} takes lines that hold no secret.
     */
    public CallRegistry(URI webhook, String secret, Clock clock, Consumer<String> log) {
        this.webhook = webhook;
        this.key = secret == null ? null : new SecretKeySpec(secretKey(secret), "HmacSHA256");
        this.clock = clock;
        this.log = log;
        this.http = webhook == null ? null : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The key bytes of {@code whsec_<base64>}; the message never quotes the secret. */
    public static byte[] secretKey(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            if (bytes.length > 0) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new IllegalArgumentException("webhook secret : (not shown) (expected: whsec_ and a non-empty base64 key)");
    }

    /**
     * A new call from {@code from} to {@code to} whose caller will say {@code voice} (mono PCM16 at {@code rateHz}) and
     * press {@code dtmf}; completes with its id once the webhook answered 2xx, fails (and forgets the call) otherwise.
     */
    public Mono<String> ring(String from, String to, short[] voice, int rateHz, String dtmf) {
        if (webhook == null) {
            return Mono.error(new IllegalStateException("no webhook configured (expected: RealtimeEmulator.builder().webhook(url, secret))"));
        }
        String id = "rtc_" + hex(16);
        EmulatedCall call = new EmulatedCall(id, voice, rateHz, dtmf, this);
        calls.put(id, call);
        long now = clock.instant().getEpochSecond();
        ObjectNode event = WireJson.mapper().createObjectNode();
        event.put("object", "event");
        event.put("id", "evt_" + hex(12));
        event.put("type", "realtime.call.incoming");
        event.put("created_at", now);
        ObjectNode data = event.putObject("data");
        data.put("call_id", id);
        ArrayNode headers = data.putArray("sip_headers");
        headers.addObject().put("name", "From").put("value", "<" + from + ">;tag=" + hex(4));
        headers.addObject().put("name", "To").put("value", "<" + to + ">");
        headers.addObject().put("name", "Call-ID").put("value", hex(8) + "@emulator.invalid");
        byte[] body;
        try {
            body = WireJson.mapper().writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String webhookId = "wh_" + hex(12);
        String timestamp = Long.toString(now);
        HttpRequest request = HttpRequest.newBuilder(webhook)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", timestamp)
                .header("webhook-signature", "v1," + Base64.getEncoder().encodeToString(sign(webhookId, timestamp, body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        log.accept("call " + id + " ringing: " + from + " -> " + to + ", webhook " + webhookId);
        return Mono.fromFuture(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .onErrorMap(e -> new IllegalStateException("webhook POST " + webhook + " failed: " + e.getClass().getSimpleName(), e))
                .flatMap(response -> {
                    if (response.statusCode() / 100 == 2) {
                        return Mono.just(id);
                    }
                    return Mono.error(new IllegalStateException("webhook POST " + webhook + " answered HTTP " + response.statusCode()));
                })
                .doOnError(e -> {
                    log.accept("call " + id + " dropped: " + e.getMessage());
                    call.end("the webhook failed");
                });
    }

    /** The call {@code id}, ringing or live, or {@code null}. */
    EmulatedCall find(String id) {
        return id == null ? null : calls.get(id);
    }

    void forget(EmulatedCall call) {
        calls.remove(call.id(), call);
        log.accept("call " + call.id() + " ended");
    }

    void log(String line) {
        log.accept(line);
    }

    private byte[] sign(String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((id + "." + timestamp + ".").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
