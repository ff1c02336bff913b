package io.rtvoice.emulator;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar emulator/target/rtvoice-emulator.jar --port 8765 [--api-key KEY]}. */
@Command(name = "rtvoice-emulator", mixinStandardHelpOptions = true,
        description = "A local Realtime API server (GA and preview dialects) for offline development and tests.")
public final class EmulatorMain implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8765", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--api-key", description = "The only key accepted; without it any non-empty key is accepted.")
    String apiKey;

    @Option(names = "--pace", defaultValue = "1.0", description = "Send audio this many times faster than real time; 0 = unpaced (default: ${DEFAULT-VALUE}).")
    double pace;

    @Option(names = "--delta-ms", defaultValue = "100", description = "Audio per delta in ms (default: ${DEFAULT-VALUE}).")
    int deltaMs;

    @Option(names = "--jitter-ms", defaultValue = "0", description = "Random extra delay before each audio delta, up to this many ms (default: ${DEFAULT-VALUE}).")
    int jitterMs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--monologue-seconds", defaultValue = "0",
            description = "Every spoken response lasts this long, its voice looping, on a drift-free schedule; 0 = as long as its words (default: ${DEFAULT-VALUE}).")
    int monologueSeconds;

    @Option(names = "--stamp-audio", description = "End each audio delta's event_id with _<seq>_<dueMicros>_<sentMicros> (epoch microseconds).")
    boolean stampAudio;

    @Option(names = "--quiet", description = "Do not log connections and events.")
    boolean quiet;

    /** Runs the emulator until Ctrl-C. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new EmulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        RealtimeEmulator emulator = RealtimeEmulator.builder().host(host).port(port).apiKey(apiKey).pace(pace)
                .deltaMs(deltaMs).jitterMs(jitterMs).seed(seed).monologue(java.time.Duration.ofSeconds(monologueSeconds))
                .stampAudio(stampAudio).log(!quiet).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            System.out.println("[rtvoice-emulator] stopped");
            stopped.countDown();
        }, "rtvoice-emulator-shutdown"));
        System.out.println("[rtvoice-emulator] listening on " + emulator.uri() + " (GA: " + emulator.uri("/v1/realtime?model=gpt-realtime")
                + ", key " + (apiKey == null ? "any" : "required") + ")");
        stopped.await();
        return 0;
    }
}
