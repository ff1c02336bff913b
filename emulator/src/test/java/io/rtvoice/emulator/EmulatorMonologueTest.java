package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ServerEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The load-test modes: a monologue that talks for a set time, and audio deltas stamped with sequence and times. */
class EmulatorMonologueTest {

    @RegisterExtension
    final EmulatorExtension monologue = EmulatorExtension.anyKey()
            .configure(b -> b.pace(0).deltaMs(20).monologue(Duration.ofSeconds(5)).stampAudio(true));
    @RegisterExtension
    final EmulatorExtension plain = EmulatorExtension.anyKey().configure(b -> b.pace(0));

    @Test
    void monologueTalksForItsLengthInStampedConsecutiveDeltas() throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(monologue, Dialect.GA)) {
            long before = epochMicros();
            c.send(new ClientEvent.ResponseCreate(null, null));
            List<ServerEvent.ResponseOutputAudioDelta> deltas = new ArrayList<>();
            ServerEvent.ResponseDone done = null;
            while (done == null) {
                ServerEvent e = c.next();
                if (e instanceof ServerEvent.ResponseOutputAudioDelta d) {
                    deltas.add(d);
                } else if (e instanceof ServerEvent.ResponseDone d) {
                    done = d;
                }
            }
            long after = epochMicros();

            assertThat(done.response().status()).isEqualTo("completed");
            // 5 s in 20 ms deltas: far longer than the words, so the voice looped.
            assertThat(deltas).hasSize(250);
            assertThat(deltas.stream().mapToInt(d -> d.delta().length).sum()).isEqualTo(5_000 * 48);
            for (int i = 0; i < deltas.size(); i++) {
                String[] parts = deltas.get(i).eventId().split("_");
                long seq = Long.parseLong(parts[parts.length - 3]);
                long due = Long.parseLong(parts[parts.length - 2]);
                long sent = Long.parseLong(parts[parts.length - 1]);
                assertThat(seq).isEqualTo(i);
                assertThat(due).isBetween(before, sent); // unpaced: every delta is due at the start
                assertThat(sent).isLessThanOrEqualTo(after);
            }
        }
    }

    @Test
    void withoutStampingEventIdsKeepTheirUsualForm() throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(plain, Dialect.GA)) {
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseOutputAudioDelta delta = c.await(ServerEvent.ResponseOutputAudioDelta.class);
            assertThat(delta.eventId()).matches("event_conn\\d+");
        }
    }

    private static long epochMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
