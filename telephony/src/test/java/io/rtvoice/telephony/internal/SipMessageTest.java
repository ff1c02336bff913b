package io.rtvoice.telephony.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SIP messages as callers send them: compact forms, lists, folding, bodies; and what is refused. */
class SipMessageTest {

    private static final String INVITE = "INVITE sip:agent@127.0.0.1:5070 SIP/2.0\r\n"
            + "v: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;rport, SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-0\r\n"
            + "f: \"Caller, Esq.\" <sip:caller@127.0.0.1:5061>;tag=abc\r\n"
            + "t: <sip:agent@127.0.0.1:5070>\r\n"
            + "i: call-1@127.0.0.1\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "m: <sip:caller@127.0.0.1:5061>\r\n"
            + "Subject: a long\r\n  folded subject\r\n"
            + "c: application/sdp\r\n"
            + "l: 4\r\n\r\n"
            + "v=0\r";

    private static SipMessage parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(bytes, bytes.length);
    }

    @Test
    void aRequestWithCompactFormsListsAndFoldingIsRead() {
        SipMessage m = parse(INVITE);
        assertThat(m.isRequest()).isTrue();
        assertThat(m.method()).isEqualTo("INVITE");
        assertThat(m.all("Via")).hasSize(2);
        assertThat(m.branch()).isEqualTo("z9hG4bK-1");
        assertThat(SipMessage.tag(m.header("From"))).isEqualTo("abc");
        assertThat(SipMessage.tag(m.header("To"))).isNull();
        assertThat(m.header("call-id")).isEqualTo("call-1@127.0.0.1");
        assertThat(m.cseqNumber()).isEqualTo(1);
        assertThat(m.cseqMethod()).isEqualTo("INVITE");
        assertThat(m.header("Subject")).isEqualTo("a long folded subject");
        assertThat(SipMessage.uri(m.header("Contact"))).isEqualTo("sip:caller@127.0.0.1:5061");
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("v=0\r");
    }

    @Test
    void aResponseCopiesTheTransactionsHeadersAndTagsTheTo() {
        SipMessage ok = SipMessage.response(parse(INVITE), 200, "OK", "gw1");
        SipMessage back = parse(new String(ok.encode(), StandardCharsets.UTF_8));
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.all("Via")).containsExactly("SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;rport",
                "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-0");
        assertThat(SipMessage.tag(back.header("To"))).isEqualTo("gw1");
        assertThat(back.header("From")).contains("tag=abc");
        assertThat(back.header("Content-Length")).isEqualTo("0");
    }

    @Test
    void whatCannotBeAnsweredIsRefusedWithItsReason() {
        assertThatThrownBy(() -> parse("hello")).isInstanceOf(SipParseException.class).hasMessageContaining("blank line");
        assertThatThrownBy(() -> parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).hasMessageContaining("bad request line");
        assertThatThrownBy(() -> parse(INVITE.replace("i: call-1@127.0.0.1\r\n", ""))).hasMessageContaining("missing Call-ID");
        SipParseException tooLong = (SipParseException) org.assertj.core.api.Assertions.catchThrowable(
                () -> parse(INVITE.replace("l: 4", "l: 400")));
        assertThat(tooLong).hasMessageContaining("Content-Length 400 but 4 bytes");
        assertThat(tooLong.partial()).as("enough to answer 400").isNotNull();
        assertThat(tooLong.partial().header("Call-ID")).isEqualTo("call-1@127.0.0.1");
        assertThatThrownBy(() -> parse("SIP/2.0 99 Odd\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 X\r\n\r\n"))
                .hasMessageContaining("bad status code");
    }

    @Test
    void aResponseThatMakesTheDialogCopiesTheRecordRouteInOrder() {
        SipMessage invite = parse(INVITE.replace("CSeq: 1 INVITE\r\n",
                "CSeq: 1 INVITE\r\nRecord-Route: <sip:10.0.0.2;lr;ftag=x>, <sip:10.0.0.3:5070;lr>\r\nrecord-route: <sip:p3.example;lr>\r\n"));
        SipMessage ok = parse(new String(SipMessage.dialogResponse(invite, 200, "OK", "gw1").encode(), StandardCharsets.UTF_8));
        assertThat(ok.all("Record-Route")).containsExactly("<sip:10.0.0.2;lr;ftag=x>", "<sip:10.0.0.3:5070;lr>", "<sip:p3.example;lr>");
        assertThat(SipMessage.response(invite, 486, "Busy Here", "gw1").all("Record-Route")).isEmpty();
        assertThat(SipMessage.address("sip:10.0.0.3:5070;lr")).isEqualTo(new java.net.InetSocketAddress("10.0.0.3", 5070));
        assertThat(SipMessage.address("sip:proxy@10.0.0.2;lr")).isEqualTo(new java.net.InetSocketAddress("10.0.0.2", 5060));
        assertThat(SipMessage.address("sip:p3.example;lr")).as("a name is not resolved").isNull();
    }
}
