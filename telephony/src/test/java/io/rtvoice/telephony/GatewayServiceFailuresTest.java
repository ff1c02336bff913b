package io.rtvoice.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.Faults;
import io.rtvoice.emulator.RealtimeEmulator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** When the service fails the call: before the answer the caller gets 503; during it, a BYE. */
class GatewayServiceFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static SipGateway gateway(RealtimeEmulator emulator, String key, List<CallEvent> events) {
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(key)).build();
        // SIPp sends its RTP from its media port while its SDP names the test's listener: an asymmetric caller.
        SipGateway gateway = SipGateway.builder().client(client).sipPort(0).symmetricRtp(false).start();
        gateway.events().subscribe(events::add);
        return gateway;
    }

    private static CallEvent.HungUp hungUp(List<CallEvent> events) {
        Flux.interval(Duration.ofMillis(10)).filter(t -> events.stream().anyMatch(CallEvent.HungUp.class::isInstance)).blockFirst(WAIT);
        return events.stream().filter(CallEvent.HungUp.class::isInstance).map(CallEvent.HungUp.class::cast).findFirst().orElseThrow();
    }

    @Test
    void aSessionThatCannotStartGets503() throws Exception {
        List<CallEvent> events = new CopyOnWriteArrayList<>();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey("sk-the-right-key").start();
             SipGateway gateway = gateway(emulator, "sk-a-wrong-key", events)) {
            Sipp.Run run = Sipp.in(dir).call("unavailable", Sipp.scenario(Sipp.freeUdpPort(), Sipp.refused(503)),
                    gateway.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            assertThat(run.await(60)).as(run::output).isZero();
            CallEvent.HungUp end = hungUp(events);
            assertThat(end.by()).isEqualTo("service");
            assertThat(end.toString()).doesNotContain("sk-a-wrong-key");
            assertThat(gateway.activeCalls()).isZero();
        }
    }

    @Test
    void aSessionThatEndsDuringTheCallHangsUpWithABye() throws Exception {
        List<CallEvent> events = new CopyOnWriteArrayList<>();
        // The emulator drops each connection after 4 events: the call is answered, the caller speaks (speech_started is
        // the third event), then the service goes away.
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().faults(Faults.parse("close_after:4")).start();
             SipGateway gateway = gateway(emulator, "sk-any", events);
             RtpListener ear = new RtpListener()) {
            Path tone = dir.resolve("tone.ulaw");
            java.nio.file.Files.write(tone, io.rtvoice.audio.G711.encodeMuLaw(io.rtvoice.audio.testing.Signals.tone(300, 8_000, 0.4, 2.0)));
            Sipp.Run run = Sipp.in(dir).call("service-gone", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK
                    + Sipp.play(tone, 0, 0) + Sipp.AWAIT_BYE),
                    gateway.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            assertThat(run.await(60)).as(() -> run.output() + "\nevents: " + events).isZero();
            assertThat(hungUp(events).by()).isEqualTo("service");
        }
    }

    @Test
    void the503OfASessionThatCannotStartIsRepeatedUntilItsAckAndTheCallEndsOnce() throws Exception {
        List<CallEvent> events = new CopyOnWriteArrayList<>();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey("sk-the-right-key").start();
             SipGateway gateway = gateway(emulator, "sk-a-wrong-key", events);
             DatagramSocket caller = new DatagramSocket(0)) {
            caller.setSoTimeout(10_000);
            InetSocketAddress sip = new InetSocketAddress("127.0.0.1", gateway.sipAddress().getPort());
            String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n";
            String head = "sip:agent@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK-u1\r\n"
                    + "From: <sip:caller@127.0.0.1>;tag=c1\r\nCall-ID: unavailable-1\r\nMax-Forwards: 70\r\n";
            send(caller, sip, "INVITE " + head + "To: <sip:agent@127.0.0.1>\r\nCSeq: 1 INVITE\r\n"
                    + "Contact: <sip:caller@127.0.0.1:" + caller.getLocalPort() + ">\r\nContent-Type: application/sdp\r\n"
                    + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp);
            String first = receiveFinal(caller);
            assertThat(first).startsWith("SIP/2.0 503 Service Unavailable");
            // No ACK yet: the 503 comes again (timer G) ...
            assertThat(receiveFinal(caller)).startsWith("SIP/2.0 503 Service Unavailable");
            String tag = first.lines().filter(l -> l.startsWith("To:")).findFirst().orElseThrow().replaceAll(".*;tag=", "").trim();
            send(caller, sip, "ACK " + head + "To: <sip:agent@127.0.0.1>;tag=" + tag + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
            // ... and stops with the ACK. One more may cross the ACK on a busy machine; then nothing within the next
            // interval (2 s by then), where an ignored ACK would bring the fourth.
            caller.setSoTimeout(2_500);
            int more = 0;
            try {
                while (more < 2) {
                    receiveFinal(caller);
                    more++;
                }
            } catch (SocketTimeoutException quiet) {
                // the retransmissions have stopped
            }
            assertThat(more).as("503s after the ACK").isLessThanOrEqualTo(1);
            CallEvent.HungUp end = hungUp(events);
            assertThat(end.by()).isEqualTo("service");
            assertThat(events).as("one terminal event").noneMatch(CallEvent.Rejected.class::isInstance)
                    .filteredOn(CallEvent.HungUp.class::isInstance).hasSize(1);
            assertThat(gateway.activeCalls()).isZero();
        }
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    /** The next answer that is not provisional. */
    private static String receiveFinal(DatagramSocket socket) throws Exception {
        while (true) {
            byte[] buffer = new byte[8192];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            String text = new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
            if (!text.startsWith("SIP/2.0 1")) {
                return text;
            }
        }
    }
}
