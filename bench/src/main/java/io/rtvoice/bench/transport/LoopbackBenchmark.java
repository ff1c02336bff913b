package io.rtvoice.bench.transport;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.Disposable;

/**
 * The whole client path on loopback: {@code send} → codec → send queue → Netty WebSocket → the emulator
 * (in this JVM, unpaced) → Netty → codec → the ordered {@code events()} Flux → the caller. The emulator's
 * own work is included, so these are upper bounds for what rtvoice adds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class LoopbackBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] TWENTY_MS = new byte[960];

    private RealtimeEmulator emulator;
    private RealtimeSession session;
    private Disposable subscription;
    private final BlockingQueue<ServerEvent> inbox = new LinkedBlockingQueue<>();
    private ClientEvent.SessionUpdate update;
    private ClientEvent.ResponseCreate outOfBand;

    @Setup(Level.Trial)
    public void connect() {
        emulator = RealtimeEmulator.builder().pace(0).start();
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey("bench")).build();
        session = client.connect().block(TIMEOUT);
        subscription = session.events().subscribe(inbox::add);
        // No VAD: appended audio waits for the benchmark's clear, and no turn starts by itself.
        update = new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("Be brief.")
                .turnDetection(TurnDetection.DISABLED).build());
        outOfBand = new ClientEvent.ResponseCreate(null, ResponseParams.builder().conversation("none")
                .instructions("Say something.").build());
        session.send(update);
        await(ServerEvent.SessionUpdated.class);
    }

    @TearDown(Level.Trial)
    public void close() {
        subscription.dispose();
        session.close();
        emulator.close();
    }

    /** A control round trip: {@code session.update} out, {@code session.updated} back. */
    @Benchmark
    public ServerEvent sessionUpdateRoundTrip() {
        session.send(update);
        return await(ServerEvent.SessionUpdated.class);
    }

    /** One second of microphone audio as fifty 20 ms appends, then a clear whose acknowledgement ends it. */
    @Benchmark
    public ServerEvent secondOfAudioUp() {
        for (int i = 0; i < 50; i++) {
            session.send(new ClientEvent.InputAudioBufferAppend(null, TWENTY_MS));
        }
        session.send(new ClientEvent.InputAudioBufferClear(null));
        return await(ServerEvent.InputAudioBufferCleared.class);
    }

    /** An out-of-band spoken response, unpaced: every event of it, base64 audio decoded, until {@code response.done}. */
    @Benchmark
    public ServerEvent responseDown() {
        session.send(outOfBand);
        return await(ServerEvent.ResponseDone.class);
    }

    private ServerEvent await(Class<? extends ServerEvent> type) {
        try {
            while (true) {
                ServerEvent event = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    throw new IllegalStateException("no " + type.getSimpleName() + " within " + TIMEOUT);
                }
                if (event instanceof ServerEvent.Error e) {
                    throw new IllegalStateException("server error: " + e.error());
                }
                if (type.isInstance(event)) {
                    return event;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
