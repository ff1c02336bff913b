package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.SlowSubscriberException;
import io.rtvoice.SlowSubscriberPolicy;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * A subscriber that stops requesting while thousands of audio deltas arrive: it is cut off with a clear
 * error, or loses its oldest events with a count, by policy; its buffer never grows past the bound, and
 * the session and the other subscribers lose nothing.
 */
class SlowSubscriberTest {

    static final String KEY = "sk-slow-subscriber-test";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int BUFFER = 64;
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0).deltaMs(5)); // many events

    static RealtimeSession connect(SlowSubscriberPolicy policy) {
        return RealtimeClient.builder().endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).subscriberBuffer(BUFFER, policy).build().connect().block(TIMEOUT);
    }

    /** Takes one event, then stalls until told to go on. */
    static final class Stalled extends BaseSubscriber<ServerEvent> {
        final List<ServerEvent> received = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(1);
        }

        @Override
        protected void hookOnNext(ServerEvent event) {
            received.add(event);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            error.set(throwable);
        }
    }

    /**
     * Subscribes {@code stalled} after the connection's first events, then asks for a long spoken reply
     * (over a thousand 5 ms deltas); returns every event {@code stalled} was offered, in order.
     */
    static List<ServerEvent> speakAtLength(RealtimeSession session, Stalled stalled) {
        List<ServerEvent> all = new CopyOnWriteArrayList<>();
        session.events().ofType(ServerEvent.SessionCreated.class).blockFirst(TIMEOUT);
        session.events().subscribe(all::add);
        session.events().subscribe(stalled);
        session.send(new ClientEvent.ConversationItemCreate(null, null,
                Item.userText(String.join(" ", Collections.nCopies(40, "word")))));
        session.send(new ClientEvent.ResponseCreate(null, null));
        // A last round trip after the response: once its answer is in, no event is still on its way.
        Flux.interval(Duration.ofMillis(5)).filter(t -> all.stream().anyMatch(ServerEvent.ResponseDone.class::isInstance))
                .blockFirst(TIMEOUT);
        session.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("sync").build()));
        Flux.interval(Duration.ofMillis(5)).filter(t -> all.get(all.size() - 1) instanceof ServerEvent.SessionUpdated)
                .blockFirst(TIMEOUT);
        return all;
    }

    @Test
    void underFailTheLaggardIsCutOffAndEveryoneElseGetsEverything() {
        try (RealtimeSession session = connect(SlowSubscriberPolicy.FAIL)) {
            Stalled stalled = new Stalled();
            List<ServerEvent> all = speakAtLength(session, stalled);
            assertThat(all).filteredOn(ServerEvent.ResponseOutputAudioDelta.class::isInstance).hasSizeGreaterThan(1000);
            assertThat(stalled.received).hasSize(1);

            // When it asks again it gets what its buffer held, in order, then the error: no silent gap.
            stalled.request(Long.MAX_VALUE);
            Flux.interval(Duration.ofMillis(5)).filter(t -> stalled.error.get() != null).blockFirst(TIMEOUT);
            assertThat(stalled.error.get()).isInstanceOf(SlowSubscriberException.class)
                    .hasMessageContaining(BUFFER + " events behind");
            assertThat(stalled.received).hasSize(1 + BUFFER).containsExactlyElementsOf(all.subList(0, 1 + BUFFER));
            assertThat(session.droppedEvents()).isZero();
            // The session went on: its last round trip (in speakAtLength) was answered.
        }
    }

    @Test
    void underDropOldestTheLaggardKeepsTheNewestEventsAndTheLossIsCounted() {
        try (RealtimeSession session = connect(SlowSubscriberPolicy.DROP_OLDEST)) {
            Stalled stalled = new Stalled();
            List<ServerEvent> all = speakAtLength(session, stalled);
            stalled.request(Long.MAX_VALUE);
            Flux.interval(Duration.ofMillis(5)).filter(t -> stalled.received.size() >= 1 + BUFFER).blockFirst(TIMEOUT);

            // It kept exactly the buffer's worth, the newest, in order; what it lost is counted.
            List<ServerEvent> kept = stalled.received.subList(1, stalled.received.size());
            assertThat(kept).hasSize(BUFFER).containsExactlyElementsOf(all.subList(all.size() - BUFFER, all.size()));
            assertThat(kept.get(BUFFER - 1)).isInstanceOf(ServerEvent.SessionUpdated.class);
            assertThat(stalled.received.get(0)).isSameAs(all.get(0));
            assertThat(session.droppedEvents()).isEqualTo(all.size() - 1 - BUFFER);
            assertThat(stalled.error.get()).isNull();
        }
    }
}
