package io.rtvoice.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.LevelDetector;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.testing.RecordingTransport;
import io.rtvoice.transport.websocket.WebSocketTransport;
import io.rtvoice.voice.LocalVad;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Calls from SIPp, a real SIP caller, to the gateway on the emulator: it dials, speaks espeak-ng speech as PCMU RTP,
 * and what the gateway sends back is recorded by the test's RTP listener (the port the caller's SDP names).
 */
class GatewayCallsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STORY = " Let me tell you a long story about the weather in many cities, one after the other,"
            + " slowly and in detail, so that there is plenty of time to interrupt me.";

    @TempDir
    Path dir;
    private RealtimeEmulator emulator;
    private RecordingTransport upstream;
    private SipGateway gateway;
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        Responder standard = Responder.standard();
        emulator = RealtimeEmulator.builder().responder(turn -> standard.reply(turn) instanceof Responder.Reply.Speech s
                ? new Responder.Reply.Speech(s.transcript() + STORY) : standard.reply(turn)).pace(4).start();
        upstream = new RecordingTransport(WebSocketTransport.create());
    }

    private SipGateway gateway(UnaryOperator<SipGateway.Builder> options) {
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey("sk-sip-test-key")).transport(upstream).build();
        // SIPp sends its RTP from its media port while its SDP names the test's listener: an asymmetric caller.
        gateway = options.apply(SipGateway.builder().client(client).sipPort(0).symmetricRtp(false)).start();
        gateway.events().subscribe(events::add);
        return gateway;
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        emulator.close();
    }

    @SuppressWarnings("unchecked")
    private <T extends CallEvent> T await(Class<T> type, Predicate<T> which) {
        Flux.interval(Duration.ofMillis(10)).filter(t -> events.stream().anyMatch(e -> type.isInstance(e) && which.test((T) e)))
                .blockFirst(WAIT);
        return (T) events.stream().filter(e -> type.isInstance(e) && which.test((T) e)).findFirst().orElseThrow();
    }

    private <T extends CallEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** espeak-ng saying {@code text}, as 8 kHz μ-law. */
    private short[] speech(String text) throws Exception {
        Wav.Audio audio = Signals.speech(text, dir.resolve(Integer.toHexString(text.hashCode()) + ".wav"));
        return Resampler.convert(Pcm.toShorts(audio.data()), audio.format().sampleRate(), 8_000);
    }

    private Path ulaw(String name, short[]... parts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (short[] part : parts) {
            out.writeBytes(G711.encodeMuLaw(part));
        }
        Path file = dir.resolve(name + ".ulaw");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static short[] silence(double seconds) {
        return new short[(int) (seconds * 8_000)];
    }

    /** The normalised cross-correlation's peak of {@code needle} in {@code haystack}, over every lag. */
    private static double bestCorrelation(short[] haystack, short[] needle) {
        double needleEnergy = 0;
        for (short s : needle) {
            needleEnergy += (double) s * s;
        }
        double best = 0;
        for (int lag = 0; lag + needle.length <= haystack.length; lag += 1) {
            double dot = 0;
            double energy = 0;
            for (int i = 0; i < needle.length; i++) {
                dot += (double) haystack[lag + i] * needle[i];
                energy += (double) haystack[lag + i] * haystack[lag + i];
            }
            if (energy > 0) {
                best = Math.max(best, dot / Math.sqrt(energy * needleEnergy));
            }
        }
        return best;
    }

    @Test
    void aCallIsAnsweredAndWhatTheCallerHearsIsTheEmulatorsVoice() throws Exception {
        SipGateway g = gateway(b -> b);
        Sipp sipp = Sipp.in(dir);
        try (RtpListener ear = new RtpListener()) {
            Path said = ulaw("said", silence(0.3), speech("What is the weather like in Paris today?"), silence(1));
            Sipp.Run run = sipp.call("call", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK + Sipp.play(said, 0, 7_000) + Sipp.BYE),
                    g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            assertThat(run.await(60)).as(run::output).isZero();

            CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
            assertThat(hungUp.by()).isEqualTo("caller");
            // The caller's BYE ends the other leg too: the Realtime session is closed normally.
            assertThat(upstream.connections.get(0).closeStatus().block(WAIT).code()).isEqualTo(1000);
            assertThat(g.activeCalls()).isZero();
            assertThat(hungUp.metrics().packetsIn()).isGreaterThan(100);
            assertThat(hungUp.metrics().turns()).isGreaterThanOrEqualTo(1);
            assertThat(all(CallEvent.Ringing.class)).singleElement().satisfies(r -> assertThat(r.call().codec()).isEqualTo("PCMU"));
            assertThat(all(CallEvent.Answered.class)).hasSize(1);

            // G.711 both ways, as negotiated: the appends were μ-law at 8 kHz.
            assertThat(upstream.sent("session.update").get(0).path("session").path("audio").path("input").path("format")
                    .path("type").asText()).isEqualTo("audio/pcmu");
            // What the caller heard is the emulator's voice saying its answer.
            JsonNode done = upstream.received("response.output_audio_transcript.done").get(0);
            short[] voice = Resampler.convert(Pcm.toShorts(SyntheticVoice.speak(done.path("transcript").asText())), 24_000, 8_000);
            short[] heard = ear.audio();
            short[] firstSecond = java.util.Arrays.copyOfRange(voice, 0, 8_000);
            double correlation = bestCorrelation(heard, firstSecond);
            System.out.printf("sip: %d packets heard, the answer's first second found at correlation %.3f%n", ear.packets.size(), correlation);
            assertThat(correlation).isGreaterThan(0.9);
            // 20 ms packets, in sequence.
            List<RtpListener.Received> audio = ear.packets.stream().filter(p -> p.payloadType() == 0).toList();
            for (int i = 1; i < audio.size(); i++) {
                assertThat(audio.get(i).sequence()).isEqualTo((audio.get(i - 1).sequence() + 1) & 0xFFFF);
                assertThat(audio.get(i).timestamp() - audio.get(i - 1).timestamp()).isEqualTo(160);
            }
        }
    }

    @Test
    void aSecondUtteranceBargesInAndTheTruncateIsTheAudioSentAsRtp() throws Exception {
        SipGateway g = gateway(b -> b);
        Sipp sipp = Sipp.in(dir);
        try (RtpListener ear = new RtpListener()) {
            Path said = ulaw("said", silence(0.3), speech("What is the weather like in Paris today?"), silence(3.0),
                    speech("Stop. Tell me about Rome instead."), silence(1));
            Sipp.Run run = sipp.call("bargein", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK + Sipp.play(said, 0, 12_000) + Sipp.BYE),
                    g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            CallEvent.BargeIn cut = await(CallEvent.BargeIn.class, e -> true);
            assertThat(run.await(60)).as(run::output).isZero();

            // The gateway stopped sending the answer within 100 ms of speech_started (its fade included).
            System.out.printf("sip barge-in: silence %d ms after speech_started; truncated at %d ms%n",
                    cut.toSilence().toMillis(), cut.sentMillis());
            assertThat(cut.toSilence()).isLessThanOrEqualTo(Duration.ofMillis(100));
            // The truncate on the wire is what the gateway said it sent ...
            List<JsonNode> truncates = upstream.sent("conversation.item.truncate");
            assertThat(truncates).hasSize(1);
            assertThat(truncates.get(0).path("audio_end_ms").asLong()).isEqualTo(cut.sentMillis());
            // ... and what the caller received of the answer: from its first packet with sound to its last before the cut.
            List<RtpListener.Received> audio = ear.packets.stream().filter(p -> p.payloadType() == 0).toList();
            int first = -1;
            int last = -1;
            for (int i = 0; i < audio.size(); i++) {
                if (audio.get(i).sound()) {
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                    if (audio.get(i).nanos() > System.nanoTime()) {
                        break;
                    }
                }
                if (first >= 0 && i > last + 10) { // 200 ms of silence: the answer was cut
                    break;
                }
            }
            long receivedMillis = (last - first + 1) * 20L;
            assertThat(cut.sentMillis()).isBetween(receivedMillis - 40, receivedMillis + 20);
            assertThat(await(CallEvent.HungUp.class, e -> true).metrics().bargeIns()).isEqualTo(1);
        }
    }

    @Test
    void withLocalVadTheCallTakesTheTurnsAndBargesInAtTheDetectorsStart() throws Exception {
        SipGateway g = gateway(b -> b.localVad(LocalVad.of(LevelDetector.factory(-40))));
        Sipp sipp = Sipp.in(dir);
        try (RtpListener ear = new RtpListener()) {
            short[] said = concat(silence(0.3), speech("What is the weather like in Paris today?"), silence(3.0),
                    speech("Stop. Tell me about Rome instead."), silence(1));
            Sipp.Run run = sipp.call("localvad", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK
                    + Sipp.play(ulaw("said", said), 0, 12_000) + Sipp.BYE), g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            CallEvent.BargeIn cut = await(CallEvent.BargeIn.class, e -> true);
            assertThat(run.await(60)).as(run::output).isZero();
            assertThat(await(CallEvent.HungUp.class, e -> true).metrics().bargeIns()).isEqualTo(1);

            // The server's turn detection is off (null on the wire): the call commits and asks for each answer.
            JsonNode input = upstream.sent("session.update").get(0).path("session").path("audio").path("input");
            assertThat(input.has("turn_detection")).isTrue();
            assertThat(input.get("turn_detection").isNull()).isTrue();
            List<String> types = upstream.sent.stream().map(m -> m.path("type").asText()).toList();
            int commit = types.indexOf("input_audio_buffer.commit");
            assertThat(commit).isNotNegative();
            assertThat(types.subList(commit, types.size())).contains("response.create");
            assertThat(upstream.received("input_audio_buffer.speech_started")).as("the server took no turn").isEmpty();
            // The answer reached the caller and the second utterance cut it, timed from the detector's start.
            assertThat(ear.packets.stream().anyMatch(RtpListener.Received::sound)).isTrue();
            assertThat(upstream.sent("conversation.item.truncate")).singleElement()
                    .satisfies(t -> assertThat(t.path("audio_end_ms").asLong()).isEqualTo(cut.sentMillis()).isPositive());
            System.out.printf("sip local VAD: silence %d ms after the detector's start%n", cut.toSilence().toMillis());
            assertThat(cut.toSilence()).isLessThanOrEqualTo(Duration.ofMillis(100));
            // Only speech went up: most of the 3 s between the utterances was not sent.
            long saidMillis = said.length / 8;
            long appendedMillis = upstream.sent("input_audio_buffer.append").stream()
                    .mapToLong(a -> java.util.Base64.getDecoder().decode(a.path("audio").asText()).length / 8).sum();
            assertThat(appendedMillis).isLessThan(saidMillis - 1_500);
        }
    }

    private static short[] concat(short[]... parts) {
        short[] all = new short[java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void aByeFromTheGatewayEndsBothLegs() throws Exception {
        SipGateway g = gateway(b -> b);
        Sipp sipp = Sipp.in(dir);
        try (RtpListener ear = new RtpListener()) {
            Sipp.Run run = sipp.call("hangup", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK + Sipp.AWAIT_BYE),
                    g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            CallEvent.Answered answered = await(CallEvent.Answered.class, e -> true);
            g.hangUp(answered.callId()).block(WAIT);
            assertThat(run.await(60)).as(run::output).isZero();
            assertThat(await(CallEvent.HungUp.class, e -> true).by()).isEqualTo("gateway");
            assertThat(upstream.connections.get(0).closeStatus().block(WAIT).code()).isEqualTo(1000);
            assertThat(g.activeCalls()).isZero();
        }
    }

    @Test
    void aCancelBeforeTheAnswerEndsTheCallWith487() throws Exception {
        SipGateway g = gateway(b -> b.policy(call -> CallDecision.answer().afterRinging(Duration.ofSeconds(20))));
        Sipp sipp = Sipp.in(dir);
        String cancel = """
                  <recv response="100" optional="true"/>
                  <recv response="180"/>
                  <send>
                    <![CDATA[
                      CANCEL sip:agent@[remote_ip]:[remote_port] SIP/2.0
                      [last_Via:]
                      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                      To: <sip:agent@[remote_ip]:[remote_port]>
                      Call-ID: [call_id]
                      CSeq: 1 CANCEL
                      Max-Forwards: 70
                      Content-Length: 0
                    ]]>
                  </send>
                  <recv response="200"/>
                  <recv response="487"/>
                """ + Sipp.ACK_REFUSAL;
        Sipp.Run run = sipp.call("cancel", Sipp.scenario(Sipp.freeUdpPort(), cancel), g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
        assertThat(run.await(60)).as(run::output).isZero();
        CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
        assertThat(hungUp.by()).isEqualTo("caller");
        assertThat(hungUp.reason()).contains("cancelled");
        assertThat(upstream.connections).as("no session was opened for a call never answered").isEmpty();
        assertThat(g.activeCalls()).isZero();
    }

    @Test
    void aCallOverTheLimitGets486() throws Exception {
        SipGateway g = gateway(b -> b.maxCalls(1));
        Sipp sipp = Sipp.in(dir);
        try (RtpListener ear = new RtpListener()) {
            Path said = ulaw("said", silence(1));
            Sipp.Run first = sipp.call("first", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK + Sipp.play(said, 0, 3_000) + Sipp.BYE),
                    g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            await(CallEvent.Answered.class, e -> true);
            Sipp.Run second = sipp.call("second", Sipp.scenario(Sipp.freeUdpPort(), Sipp.refused(486)), g.sipAddress().getPort(), 1, 1, 1,
                    Sipp.freeUdpPort());
            assertThat(second.await(60)).as(second::output).isZero();
            assertThat(first.await(60)).as(first::output).isZero();
            assertThat(all(CallEvent.Rejected.class)).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(486));
        }
    }

    @Test
    void malformedSipAndRtpGetDefinedOutcomesAndNeverEndAnotherCall() throws Exception {
        SipGateway g = gateway(b -> b.maxCalls(2));
        Sipp sipp = Sipp.in(dir);
        try (RtpListener ear = new RtpListener(); java.net.DatagramSocket hostile = new java.net.DatagramSocket(0)) {
            hostile.setSoTimeout(10_000);
            Path said = ulaw("said", silence(0.3), speech("What is the weather like in Paris today?"), silence(1));
            Sipp.Run run = sipp.call("victim", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK + Sipp.play(said, 0, 6_000) + Sipp.BYE),
                    g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            CallEvent.Answered answered = await(CallEvent.Answered.class, e -> true);
            java.net.InetSocketAddress sip = new java.net.InetSocketAddress("127.0.0.1", g.sipAddress().getPort());
            java.net.InetSocketAddress rtp = new java.net.InetSocketAddress("127.0.0.1", answered.rtp().getPort());

            // SIP: garbage is dropped; a request it can answer but not use gets 400 with the reason.
            send(hostile, sip, new byte[] {0, 1, 2, 3, (byte) 0xFF});
            send(hostile, sip, "\r\n\r\n".getBytes()); // a keep-alive: nothing
            send(hostile, sip, ("INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + hostile.getLocalPort()
                    + ";branch=z9hG4bK-h1\r\nFrom: <sip:h@x>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: hostile-1\r\nCSeq: 1 INVITE\r\n"
                    + "Content-Length: 999\r\n\r\nv=0").getBytes());
            String answer = receive(hostile);
            assertThat(answer).startsWith("SIP/2.0 400 Bad Request (Content-Length 999 but 3 bytes of body)");
            send(hostile, sip, ("BYE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + hostile.getLocalPort()
                    + ";branch=z9hG4bK-h2\r\nFrom: <sip:h@x>;tag=1\r\nTo: <sip:x@y>;tag=2\r\nCall-ID: no-such-call\r\n"
                    + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n").getBytes());
            assertThat(receive(hostile)).startsWith("SIP/2.0 481 ");

            // RTP: garbage, a payload type never negotiated, and packets from the past, into the live call.
            send(hostile, rtp, new byte[] {1, 2, 3});
            send(hostile, rtp, new io.rtvoice.telephony.internal.RtpPacket(18, false, 1, 0, 7, new byte[20]).encode());
            send(hostile, rtp, new byte[] {(byte) 0x80, 0, 0, 1}); // a header cut short
            for (int i = 0; i < 3; i++) { // far behind the caller's sequence (SIPp starts elsewhere): late or a new stream
                send(hostile, rtp, new io.rtvoice.telephony.internal.RtpPacket(0, false, 0, 0, 7, new byte[160]).encode());
            }
            assertThat(run.await(60)).as(run::output).isZero();
            CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> e.callId().equals(answered.callId()));
            assertThat(hungUp.by()).isEqualTo("caller");
            assertThat(hungUp.metrics().rejected()).isGreaterThanOrEqualTo(3);
            assertThat(hungUp.metrics().turns()).as("the call went on, answered").isGreaterThanOrEqualTo(1);
            assertThat(g.malformedSip()).isGreaterThanOrEqualTo(2);
        }
    }

    private static void send(java.net.DatagramSocket socket, java.net.InetSocketAddress to, byte[] bytes) throws Exception {
        socket.send(new java.net.DatagramPacket(bytes, bytes.length, to));
    }

    private static String receive(java.net.DatagramSocket socket) throws Exception {
        byte[] buffer = new byte[4096];
        java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        return new String(buffer, 0, packet.getLength(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void fiftyConcurrentCallsComplete() throws Exception {
        SipGateway g = gateway(b -> b.maxCalls(60));
        Sipp sipp = Sipp.in(dir);
        Path said = ulaw("said", silence(0.3), speech("Hello there."), silence(1));
        Sipp.Run run = sipp.call("fifty", Sipp.scenario(Sipp.freeUdpPort(), Sipp.ANSWERED + Sipp.ACK + Sipp.play(said, 0, 6_000) + Sipp.BYE),
                g.sipAddress().getPort(), 50, 50, 25, Sipp.freeUdpPort());
        assertThat(run.await(120)).as(run::output).isZero();
        Flux.interval(Duration.ofMillis(20)).filter(t -> all(CallEvent.HungUp.class).size() >= 50).blockFirst(WAIT);
        List<CallEvent.HungUp> calls = all(CallEvent.HungUp.class);
        assertThat(calls).hasSize(50).allSatisfy(c -> {
            assertThat(c.by()).isEqualTo("caller");
            assertThat(c.metrics().packetsIn()).isGreaterThan(50);
        });
        // Answered: the caller heard the answer begin (its voice-to-voice latency was measured); with 50 at once on two
        // cores the long answers may still be arriving when the caller hangs up, so a completed response is not asked for.
        long answered = calls.stream().filter(c -> c.metrics().voiceToVoiceP50() != null).count();
        long[] v2v = calls.stream().filter(c -> c.metrics().voiceToVoiceP50() != null)
                .mapToLong(c -> c.metrics().voiceToVoiceP50().toMillis()).sorted().toArray();
        calls.stream().filter(c -> c.metrics().voiceToVoiceP50() == null).forEach(c -> System.out.println("unanswered: " + c));
        System.out.printf("sip: 50 concurrent calls, %d answered; voice-to-voice per call p50 %d ms, max %d ms%n", answered,
                v2v.length == 0 ? -1 : v2v[v2v.length / 2], v2v.length == 0 ? -1 : v2v[v2v.length - 1]);
        assertThat(answered).isEqualTo(50);
    }

    @Test
    void dtmfArrivesAsRtpEventsAndAsSipInfoAndIsSentToTheCaller() throws Exception {
        SipGateway g = gateway(b -> b);
        Sipp sipp = Sipp.in(dir);
        try (RtpListener ear = new RtpListener(); java.net.DatagramSocket keypad = new java.net.DatagramSocket(0)) {
            keypad.setSoTimeout(10_000);
            Path said = ulaw("said", silence(0.3), speech("What is the weather like in Paris today?"), silence(1));
            Sipp.Run run = sipp.call("dtmf", Sipp.scenario(ear.port(), Sipp.ANSWERED + Sipp.ACK + Sipp.play(said, 0, 9_000) + Sipp.BYE),
                    g.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            CallEvent.Answered answered = await(CallEvent.Answered.class, e -> true);
            java.net.InetSocketAddress rtp = new java.net.InetSocketAddress("127.0.0.1", answered.rtp().getPort());
            // RFC 4733: each key is several packets of one event (one timestamp), the last ones with the end bit.
            int seq = 100;
            for (int[] key : new int[][] {{5, 8_000}, {11, 9_600}}) {
                for (int i = 0; i < 6; i++) {
                    byte[] payload = {(byte) key[0], (byte) (i >= 3 ? 0x8A : 0x0A), 0, (byte) (160 * (i + 1))};
                    send(keypad, rtp, new io.rtvoice.telephony.internal.RtpPacket(101, i == 0, seq++, key[1], 9, payload).encode());
                }
            }
            // SIP INFO, as some phones send keys.
            send(keypad, new java.net.InetSocketAddress("127.0.0.1", g.sipAddress().getPort()), ("INFO sip:agent@127.0.0.1 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + keypad.getLocalPort() + ";branch=z9hG4bK-info\r\nFrom: <sip:sipp@127.0.0.1>;tag=x\r\n"
                    + "To: <sip:agent@127.0.0.1>;tag=y\r\nCall-ID: " + answered.callId() + "\r\nCSeq: 9 INFO\r\n"
                    + "Content-Type: application/dtmf-relay\r\nContent-Length: 24\r\n\r\nSignal=7\r\nDuration=160\r\n").getBytes());
            assertThat(receive(keypad)).startsWith("SIP/2.0 200 OK");
            Flux.interval(Duration.ofMillis(10)).filter(t -> all(CallEvent.Dtmf.class).size() >= 3).blockFirst(WAIT);
            assertThat(all(CallEvent.Dtmf.class)).extracting(CallEvent.Dtmf::digit).containsExactly('5', '#', '7');

            // And to the caller: telephone-events on the call's stream, sent while the answer's audio flows.
            Flux.interval(Duration.ofMillis(10)).filter(t -> ear.packets.stream().anyMatch(RtpListener.Received::sound)).blockFirst(WAIT);
            assertThat(g.sendDtmf(answered.callId(), "1#")).isTrue();
            Flux.interval(Duration.ofMillis(10)).filter(t -> ear.packets.stream().filter(p -> p.payloadType() == 101
                    && (p.payload()[1] & 0x80) != 0).count() >= 6).blockFirst(WAIT);
            List<RtpListener.Received> events = ear.packets.stream().filter(p -> p.payloadType() == 101).toList();
            assertThat(events.stream().map(p -> (int) p.payload()[0]).distinct().toList()).containsExactly(1, 11);
            assertThat(events.stream().filter(p -> (p.payload()[1] & 0x80) != 0).count()).as("end packets, 3 per key").isEqualTo(6);
            // One numbering for audio and events, in the order the packets left (loopback keeps that order).
            List<RtpListener.Received> all = List.copyOf(ear.packets);
            int firstEvent = all.indexOf(events.get(0));
            int lastEvent = all.indexOf(events.get(events.size() - 1));
            assertThat(all.subList(firstEvent, lastEvent + 1).stream().filter(p -> p.payloadType() == 0).count())
                    .as("audio flowed between the events").isPositive();
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).sequence()).as("packet %d of %d", i, all.size())
                        .isEqualTo((all.get(i - 1).sequence() + 1) & 0xFFFF);
            }
            assertThat(run.await(60)).as(run::output).isZero();
            assertThat(await(CallEvent.HungUp.class, e -> true).metrics().dtmfIn()).isEqualTo(3);
        }
    }
}
