package io.rtvoice.internal.client;

import static io.rtvoice.testing.InMemoryTransport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.SlowSubscriberException;
import io.rtvoice.SlowSubscriberPolicy;
import io.rtvoice.event.ServerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** {@link SubscriberBuffers}: each subscriber's buffer is bounded in bytes as well as in events. */
class SubscriberBuffersTest {

    /** One MiB of audio, shared by every delta: the buffer counts the bytes each event holds, the test allocates them once. */
    static final byte[] MEBIBYTE = new byte[1 << 20];

    static ServerEvent delta(int n) {
        return new ServerEvent.ResponseOutputAudioDelta("e" + n, "resp_1", "item_1", 0, 0, MEBIBYTE);
    }

    /** 64 MiB hold 63 deltas of 1 MiB and their estimated overhead; the 64th is over. */
    static final int FIT = (int) (SubscriberBuffers.DEFAULT_MAX_BYTES / SubscriberBuffers.sizeOf(delta(0)));

    /** After what {@code step} expects, one more delta still arrives, and the shared stream's end ends this one. */
    static void theNextDeltaStillArrivesAfter(StepVerifier.Step<ServerEvent> step, Sinks.Many<ServerEvent> shared) {
        step.then(() -> shared.tryEmitNext(delta(100)))
                .expectNextMatches(e -> e.eventId().equals("e100"))
                .then(shared::tryEmitComplete)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aSubscriberSixtyFourMebibytesBehindIsCutOffThoughFarUnderItsEventLimit() {
        SubscriberBuffers buffers = new SubscriberBuffers(2_048, SlowSubscriberPolicy.FAIL);
        Sinks.Many<ServerEvent> shared = SubscriberBuffers.shared();
        StepVerifier.create(buffers.each(shared.asFlux()), 0)
                .then(() -> IntStream.range(0, 100).forEach(n -> shared.tryEmitNext(delta(n))))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(FIT)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(SlowSubscriberException.class,
                        slow -> assertThat(slow.bufferSize()).isEqualTo(FIT)))
                .verify(TIMEOUT);
        assertThat(FIT).isEqualTo(63);
    }

    @Test
    void underDropOldestASubscriberSixtyFourMebibytesBehindLosesItsOldestDeltasAndKeepsReceiving() {
        SubscriberBuffers buffers = new SubscriberBuffers(2_048, SlowSubscriberPolicy.DROP_OLDEST);
        Sinks.Many<ServerEvent> shared = SubscriberBuffers.shared();
        List<ServerEvent> received = new ArrayList<>();
        theNextDeltaStillArrivesAfter(StepVerifier.create(buffers.each(shared.asFlux()), 0)
                .then(() -> IntStream.range(0, 100).forEach(n -> shared.tryEmitNext(delta(n))))
                .thenRequest(Long.MAX_VALUE)
                .recordWith(() -> received)
                .expectNextCount(FIT), shared);
        assertThat(received.get(0).eventId()).isEqualTo("e" + (100 - FIT));
        assertThat(buffers.dropped()).isEqualTo(100 - FIT);
    }

    @Test
    void smallEventsAreStillBoundedByCount() {
        SubscriberBuffers buffers = new SubscriberBuffers(16, SlowSubscriberPolicy.FAIL);
        Sinks.Many<ServerEvent> shared = SubscriberBuffers.shared();
        StepVerifier.create(buffers.each(shared.asFlux()), 0)
                .then(() -> IntStream.range(0, 20).forEach(n -> shared.tryEmitNext(new ServerEvent.InputAudioBufferCleared("e" + n))))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(16)
                .expectError(SlowSubscriberException.class)
                .verify(TIMEOUT);
    }

    @Test
    void beforeAnySubscriberTheStartUpBufferKeepsSixtyFourMebibytesAndRefusesTheRest() {
        SubscriberBuffers buffers = new SubscriberBuffers(2_048, SlowSubscriberPolicy.FAIL);
        Sinks.Many<ServerEvent> shared = SubscriberBuffers.shared();
        List<Sinks.EmitResult> results = IntStream.range(0, 100).mapToObj(n -> shared.tryEmitNext(delta(n))).toList();
        assertThat(results.subList(0, FIT)).containsOnly(Sinks.EmitResult.OK);
        assertThat(results.subList(FIT, 100)).containsOnly(Sinks.EmitResult.FAIL_OVERFLOW);
        theNextDeltaStillArrivesAfter(StepVerifier.create(buffers.each(shared.asFlux()))
                .expectNextCount(FIT), shared);
    }
}
