package io.rtvoice.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.testing.RecordingTransport;
import io.rtvoice.transport.websocket.WebSocketTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The gateway's SIP, message by message, from a caller written in the test: the answers RFC 3261 asks for. */
class SipSignallingTest {

    private RealtimeEmulator emulator;
    private SipGateway gateway;
    private RecordingTransport upstream;
    private DatagramSocket caller;
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        emulator = RealtimeEmulator.builder().start();
        gateway = gateway(b -> b);
        caller = new DatagramSocket(0);
        caller.setSoTimeout(10_000);
    }

    /** A gateway on the emulator, its sessions recorded in {@link #upstream}; the test's default policy unless overridden. */
    private SipGateway gateway(UnaryOperator<SipGateway.Builder> options) {
        upstream = new RecordingTransport(WebSocketTransport.create());
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey("sk-any")).transport(upstream).build();
        SipGateway g = options.apply(SipGateway.builder().client(client).sipPort(0)
                .policy(call -> call.from().contains("sip:blocked@") ? CallDecision.reject(403, "Forbidden") : CallDecision.answer()))
                .start();
        g.events().subscribe(events::add);
        return g;
    }

    /** This test's gateway replaced by one with {@code options}. */
    private void restart(UnaryOperator<SipGateway.Builder> options) {
        gateway.close();
        events.clear();
        gateway = gateway(options);
    }

    private <T extends CallEvent> T await(Class<T> type) {
        Flux.interval(Duration.ofMillis(10)).filter(t -> events.stream().anyMatch(type::isInstance)).blockFirst(Duration.ofSeconds(20));
        return events.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    /** The next request the gateway sends the caller, skipping any answers. */
    private String receiveRequest() throws Exception {
        while (true) {
            String text = receive(true);
            if (!text.startsWith("SIP/2.0 ")) {
                return text;
            }
        }
    }

    /** The caller's 200 for a request of the gateway's. */
    private void ok(String request) throws Exception {
        StringBuilder s = new StringBuilder("SIP/2.0 200 OK\n");
        request.lines().filter(l -> l.matches("(?i)(Via|From|To|Call-ID|CSeq):.*")).forEach(l -> s.append(l).append('\n'));
        send(s.append("Content-Length: 0\n\n").toString());
    }

    /** An INVITE answered and acknowledged: the gateway's To tag. */
    private String answeredCall(String callId, String sdp) throws Exception {
        send(request("INVITE", callId, "z9hG4bK-" + callId, "sip:caller@127.0.0.1", null, 1, sdp));
        String ok = receive(false);
        assertThat(ok).startsWith("SIP/2.0 200 OK");
        String tag = toTag(ok);
        send(request("ACK", callId, "z9hG4bK-ack-" + callId, "sip:caller@127.0.0.1", tag, 1, ""));
        await(CallEvent.Answered.class);
        return tag;
    }

    @AfterEach
    void stop() {
        caller.close();
        gateway.close();
        emulator.close();
    }

    private void send(String message) throws Exception {
        byte[] bytes = message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        caller.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", gateway.sipAddress().getPort())));
    }

    /** The next answer whose status line is not a 1xx one, unless {@code provisional}. */
    private String receive(boolean provisional) throws Exception {
        while (true) {
            byte[] buffer = new byte[8192];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            caller.receive(packet);
            String text = new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
            if (provisional || !text.startsWith("SIP/2.0 1")) {
                return text;
            }
        }
    }

    private String request(String method, String callId, String branch, String from, String toTag, long cseq, String body) {
        return method + " sip:agent@127.0.0.1 SIP/2.0\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=" + branch + "\n"
                + "From: <" + from + ">;tag=c1\n"
                + "To: <sip:agent@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\n"
                + "Call-ID: " + callId + "\nCSeq: " + cseq + " " + method + "\n"
                + "Contact: <sip:caller@127.0.0.1:" + caller.getLocalPort() + ">\nMax-Forwards: 70\n"
                + (body.isEmpty() ? "" : "Content-Type: application/sdp\n") + "Content-Length: " + body.replace("\n", "\r\n").length()
                + "\n\n" + body;
    }

    private static String offer(String formats) {
        return "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 49170 RTP/AVP " + formats + "\n";
    }

    private static String toTag(String response) {
        return response.lines().filter(l -> l.startsWith("To:")).findFirst().orElseThrow().replaceAll(".*;tag=", "").trim();
    }

    @Test
    void optionsAnswersWhatItAllowsAndOtherMethodsGet405() throws Exception {
        send(request("OPTIONS", "o-1", "z9hG4bK-o1", "sip:caller@127.0.0.1", null, 1, ""));
        String ok = receive(false);
        assertThat(ok).startsWith("SIP/2.0 200 OK").contains("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO", "Accept: application/sdp");
        send(request("REGISTER", "r-1", "z9hG4bK-r1", "sip:caller@127.0.0.1", null, 1, ""));
        assertThat(receive(false)).startsWith("SIP/2.0 405 Method Not Allowed").contains("Allow: INVITE");
    }

    @Test
    void aCallIsAnsweredRetransmissionsGetTheSameAnswerAReInviteIsRefusedAndByeEndsIt() throws Exception {
        String invite = request("INVITE", "call-1", "z9hG4bK-i1", "sip:caller@127.0.0.1", null, 1, offer("8 0 101\na=rtpmap:101 telephone-event/8000"));
        send(invite);
        assertThat(receive(true)).startsWith("SIP/2.0 100 Trying");
        String ok = receive(false);
        assertThat(ok).startsWith("SIP/2.0 200 OK").contains("Content-Type: application/sdp", "RTP/AVP 8 101", "a=rtpmap:8 PCMA/8000");
        String tag = toTag(ok);
        send(invite); // the INVITE again, as if our ACK's 200 had been lost: the same 200
        assertThat(receive(false)).startsWith("SIP/2.0 200 OK").contains(";tag=" + tag);
        send(request("ACK", "call-1", "z9hG4bK-a1", "sip:caller@127.0.0.1", tag, 1, ""));
        Flux.interval(Duration.ofMillis(10)).filter(t -> events.stream().anyMatch(CallEvent.Answered.class::isInstance))
                .blockFirst(Duration.ofSeconds(10));

        send(request("INVITE", "call-1", "z9hG4bK-i2", "sip:caller@127.0.0.1", tag, 2, offer("0")));
        assertThat(receive(false)).startsWith("SIP/2.0 488 Not Acceptable Here").contains("Warning: 399 rtvoice");
        send(request("ACK", "call-1", "z9hG4bK-i2", "sip:caller@127.0.0.1", tag, 2, ""));

        send(request("BYE", "call-1", "z9hG4bK-b1", "sip:caller@127.0.0.1", tag, 3, ""));
        assertThat(receive(false)).startsWith("SIP/2.0 200 OK").contains("CSeq: 3 BYE");
        Flux.interval(Duration.ofMillis(10)).filter(t -> events.stream().anyMatch(CallEvent.HungUp.class::isInstance))
                .blockFirst(Duration.ofSeconds(10));
        assertThat(events).filteredOn(CallEvent.HungUp.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((CallEvent.HungUp) e).by()).isEqualTo("caller"));
    }

    @Test
    void thePolicyAndTheOfferDecideWhatIsRefused() throws Exception {
        send(request("INVITE", "call-2", "z9hG4bK-p1", "sip:blocked@127.0.0.1", null, 1, offer("0")));
        assertThat(receive(false)).startsWith("SIP/2.0 403 Forbidden");
        send(request("ACK", "call-2", "z9hG4bK-p1", "sip:blocked@127.0.0.1", null, 1, ""));
        send(request("INVITE", "call-3", "z9hG4bK-p2", "sip:caller@127.0.0.1", null, 1, offer("9 18")));
        assertThat(receive(false)).startsWith("SIP/2.0 488 Not Acceptable Here");
        Flux.interval(Duration.ofMillis(10)).filter(t -> events.stream().filter(CallEvent.Rejected.class::isInstance).count() >= 2)
                .blockFirst(Duration.ofSeconds(10));
        assertThat(events).filteredOn(CallEvent.Rejected.class::isInstance).extracting(e -> ((CallEvent.Rejected) e).status())
                .containsExactly(403, 488);
        assertThat(gateway.activeCalls()).isZero();
    }

    @Test
    void closingTwiceIsHarmless() {
        gateway.closeGracefully().block(Duration.ofSeconds(10));
        gateway.closeGracefully().block(Duration.ofSeconds(10));
        gateway.close();
    }

    @Test
    void aCallerThatSendsNoMediaIsHungUpAndItsSlotFreed() throws Exception {
        restart(b -> b.mediaTimeout(Duration.ofMillis(1_500)).maxCalls(1));
        answeredCall("silent-1", offer("0"));
        // No RTP and no BYE from the caller (it vanished): the gateway hangs up.
        String bye = receiveRequest();
        assertThat(bye).startsWith("BYE sip:caller@127.0.0.1:" + caller.getLocalPort()).contains("Call-ID: silent-1");
        ok(bye);
        CallEvent.HungUp end = await(CallEvent.HungUp.class);
        assertThat(end.by()).isEqualTo("gateway");
        assertThat(end.reason()).isEqualTo("no media for 1500 ms");
        assertThat(upstream.connections.get(0).closeStatus().block(Duration.ofSeconds(20)).code()).isEqualTo(1000);
        assertThat(gateway.activeCalls()).isZero();
        // The slot is free again: with a limit of one call, the next is answered.
        events.clear();
        answeredCall("silent-2", offer("0"));
    }

    @Test
    void aCallIsHungUpAtItsLongestDuration() throws Exception {
        restart(b -> b.maxCallDuration(Duration.ofSeconds(1)));
        answeredCall("long-1", offer("0"));
        String bye = receiveRequest();
        assertThat(bye).startsWith("BYE ").contains("Call-ID: long-1");
        ok(bye);
        CallEvent.HungUp end = await(CallEvent.HungUp.class);
        assertThat(end.by()).isEqualTo("gateway");
        assertThat(end.reason()).contains("longest duration (1 s)");
    }

    @Test
    void aByeOfAnotherDialogGets481AndAByeWhileRingingEndsTheInviteWith487() throws Exception {
        restart(b -> b.policy(call -> CallDecision.answer().afterRinging(Duration.ofSeconds(20))));
        send(request("INVITE", "early-1", "z9hG4bK-e1", "sip:caller@127.0.0.1", null, 1, offer("0")));
        String ringing;
        do {
            ringing = receive(true);
        } while (!ringing.startsWith("SIP/2.0 180"));
        String tag = toTag(ringing);
        send(request("BYE", "early-1", "z9hG4bK-e2", "sip:caller@127.0.0.1", "not-" + tag, 2, ""));
        assertThat(receive(false)).startsWith("SIP/2.0 481 ").contains("CSeq: 2 BYE");
        send(request("BYE", "early-1", "z9hG4bK-e3", "sip:caller@127.0.0.1", tag, 3, "").replace(";tag=c1", ";tag=c2"));
        assertThat(receive(false)).startsWith("SIP/2.0 481 ").contains("CSeq: 3 BYE");
        assertThat(gateway.activeCalls()).isEqualTo(1);

        send(request("BYE", "early-1", "z9hG4bK-e4", "sip:caller@127.0.0.1", tag, 4, ""));
        assertThat(receive(false)).startsWith("SIP/2.0 200 OK").contains("CSeq: 4 BYE");
        String terminated = receive(false);
        assertThat(terminated).startsWith("SIP/2.0 487 Request Terminated").contains("CSeq: 1 INVITE", ";tag=" + tag);
        // Until its ACK, the 487 is repeated (the INVITE's transaction); the ACK stops it.
        assertThat(receive(false)).startsWith("SIP/2.0 487 Request Terminated");
        send(request("ACK", "early-1", "z9hG4bK-e1", "sip:caller@127.0.0.1", tag, 1, ""));
        CallEvent.HungUp end = await(CallEvent.HungUp.class);
        assertThat(end.by()).isEqualTo("caller");
        assertThat(upstream.connections).as("no session for a call never answered").isEmpty();
        assertThat(gateway.activeCalls()).isZero();
    }

    @Test
    void anOfferWithAudioAndVideoIsAnsweredWithTheVideoRejected() throws Exception {
        String sdp = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
                + "m=audio 49170 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\na=sendrecv\n"
                + "m=video 49172 RTP/AVP 96\na=rtpmap:96 VP8/90000\n";
        send(request("INVITE", "av-1", "z9hG4bK-av1", "sip:caller@127.0.0.1", null, 1, sdp));
        String ok = receive(false);
        assertThat(ok).startsWith("SIP/2.0 200 OK");
        List<String> mLines = ok.lines().filter(l -> l.startsWith("m=")).toList();
        assertThat(mLines).hasSize(2);
        assertThat(mLines.get(0)).matches("m=audio [1-9][0-9]* RTP/AVP 0 101");
        assertThat(mLines.get(1)).isEqualTo("m=video 0 RTP/AVP 96");
        send(request("ACK", "av-1", "z9hG4bK-av2", "sip:caller@127.0.0.1", toTag(ok), 1, ""));
        await(CallEvent.Answered.class);
    }

    @Test
    void behindRecordRoutingProxiesTheAnswerKeepsTheRouteAndTheGatewaysByeFollowsIt() throws Exception {
        // Two proxies record-routed the INVITE; the nearer one is the test's socket, so the BYE comes back here.
        String near = "<sip:127.0.0.1:" + caller.getLocalPort() + ";lr;ftag=c1>";
        String far = "<sip:10.255.0.1;lr>";
        String invite = request("INVITE", "rr-1", "z9hG4bK-rr1", "sip:caller@127.0.0.1", null, 1, offer("0"))
                .replace("Max-Forwards: 70\n", "Max-Forwards: 70\nRecord-Route: " + near + "\nRecord-Route: " + far + "\n");
        send(invite);
        String ok = receive(false);
        assertThat(ok).startsWith("SIP/2.0 200 OK");
        assertThat(ok.lines().filter(l -> l.startsWith("Record-Route:")).toList())
                .containsExactly("Record-Route: " + near, "Record-Route: " + far);
        send(request("ACK", "rr-1", "z9hG4bK-rr2", "sip:caller@127.0.0.1", toTag(ok), 1, ""));
        await(CallEvent.Answered.class);

        gateway.hangUp("rr-1").subscribe();
        String bye = receiveRequest();
        // Loose routing: the Request-URI is the caller's Contact, the route set rides in Route headers, in order.
        assertThat(bye).startsWith("BYE sip:caller@127.0.0.1:" + caller.getLocalPort() + " SIP/2.0");
        assertThat(bye.lines().filter(l -> l.startsWith("Route:")).toList()).containsExactly("Route: " + near, "Route: " + far);
        ok(bye);
        assertThat(await(CallEvent.HungUp.class).by()).isEqualTo("gateway");
    }

    @Test
    void theCallsRtpGoesWhereTheCallersRtpComesFrom() throws Exception {
        // A caller behind NAT: its SDP names one port, its packets come from another.
        try (DatagramSocket named = new DatagramSocket(0); DatagramSocket sending = new DatagramSocket(0)) {
            sending.setSoTimeout(10_000);
            String sdp = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
                    + "m=audio " + named.getLocalPort() + " RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\n";
            answeredCall("nat-1", sdp);
            CallEvent.Answered answered = await(CallEvent.Answered.class);
            byte[] key = new io.rtvoice.telephony.internal.RtpPacket(101, true, 7, 800, 42, new byte[] {5, (byte) 0x8A, 0, (byte) 160}).encode();
            sending.send(new DatagramPacket(key, key.length, new InetSocketAddress("127.0.0.1", answered.rtp().getPort())));
            assertThat(await(CallEvent.Dtmf.class).digit()).isEqualTo('5'); // the packet was taken: the source is latched

            assertThat(gateway.sendDtmf("nat-1", "1")).isTrue();
            assertThat(nextEvent(sending).payload()[0]).isEqualTo((byte) 1);

            // Another source on the same host, while the latched one still sends: refused, and it takes nothing.
            try (DatagramSocket other = new DatagramSocket(0)) {
                other.setSoTimeout(10_000);
                InetSocketAddress rtp = new InetSocketAddress("127.0.0.1", answered.rtp().getPort());
                long latchedLastSent = System.nanoTime();
                sending.send(new DatagramPacket(key(6, 1_600), 16, rtp));
                other.send(new DatagramPacket(key(9, 2_400), 16, rtp));
                sending.send(new DatagramPacket(key(3, 3_200), 16, rtp)); // after the other's, on the same socket
                Flux.interval(Duration.ofMillis(10)).filter(t -> events.stream()
                        .anyMatch(e -> e instanceof CallEvent.Dtmf d && d.digit() == '3')).blockFirst(Duration.ofSeconds(10));
                assertThat(events).filteredOn(CallEvent.Dtmf.class::isInstance).map(e -> ((CallEvent.Dtmf) e).digit())
                        .containsExactly('5', '6', '3');
                latchedLastSent = System.nanoTime();

                // Once the latched source has been silent a while (a NAT that rebound), the other takes its place.
                long sentAt = latchedLastSent;
                long[] taken = new long[1];
                Flux.interval(Duration.ofMillis(100)).map(t -> {
                    try {
                        other.send(new DatagramPacket(key(9, 4_000 + 800 * t.intValue()), 16, rtp));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return t;
                }).filter(t -> events.stream().anyMatch(e -> e instanceof CallEvent.Dtmf d && d.digit() == '9'))
                        .doOnNext(t -> taken[0] = System.nanoTime()).blockFirst(Duration.ofSeconds(10));
                assertThat(Duration.ofNanos(taken[0] - sentAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
                assertThat(gateway.sendDtmf("nat-1", "2")).isTrue();
                assertThat(nextEvent(other).payload()[0]).isEqualTo((byte) 2);
            }
        }
    }

    /** An RFC 4733 end packet for {@code digit}, at {@code timestamp} (each key its own). */
    private static byte[] key(int digit, long timestamp) {
        return new io.rtvoice.telephony.internal.RtpPacket(101, true, (int) (timestamp / 160), timestamp, 42,
                new byte[] {(byte) digit, (byte) 0x8A, 0, (byte) 160}).encode();
    }

    /** The next telephone-event packet {@code socket} receives. */
    private static io.rtvoice.telephony.internal.RtpPacket nextEvent(DatagramSocket socket) throws Exception {
        io.rtvoice.telephony.internal.RtpPacket event;
        do {
            byte[] buffer = new byte[2048];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            event = io.rtvoice.telephony.internal.RtpPacket.parse(buffer, packet.getLength());
        } while (event == null || event.payloadType() != 101);
        return event;
    }
}
