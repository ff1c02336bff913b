package io.rtvoice.bench.transport;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The client's receive path per 100 ms of model audio, from the frame in the transport's memory to the samples in
 * the playout ring and out: a real session with a {@link Conversation} listening, as in a voice app, over a
 * transport that holds each frame in direct memory as Netty's pooled buffers do. No socket: what the kernel and
 * Netty's frame decoder cost is the same either way.
 * <ul>
 *   <li>{@code routed}: the voice path: the frame lent, the audio decoded straight into the ring
 *       ({@link RealtimeSession#routeAudio}), the delta's event without its audio;</li>
 *   <li>{@code asEvent}: the way it went before: the frame copied out of the transport's buffer into an array,
 *       decoded to an event with its own PCM array, and that written into the ring.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReceivePathBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final PlayoutBuffer routedRing = ring();
    private final PlayoutBuffer eventRing = ring();
    private final short[] played = new short[2_400];
    private ByteBuffer frame;
    private Lender routedTransport;
    private Lender eventTransport;
    private Conversation routed;
    private Conversation asEvent;

    private static PlayoutBuffer ring() {
        return PlayoutBuffer.builder().sampleRate(24_000).targetMillis(0).capacityMillis(2_000).build();
    }

    @Setup
    public void setUp() {
        byte[] pcm = new byte[4_800];
        new SplittableRandom(7).nextBytes(pcm);
        byte[] json = ("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_Ct1OkYmqCIhszKCHYeKbW\","
                + "\"response_id\":\"resp_Ct1OkoqXAD7R2a8tl3\",\"item_id\":\"item_Ct1OhVepyDFpDovHrgmNp\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"" + Base64.getEncoder().encodeToString(pcm) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        frame = ByteBuffer.allocateDirect(json.length).put(json).flip();

        routedTransport = new Lender();
        routed = Conversation.over(connect(routedTransport));
        routed.session().routeAudio((response, item, output, content, audio, offset, length) -> routedRing.write(item, audio, offset, length));

        eventTransport = new Lender();
        asEvent = Conversation.over(connect(eventTransport));
        asEvent.events().subscribe(event -> {
            if (event instanceof ServerEvent.ResponseOutputAudioDelta delta) {
                eventRing.write(delta.itemId(), delta.delta());
            }
        });
    }

    private static RealtimeSession connect(Lender transport) {
        return RealtimeClient.builder().transport(transport)
                .endpoint(Endpoint.custom(URI.create("ws://127.0.0.1:1/v1/realtime?model=m"), Dialect.GA))
                .credentials(Credentials.apiKey("bench")).build().connect().block(TIMEOUT);
    }

    @TearDown
    public void tearDown() {
        routed.session().closeGracefully().subscribe();
        asEvent.session().closeGracefully().subscribe();
    }

    @Benchmark
    public int routed() {
        frame.clear();
        routedTransport.receiver.frame(frame);
        return routedRing.read(played, 0, played.length);
    }

    @Benchmark
    public int asEvent() {
        byte[] copy = new byte[frame.capacity()]; // what ByteBufUtil.getBytes did in the transport
        frame.get(0, copy);
        eventTransport.receiver.frame(ByteBuffer.wrap(copy));
        return eventRing.read(played, 0, played.length);
    }

    /** A transport whose one connection hands the benchmark its receiver and swallows what is sent. */
    static final class Lender implements Transport, TransportConnection {
        volatile Receiver receiver;
        private final reactor.core.publisher.Sinks.One<CloseStatus> closed = reactor.core.publisher.Sinks.one();

        @Override
        public Mono<TransportConnection> connect(io.rtvoice.transport.TransportRequest request) {
            return Mono.just(this);
        }

        @Override
        public Flux<byte[]> inbound() {
            return Flux.never();
        }

        @Override
        public void receive(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public Mono<Void> send(Publisher<byte[]> frames) {
            return Flux.from(frames).then();
        }

        @Override
        public Mono<Void> close(int code, String reason) {
            closed.tryEmitValue(new CloseStatus(code, reason));
            return Mono.empty();
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return closed.asMono();
        }

        @Override
        public String subprotocol() {
            return "realtime";
        }
    }
}
