package io.rtvoice.telephony.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The URL forms a signature is accepted for, and the comparison, against HMACs computed here. */
class TwilioSignatureTest {

    private static final String TOKEN = "sk-twilio-auth-token-unit";

    private static String sign(String token, String url) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(url.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theDefaultPortIsAddedOrRemovedAndAnyOtherPortKept() {
        assertThat(TwilioSignature.signedForms(URI.create("wss://voice.example.com/twilio")))
                .containsExactly("wss://voice.example.com/twilio", "wss://voice.example.com:443/twilio");
        assertThat(TwilioSignature.signedForms(URI.create("wss://voice.example.com:443/a/twilio")))
                .containsExactly("wss://voice.example.com:443/a/twilio", "wss://voice.example.com/a/twilio");
        assertThat(TwilioSignature.signedForms(URI.create("ws://[::1]/twilio")))
                .containsExactly("ws://[::1]/twilio", "ws://[::1]:80/twilio");
        assertThat(TwilioSignature.signedForms(URI.create("wss://voice.example.com:8443/twilio")))
                .containsExactly("wss://voice.example.com:8443/twilio");
        assertThat(TwilioSignature.signedForms(URI.create("wss://voice.example.com:80/twilio")))
                .as("80 is not wss's default").containsExactly("wss://voice.example.com:80/twilio");
    }

    @Test
    void aSignatureOfEitherFormWithEitherTokenIsValidAndNothingElse() throws Exception {
        TwilioSignature check = new TwilioSignature(URI.create("wss://voice.example.com/twilio"),
                List.of(TOKEN, "sk-twilio-auth-token-next"));
        assertThat(check.valid(sign(TOKEN, "wss://voice.example.com/twilio"))).isTrue();
        assertThat(check.valid(sign(TOKEN, "wss://voice.example.com:443/twilio"))).isTrue();
        assertThat(check.valid(sign("sk-twilio-auth-token-next", "wss://voice.example.com/twilio"))).isTrue();
        assertThat(check.valid(sign(TOKEN, "wss://voice.example.com/twilio/"))).isFalse();
        assertThat(check.valid(sign(TOKEN, "wss://voice.example.com:8443/twilio"))).isFalse();
        assertThat(check.valid(sign("sk-twilio-auth-token-other", "wss://voice.example.com/twilio"))).isFalse();
        assertThat(check.valid(null)).isFalse();
        assertThat(check.valid("")).isFalse();
        assertThat(check.valid("é" + sign(TOKEN, "wss://voice.example.com/twilio").substring(1))).isFalse();
        assertThat(check.toString()).isEqualTo("TwilioSignature[wss://voice.example.com/twilio, 4 accepted]")
                .doesNotContain(sign(TOKEN, "wss://voice.example.com/twilio"));
    }

    @Test
    void theUrlShownHasNoUserInfo() {
        TwilioSignature signature = new TwilioSignature(URI.create("wss://voice:s3cret-pw@voice.example.com/twilio"), List.of("tok"));
        assertThat(signature.url()).isEqualTo("wss://voice.example.com/twilio").doesNotContain("s3cret-pw");
    }
}
