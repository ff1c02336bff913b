package io.rtvoice.audio.webrtc;

import io.rtvoice.testing.ApiSignature;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The exported API against the recorded baseline ({@code api-baseline.txt}): a break fails the build. */
class ApiBaselineTest {

    @Test
    void apiIsCompatibleWithTheBaseline() throws IOException {
        ApiSignature.checkModule(WebRtcAudio.class);
    }
}
