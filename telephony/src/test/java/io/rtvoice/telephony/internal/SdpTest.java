package io.rtvoice.telephony.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Offer/answer: the caller's preferred G.711 law, telephone-event when offered, and offers refused with a reason. */
class SdpTest {

    private static Sdp offer(String sdp) {
        return Sdp.parseOffer(sdp.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theCallersFirstG711IsChosenWithTelephoneEvent() {
        Sdp sdp = offer("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 6000 RTP/AVP 18 8 0 96\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\n");
        assertThat(sdp.payloadType()).isEqualTo(Sdp.PCMA);
        assertThat(sdp.telephoneEvent()).isEqualTo(96);
        assertThat(sdp.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 6000));
        String answer = new String(sdp.answer(new InetSocketAddress("127.0.0.1", 7000), 42), StandardCharsets.US_ASCII);
        assertThat(answer).contains("m=audio 7000 RTP/AVP 8 96\r\n", "a=rtpmap:8 PCMA/8000", "a=rtpmap:96 telephone-event/8000",
                "a=ptime:20", "c=IN IP4 127.0.0.1");
    }

    @Test
    void aMediaLevelAddressWinsAndNoTelephoneEventMeansNone() {
        Sdp sdp = offer("v=0\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 127.0.0.2\r\n");
        assertThat(sdp.address()).isEqualTo(new InetSocketAddress("127.0.0.2", 4000));
        assertThat(sdp.telephoneEvent()).isEqualTo(-1);
        assertThat(new String(sdp.answer(new InetSocketAddress("127.0.0.1", 7000), 1), StandardCharsets.US_ASCII))
                .contains("m=audio 7000 RTP/AVP 0\r\n").doesNotContain("telephone-event");
    }

    @Test
    void offersWithoutG711OrAudioOrAnAddressAreRefused() {
        assertThatThrownBy(() -> offer("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 9 18\r\n"))
                .hasMessage("no PCMU or PCMA offered");
        assertThatThrownBy(() -> offer("v=0\r\nc=IN IP4 127.0.0.1\r\nm=video 4000 RTP/AVP 96\r\n"))
                .hasMessage("no audio stream offered");
        assertThatThrownBy(() -> offer("v=0\r\nc=IN IP4 caller.example\r\nm=audio 4000 RTP/AVP 0\r\n"))
                .hasMessageContaining("IPv4 address");
    }

    @Test
    void everyOfferedStreamIsAnsweredInItsPlaceAndAllButTheAudioRejected() {
        Sdp sdp = offer("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=video 5006 RTP/AVP 96 97\r\na=rtpmap:96 H264/90000\r\n"
                + "m=audio 5004/2 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "m=application 5008 UDP/BFCP *\r\n");
        assertThat(sdp.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 5004)); // port/count: the first port
        String answer = new String(sdp.answer(new InetSocketAddress("127.0.0.1", 7000), 1), StandardCharsets.US_ASCII);
        assertThat(answer.lines().filter(l -> l.startsWith("m=")).toList())
                .containsExactly("m=video 0 RTP/AVP 96 97", "m=audio 7000 RTP/AVP 0 101", "m=application 0 UDP/BFCP *");
    }

    @Test
    void theDirectionIsAnsweredFromTheOtherEnd() {
        String base = "v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
        for (String[] pair : new String[][] {{"sendonly", "recvonly"}, {"recvonly", "sendonly"}, {"inactive", "inactive"},
                {"sendrecv", "sendrecv"}}) {
            Sdp media = offer(base + "m=audio 4000 RTP/AVP 0\r\na=" + pair[0] + "\r\n");
            Sdp session = offer(base + "a=" + pair[0] + "\r\nm=audio 4000 RTP/AVP 0\r\n");
            for (Sdp sdp : new Sdp[] {media, session}) {
                assertThat(new String(sdp.answer(new InetSocketAddress("127.0.0.1", 7000), 1), StandardCharsets.US_ASCII))
                        .as(pair[0]).contains("a=" + pair[1] + "\r\n").doesNotContain("a=" + otherThan(pair[1]));
                assertThat(sdp.sends()).as(pair[0]).isEqualTo(pair[1].startsWith("send"));
            }
        }
        assertThat(offer(base + "m=audio 4000 RTP/AVP 0\r\n").answerDirection()).isEqualTo("sendrecv");
    }

    private static String otherThan(String direction) {
        return direction.equals("sendrecv") ? "inactive" : "sendrecv";
    }
}
