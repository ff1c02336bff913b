package io.rtvoice.bench.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.bench.EmulatorProcess;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;

/**
 * {@code roundtrip --runs 300}: {@code response.create} → first {@code response.output_audio.delta}, on loopback
 * against an unpaced emulator (in this JVM, or with {@code --emulator-process} in a child JVM), for rtvoice's
 * {@link RealtimeSession} and, interleaved run by run on the same emulator, for a plain client on the JDK's own
 * {@link WebSocket} sending the very same bytes: the difference is what rtvoice adds. Each run: {@code session.update},
 * N 20 ms appends, {@code response.create} (the clock starts as it is handed to the client), all sent back to back;
 * the clock stops when the first audio delta reaches the application (rtvoice: the {@code events()} subscriber; JDK:
 * the listener, the JSON parsed). A second figure counts from the run's first send (the JDK client's sends wait for
 * their writes, rtvoice's do not). Then the run waits for {@code response.done} and clears the input buffer. Each
 * client keeps one connection, or with {@code --connection-per-run} opens a new one (not timed) for every run.
 */
@Command(name = "roundtrip", mixinStandardHelpOptions = true, sortOptions = false,
        description = "response.create -> first audio delta on loopback against an unpaced emulator: rtvoice against "
                + "a plain JDK WebSocket client, interleaved run by run.")
public final class RoundTripCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String DELTA = "response.output_audio.delta";

    @Option(names = "--runs", defaultValue = "300", description = "Measured runs per client and append count (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "200", description = "Unmeasured runs first, per client and append count (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--appends", defaultValue = "50,0", split = ",",
            description = "20 ms appends sent before response.create; each count measured (default: ${DEFAULT-VALUE}).")
    int[] appends;

    @Option(names = "--clients", defaultValue = "rtvoice,jdk", split = ",", description = "rtvoice, jdk (default: ${DEFAULT-VALUE}).")
    String[] clients;

    @Option(names = "--connection-per-run", description = "Open a new connection for every run (not timed) instead of one per client.")
    boolean connectionPerRun;

    @Option(names = "--emulator-process", description = "Run the emulator in a child JVM instead of this one.")
    boolean emulatorProcess;

    @Spec
    CommandSpec spec;

    PrintStream out = System.out;

    /** One client's side of a run. */
    interface Client extends AutoCloseable {
        /**
         * Sends the run's frames and returns the first delta's latency in nanoseconds, from {@code response.create}
         * (index 0) and from the run's first send (index 1); waits for the response's end.
         */
        long[] run(int appends) throws Exception;

        String name();
    }

    @Override
    public Integer call() throws Exception {
        check(runs >= 1, "--runs : " + runs + " (expected: >= 1)");
        check(warmup >= 0, "--warmup : " + warmup + " (expected: >= 0)");
        for (int n : appends) {
            check(n >= 0, "--appends : " + n + " (expected: >= 0)");
        }
        for (String name : clients) {
            String c = name.strip().toLowerCase(Locale.ROOT);
            check(c.equals("rtvoice") || c.equals("jdk"), "--clients : " + name + " (expected: rtvoice, jdk)");
        }
        EventCodec codec = EventCodec.of(Dialect.GA);
        byte[] update = codec.encode(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("Be brief.")
                .turnDetection(TurnDetection.DISABLED).build()));
        byte[] append = codec.encode(new ClientEvent.InputAudioBufferAppend(null, new byte[960]));
        byte[] create = codec.encode(new ClientEvent.ResponseCreate(null, null));
        byte[] clear = codec.encode(new ClientEvent.InputAudioBufferClear(null));
        AutoCloseable emulator = null;
        try {
            URI uri;
            if (emulatorProcess) {
                EmulatorProcess child = EmulatorProcess.start(List.of(), List.of("--pace", "0"), out);
                emulator = child;
                uri = child.uri().resolve("/v1/realtime?model=gpt-realtime");
            } else {
                RealtimeEmulator inProcess = RealtimeEmulator.builder().pace(0).start();
                emulator = inProcess;
                uri = inProcess.uri("/v1/realtime?model=gpt-realtime");
            }
            RealtimeClient rtvoice = RealtimeClient.builder().endpoint(Endpoint.custom(uri, Dialect.GA))
                    .credentials(Credentials.apiKey("bench")).build();
            HttpClient http = HttpClient.newHttpClient();
            List<Supplier<Client>> kinds = new ArrayList<>();
            for (String name : clients) {
                switch (name.strip().toLowerCase(Locale.ROOT)) {
                    case "rtvoice" -> kinds.add(() -> new Rtvoice(rtvoice));
                    case "jdk" -> kinds.add(() -> new Jdk(http, uri, update, append, create, clear));
                    default -> throw new IllegalStateException(name); // checked above
                }
            }
            List<Client> open = new ArrayList<>();
            try {
                for (Supplier<Client> kind : kinds) {
                    open.add(kind.get());
                }
                out.printf(Locale.ROOT, "response.create -> first response.output_audio.delta, %d runs (after %d warm-up), emulator pace 0, %s%n",
                        runs, warmup, connectionPerRun ? "a new connection per run" : "one connection per client");
                for (int n : appends) {
                    long[][] samples = new long[open.size()][runs];
                    long[][] whole = new long[open.size()][runs];
                    for (int i = -warmup; i < runs; i++) {
                        for (int c = 0; c < open.size(); c++) { // interleaved: run i of every client, then run i + 1
                            if (connectionPerRun) {
                                open.get(c).close();
                                open.set(c, kinds.get(c).get());
                            }
                            long[] nanos = open.get(c).run(n);
                            if (i >= 0) {
                                samples[c][i] = nanos[0];
                                whole[c][i] = nanos[1];
                            }
                        }
                    }
                    for (int c = 0; c < open.size(); c++) {
                        long[] s = samples[c];
                        if (runs <= 10) {
                            out.printf(Locale.ROOT, "  %-8s %2d appends, run by run (ms):", open.get(c).name(), n);
                            for (long v : s) {
                                out.printf(Locale.ROOT, " %.2f", v / 1e6);
                            }
                            out.println();
                        }
                        Arrays.sort(s);
                        out.printf(Locale.ROOT, "  %-8s %2d appends: p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  min %6.2f ms%n",
                                open.get(c).name(), n, ms(s, 0.50), ms(s, 0.90), ms(s, 0.99), s[0] / 1e6);
                        long[] w = whole[c];
                        Arrays.sort(w);
                        out.printf(Locale.ROOT, "  %-8s %2d appends, from the run's first send: p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms%n",
                                open.get(c).name(), n, ms(w, 0.50), ms(w, 0.90), ms(w, 0.99));
                    }
                }
            } finally {
                for (Client c : open) {
                    c.close();
                }
            }
        } finally {
            if (emulator != null) {
                emulator.close();
            }
        }
        return 0;
    }

    private void check(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** rtvoice: {@link RealtimeSession#send} in, the {@code events()} subscriber out. */
    static final class Rtvoice implements Client {
        private final RealtimeSession session;
        private final Disposable subscription;
        private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
        private final ClientEvent update = new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("Be brief.")
                .turnDetection(TurnDetection.DISABLED).build());
        private final ClientEvent create = new ClientEvent.ResponseCreate(null, null);
        private final ClientEvent clear = new ClientEvent.InputAudioBufferClear(null);
        private final byte[] twentyMs = new byte[960];
        private volatile boolean awaitingDelta;

        Rtvoice(RealtimeClient client) {
            session = client.connect().block(TIMEOUT);
            subscription = session.events().subscribe(event -> {
                if (event instanceof ServerEvent.ResponseOutputAudioDelta) {
                    if (awaitingDelta) {
                        awaitingDelta = false;
                        signals.add(System.nanoTime());
                    }
                } else if (event instanceof ServerEvent.ResponseDone || event instanceof ServerEvent.InputAudioBufferCleared
                        || event instanceof ServerEvent.Error) {
                    signals.add(event);
                }
            });
        }

        @Override
        public String name() {
            return "rtvoice";
        }

        @Override
        public long[] run(int appends) throws Exception {
            awaitingDelta = true;
            long begin = System.nanoTime();
            session.send(update);
            for (int i = 0; i < appends; i++) {
                session.send(new ClientEvent.InputAudioBufferAppend(null, twentyMs));
            }
            long start = System.nanoTime();
            session.send(create);
            long first = (Long) next(signals, Long.class);
            next(signals, ServerEvent.ResponseDone.class);
            session.send(clear);
            next(signals, ServerEvent.InputAudioBufferCleared.class);
            return new long[] {first - start, first - begin};
        }

        @Override
        public void close() {
            subscription.dispose();
            session.closeGracefully().block(TIMEOUT);
        }
    }

    /** A plain client on {@code java.net.http.WebSocket}: one send at a time (as it requires), Jackson for the JSON. */
    static final class Jdk implements Client, WebSocket.Listener {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final WebSocket socket;
        private final String update;
        private final String append;
        private final String create;
        private final String clear;
        private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private volatile boolean awaitingDelta;

        Jdk(HttpClient http, URI uri, byte[] update, byte[] append, byte[] create, byte[] clear) {
            this.update = new String(update, StandardCharsets.UTF_8);
            this.append = new String(append, StandardCharsets.UTF_8);
            this.create = new String(create, StandardCharsets.UTF_8);
            this.clear = new String(clear, StandardCharsets.UTF_8);
            socket = http.newWebSocketBuilder().header("Authorization", "Bearer bench")
                    .subprotocols("realtime").connectTimeout(TIMEOUT).buildAsync(uri, this).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        }

        @Override
        public String name() {
            return "jdk";
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    JsonNode event = JSON.readTree(message);
                    String type = event.path("type").asText();
                    if (DELTA.equals(type)) {
                        if (awaitingDelta) {
                            awaitingDelta = false;
                                signals.add(System.nanoTime());
                        }
                    } else if (type.equals("response.done") || type.equals("input_audio_buffer.cleared") || type.equals("error")) {
                        signals.add(type);
                    }
                } catch (Exception e) {
                    signals.add(e);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public long[] run(int appends) throws Exception {
            awaitingDelta = true;
            long begin = System.nanoTime();
            socket.sendText(update, true).join();
            for (int i = 0; i < appends; i++) {
                socket.sendText(append, true).join();
            }
            long start = System.nanoTime();
            socket.sendText(create, true).join();
            long first = (Long) next(signals, Long.class);
            next(signals, "response.done");
            socket.sendText(clear, true).join();
            next(signals, "input_audio_buffer.cleared");
            return new long[] {first - start, first - begin};
        }

        @Override
        public void close() {
            socket.sendClose(1000, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    /** The next signal, which must be {@code expected} (a class it is an instance of, or an equal value). */
    private static Object next(BlockingQueue<Object> signals, Object expected) throws InterruptedException {
        Object signal = signals.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (signal == null) {
            throw new IllegalStateException("nothing within " + TIMEOUT + " (waiting for " + expected + ")");
        }
        boolean matches = expected instanceof Class<?> type ? type.isInstance(signal) : expected.equals(signal);
        if (!matches) {
            throw new IllegalStateException("expected " + expected + ", got " + signal);
        }
        return signal;
    }
}
