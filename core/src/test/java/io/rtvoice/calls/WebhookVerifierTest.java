package io.rtvoice.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.testing.MovableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookVerifier} on requests signed in the test with javax.crypto, as Standard Webhooks specify: the
 * signature, the tolerance either way, replays, missing headers and bodies that are not events. No message and no
 * {@code toString} holds the secret.
 */
class WebhookVerifierTest {

    private static final byte[] KEY = "a webhook key of thirty-two byte".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
    private static final Instant NOW = Instant.parse("2026-12-05T15:00:00Z");
    private static final String BODY = "{\"object\":\"event\",\"id\":\"evt_685343a1381c819085d44c354e1b330e\","
            + "\"type\":\"realtime.call.incoming\",\"created_at\":1764946800,\"data\":{\"call_id\":\"rtc_479a275623b54bdb9b6fbae2f7cbd408\","
            + "\"sip_headers\":[{\"name\":\"From\",\"value\":\"sip:+142555512112@sip.example.com\"},"
            + "{\"name\":\"To\",\"value\":\"sip:+18005551212@sip.example.com\"},{\"name\":\"Call-ID\",\"value\":\"03782086-4ce9-44bf\"}]}}";

    private final MovableClock clock = new MovableClock(NOW);
    private final WebhookVerifier verifier = WebhookVerifier.builder(SECRET).clock(clock).build();

    /** The signature computed here, independently of the verifier: HMAC-SHA256 over id.timestamp.body, base64. */
    private static String signature(byte[] key, String id, long timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> headers(String id, long timestamp, String signature) {
        Map<String, String> h = new HashMap<>();
        h.put("webhook-id", id);
        h.put("webhook-timestamp", Long.toString(timestamp));
        h.put("webhook-signature", signature);
        return h;
    }

    private WebhookException refusal(Map<String, String> headers, String body) {
        try {
            verifier.verify(headers, body.getBytes(StandardCharsets.UTF_8));
        } catch (WebhookException e) {
            assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(SECRET.substring(6));
            return e;
        }
        throw new AssertionError("accepted");
    }

    @Test
    void aCorrectlySignedIncomingCallVerifiesWithItsCallIdAndSipHeaders() throws Exception {
        long ts = NOW.getEpochSecond();
        WebhookEvent event = verifier.verify(headers("wh_1", ts, signature(KEY, "wh_1", ts, BODY)), BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(event.incomingCall()).isTrue();
        assertThat(event.type()).isEqualTo(WebhookEvent.CALL_INCOMING);
        assertThat(event.id()).isEqualTo("evt_685343a1381c819085d44c354e1b330e");
        assertThat(event.createdAt()).isEqualTo(1764946800L);
        assertThat(event.callId()).isEqualTo("rtc_479a275623b54bdb9b6fbae2f7cbd408");
        assertThat(event.sipHeaders()).extracting(WebhookEvent.SipHeader::name).containsExactly("From", "To", "Call-ID");
        assertThat(event.sipHeader("from")).isEqualTo("sip:+142555512112@sip.example.com");
        assertThat(event.json()).isEqualTo(BODY);
    }

    @Test
    void headerNamesAreMatchedInAnyCaseAndOneGoodSignatureAmongSeveralSuffices() throws Exception {
        long ts = NOW.getEpochSecond() - 30;
        Map<String, String> h = new HashMap<>();
        h.put("Webhook-Id", "wh_2");
        h.put("WEBHOOK-TIMESTAMP", Long.toString(ts));
        h.put("Webhook-Signature", "v1,AAAA " + "v1a,whatever " + signature(KEY, "wh_2", ts, BODY) + " v1,%%%notbase64");

        assertThat(verifier.verify(h, BODY.getBytes(StandardCharsets.UTF_8)).callId()).startsWith("rtc_");
    }

    @Test
    void aSignatureWithAnotherKeyOrOverAnotherBodyIsRefused() throws Exception {
        long ts = NOW.getEpochSecond();
        byte[] otherKey = "another key, of thirty-two bytes".getBytes(StandardCharsets.US_ASCII);

        assertThat(refusal(headers("wh_3", ts, signature(otherKey, "wh_3", ts, BODY)), BODY).reason())
                .isEqualTo(WebhookException.Reason.BAD_SIGNATURE);
        String tampered = BODY.replace("rtc_479a", "rtc_999a");
        assertThat(refusal(headers("wh_3", ts, signature(KEY, "wh_3", ts, BODY)), tampered).reason())
                .isEqualTo(WebhookException.Reason.BAD_SIGNATURE);
        assertThat(refusal(headers("wh_4", ts, signature(KEY, "wh_3", ts, BODY)), BODY).reason())
                .as("the id is signed").isEqualTo(WebhookException.Reason.BAD_SIGNATURE);
        assertThat(refusal(headers("wh_3", ts + 1, signature(KEY, "wh_3", ts, BODY)), BODY).reason())
                .as("the timestamp is signed").isEqualTo(WebhookException.Reason.BAD_SIGNATURE);
        // Refusals did not remember the id: the genuine request still verifies.
        assertThat(verifier.verify(headers("wh_3", ts, signature(KEY, "wh_3", ts, BODY)), BODY.getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    @Test
    void timestampsBeyondTheToleranceEitherWayAreRefusedAndWithinItAccepted() throws Exception {
        long tooOld = NOW.getEpochSecond() - 301;
        long tooNew = NOW.getEpochSecond() + 301;
        long oldButFine = NOW.getEpochSecond() - 300;

        assertThat(refusal(headers("wh_5", tooOld, signature(KEY, "wh_5", tooOld, BODY)), BODY).reason())
                .isEqualTo(WebhookException.Reason.BAD_TIMESTAMP);
        assertThat(refusal(headers("wh_6", tooNew, signature(KEY, "wh_6", tooNew, BODY)), BODY).getMessage()).contains("ahead");
        assertThat(refusal(headers("wh_7", 0, "v1,x"), BODY).reason()).isEqualTo(WebhookException.Reason.BAD_TIMESTAMP);
        Map<String, String> notANumber = headers("wh_8", 0, "v1,x");
        notANumber.put("webhook-timestamp", "yesterday");
        assertThat(refusal(notANumber, BODY).reason()).isEqualTo(WebhookException.Reason.BAD_TIMESTAMP);
        assertThat(verifier.verify(headers("wh_9", oldButFine, signature(KEY, "wh_9", oldButFine, BODY)),
                BODY.getBytes(StandardCharsets.UTF_8))).isNotNull();

        WebhookVerifier strict = WebhookVerifier.builder(SECRET).clock(clock).tolerance(Duration.ofSeconds(10)).build();
        long eleven = NOW.getEpochSecond() - 11;
        assertThatThrownBy(() -> strict.verify(headers("wh_10", eleven, signature(KEY, "wh_10", eleven, BODY)),
                BODY.getBytes(StandardCharsets.UTF_8))).isInstanceOf(WebhookException.class).hasMessageContaining("within 10 s");
    }

    @Test
    void anIdAlreadyAcceptedWithinTheWindowIsAReplay() throws Exception {
        long ts = NOW.getEpochSecond();
        Map<String, String> h = headers("wh_11", ts, signature(KEY, "wh_11", ts, BODY));
        verifier.verify(h, BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(refusal(h, BODY).reason()).isEqualTo(WebhookException.Reason.REPLAYED);
        clock.advance(Duration.ofMinutes(4));
        assertThat(refusal(h, BODY).reason()).isEqualTo(WebhookException.Reason.REPLAYED);
        clock.advance(Duration.ofMinutes(2));
        assertThat(refusal(h, BODY).reason()).as("out of the window: stale, and forgotten").isEqualTo(WebhookException.Reason.BAD_TIMESTAMP);
        assertThat(verifier.toString()).contains("0 ids remembered").doesNotContain(SECRET.substring(6));
    }

    @Test
    void missingHeadersAndSignedBodiesThatAreNotEventsAreRefused() throws Exception {
        long ts = NOW.getEpochSecond();
        Map<String, String> h = headers("wh_12", ts, signature(KEY, "wh_12", ts, BODY));
        h.remove("webhook-signature");
        assertThat(refusal(h, BODY).reason()).isEqualTo(WebhookException.Reason.MISSING_HEADER);
        assertThat(refusal(h, BODY).getMessage()).contains("webhook-signature");

        String notJson = "<html>";
        assertThat(refusal(headers("wh_13", ts, signature(KEY, "wh_13", ts, notJson)), notJson).reason())
                .isEqualTo(WebhookException.Reason.MALFORMED);
        String noCall = "{\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"data\":{}}";
        assertThat(refusal(headers("wh_14", ts, signature(KEY, "wh_14", ts, noCall)), noCall).getMessage()).contains("data.call_id");
        String other = "{\"id\":\"evt_2\",\"type\":\"response.completed\",\"created_at\":1,\"data\":{\"id\":\"resp_1\"}}";
        WebhookEvent event = verifier.verify(headers("wh_15", ts, signature(KEY, "wh_15", ts, other)), other.getBytes(StandardCharsets.UTF_8));
        assertThat(event.incomingCall()).isFalse();
        assertThat(event.callId()).isNull();
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedWithoutBeingQuoted() {
        assertThatThrownBy(() -> WebhookVerifier.builder("whsec_not*base64!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> WebhookVerifier.builder("whsec_")).isInstanceOf(IllegalArgumentException.class);
    }
}
