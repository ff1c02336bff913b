package io.rtvoice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.RealtimeSession;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The fixture itself: that it behaves like an event loop, and that its server side does what it says. */
class InMemoryTransportTest {

    final InMemoryTransport transport = InMemoryTransport.realtime();

    @AfterEach
    void stop() {
        transport.close();
    }

    @Test
    void eventsArriveOnANonBlockingThreadWhereBlockingIsRefused() {
        RealtimeSession session = transport.client().connect().block(InMemoryTransport.TIMEOUT);
        List<Object> happened = transport.callFromAnEventHandler(session.events(), 0, () -> session.closeGracefully().block());
        assertThat(happened).hasSize(3).startsWith(true, true);
        assertThat(happened.get(2)).isInstanceOf(IllegalStateException.class).asString().contains("block");
    }

    @Test
    void theServerSeesTheClientsFramesAsJsonInOrderAndItsAnswersArrive() {
        RealtimeSession session = transport.client().connect().block(InMemoryTransport.TIMEOUT);
        for (int i = 0; i < 100; i++) {
            session.send(new ClientEvent.InputAudioBufferClear("evt_" + i));
        }
        InMemoryTransport.Server server = transport.connection(0);
        assertThat(server.received().take(100).map(n -> n.path("event_id").asText()).collectList().block(InMemoryTransport.TIMEOUT))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "evt_" + i).toList());
        assertThat(server.request().subprotocols()).containsExactly("realtime");
        StepVerifier.create(session.events()).assertNext(e -> assertThat(e).isInstanceOf(ServerEvent.SessionCreated.class))
                .thenCancel().verify(InMemoryTransport.TIMEOUT);
    }

    @Test
    void aRefusedConnectFailsWithItsStatusAndLeavesNoConnection() {
        transport.refuseNext(503);
        StepVerifier.create(transport.client().connect())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportException.class)
                        .satisfies(t -> assertThat(((TransportException) t).httpStatus()).isEqualTo(503)))
                .verify(InMemoryTransport.TIMEOUT);
        assertThat(transport.requests()).hasSize(1);
        transport.client().connect().block(InMemoryTransport.TIMEOUT);
        assertThat(transport.connection(0).index()).isZero();
    }

    @Test
    void aClientCloseIsAnsweredAndRecordedAsTheConnectionsStatus() {
        RealtimeSession session = transport.client().connect().block(InMemoryTransport.TIMEOUT);
        StepVerifier.create(session.closeGracefully()).expectComplete().verify(InMemoryTransport.TIMEOUT);
        InMemoryTransport.Server server = transport.connection(0);
        StepVerifier.create(server.clientClose()).expectNext(new CloseStatus(1000, "client closed")).expectComplete()
                .verify(InMemoryTransport.TIMEOUT);
        StepVerifier.create(server.closeStatus()).expectNext(new CloseStatus(1000, "client closed")).expectComplete()
                .verify(InMemoryTransport.TIMEOUT);
        assertThat(transport.loopFailures()).isEmpty();
    }
}
