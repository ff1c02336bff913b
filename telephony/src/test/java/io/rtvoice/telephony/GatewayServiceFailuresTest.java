package io.rtvoice.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.Faults;
import io.rtvoice.emulator.RealtimeEmulator;
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
        SipGateway gateway = SipGateway.builder().client(client).sipPort(0).start();
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
}
