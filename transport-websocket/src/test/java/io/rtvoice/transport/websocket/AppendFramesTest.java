package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The send path's reuse of append frames over a real socket: Netty hands each array back once it has copied
 * it out, the session writes later appends into those arrays, and the server gets every byte as sent.
 */
class AppendFramesTest {

    static final String KEY = "sk-append-frames-test";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final EventCodec CODEC = EventCodec.of(Dialect.GA);

    /** A WebSocket server that keeps the audio of every append it reads, in order. */
    final ByteArrayOutputStream serverHeard = new ByteArrayOutputStream();
    final AtomicInteger appendsHeard = new AtomicInteger();
    final DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> response.sendWebsocket((in, out) -> in.aggregateFrames(1 << 20).receiveFrames()
                    .doOnNext(frame -> heard(ByteBufUtil.getBytes(frame.content()))).then(),
                    WebsocketServerSpec.builder().protocols("realtime").build()))
            .bindNow();

    private void heard(byte[] frame) {
        try {
            if (CODEC.decodeClientEvent(frame) instanceof ClientEvent.InputAudioBufferAppend append) {
                synchronized (serverHeard) {
                    serverHeard.writeBytes(append.audio());
                }
                appendsHeard.incrementAndGet();
            }
        } catch (EventDecodeException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    /** The WebSocket transport, watched: which arrays went out, and which came back. */
    static final class Watched implements Transport {
        final Transport transport = WebSocketTransport.create();
        final java.util.List<byte[]> sent = new CopyOnWriteArrayList<>();
        /** Per array: how often it was handed back, counted once the pool has it. */
        final Map<byte[], Integer> handedBack = Collections.synchronizedMap(new IdentityHashMap<>());
        /** Per array: sends minus hand-backs; an array handed back more often than it was sent goes below zero. */
        final Map<byte[], Integer> outstanding = Collections.synchronizedMap(new IdentityHashMap<>());
        final AtomicInteger handedBackUnsent = new AtomicInteger();

        @Override
        public Mono<TransportConnection> connect(TransportRequest request) {
            return transport.connect(request).map(connection -> new TransportConnection() {
                @Override
                public Flux<byte[]> inbound() {
                    return connection.inbound();
                }

                @Override
                public void receive(Receiver receiver) {
                    connection.receive(receiver);
                }

                @Override
                public Mono<Void> send(Publisher<byte[]> frames) {
                    return connection.send(frames);
                }

                @Override
                public Mono<Void> send(Publisher<byte[]> frames, Consumer<byte[]> written) {
                    return connection.send(Flux.from(frames).doOnNext(frame -> {
                        sent.add(frame);
                        outstanding.merge(frame, 1, Integer::sum);
                    }), array -> {
                        if (outstanding.merge(array, -1, Integer::sum) < 0) {
                            handedBackUnsent.incrementAndGet();
                        }
                        written.accept(array); // the array may be reused from here on
                        handedBack.merge(array, 1, Integer::sum); // after: a test that waits for this finds it in the pool
                    });
                }

                @Override
                public Mono<Void> close(int code, String reason) {
                    return connection.close(code, reason);
                }

                @Override
                public Mono<CloseStatus> closeStatus() {
                    return connection.closeStatus();
                }

                @Override
                public String subprotocol() {
                    return connection.subprotocol();
                }
            });
        }
    }

    RealtimeSession connect(Watched transport) {
        return RealtimeClient.builder().transport(transport)
                .endpoint(Endpoint.custom(URI.create("ws://127.0.0.1:" + server.port() + "/v1/realtime?model=m"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).build().connect().block(TIMEOUT);
    }

    /** The audio the server read once it has read {@code appends} appends. */
    byte[] serverHeard(int appends) {
        Flux.interval(Duration.ofMillis(2)).filter(t -> appendsHeard.get() >= appends).blockFirst(TIMEOUT);
        synchronized (serverHeard) {
            return serverHeard.toByteArray();
        }
    }

    @Test
    void appendsSentOneAfterAnotherReuseOneArrayAndEveryByteArrives() {
        Watched transport = new Watched();
        try (RealtimeSession session = connect(transport)) {
            SplittableRandom random = new SplittableRandom(3);
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            int before = transport.sent.size();
            for (int i = 0; i < 50; i++) {
                byte[] pcm = new byte[960];
                random.nextBytes(pcm);
                audio.writeBytes(pcm);
                session.send(new ClientEvent.InputAudioBufferAppend(null, pcm));
                int index = before + i;
                byte[] frame = Flux.interval(Duration.ofMillis(1)).filter(t -> transport.sent.size() > index)
                        .map(t -> transport.sent.get(index)).blockFirst(TIMEOUT);
                // Back as often as it was sent: the array is reused, so an earlier hand-back of it says nothing of this one.
                long sentTimes = transport.sent.stream().filter(f -> f == frame).count();
                Flux.interval(Duration.ofMillis(1))
                        .filter(t -> transport.handedBack.getOrDefault(frame, 0) >= sentTimes)
                        .blockFirst(TIMEOUT);
            }

            assertThat(identities(transport.sent.subList(before, before + 50))).as("one array carried every append").hasSize(1);
            assertThat(serverHeard(50)).isEqualTo(audio.toByteArray());
        }
    }

    @Test
    void aBurstOfAppendsArrivesIntactWhileTheirArraysAreReused() {
        Watched transport = new Watched();
        try (RealtimeSession session = connect(transport)) {
            SplittableRandom random = new SplittableRandom(5);
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            for (int i = 0; i < 2_000; i++) {
                byte[] pcm = new byte[960];
                random.nextBytes(pcm);
                audio.writeBytes(pcm);
                session.send(new ClientEvent.InputAudioBufferAppend(null, pcm));
            }

            assertThat(serverHeard(2_000)).isEqualTo(audio.toByteArray());
            assertThat(transport.handedBackUnsent).as("no array is handed back more often than sent").hasValue(0);
            assertThat(transport.outstanding.values()).as("every append frame was handed back").containsOnly(0);
            assertThat(identities(transport.sent.stream().filter(f -> f.length > 1_000).toList())).as("arrays were reused")
                    .hasSizeLessThan(2_000);
        }
    }

    static Set<byte[]> identities(java.util.List<byte[]> frames) {
        Set<byte[]> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(frames);
        return distinct;
    }
}
