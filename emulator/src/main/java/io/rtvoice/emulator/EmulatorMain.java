package io.rtvoice.emulator;

import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.UserErrors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar emulator/target/rtvoice-emulator.jar --port 8765 [--api-key KEY]}. */
@Command(name = "rtvoice-emulator", mixinStandardHelpOptions = true,
        description = "A local Realtime API server (GA and preview dialects) for offline development and tests.")
public final class EmulatorMain implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8765", description = "Port to listen on; 0 = a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--api-key", description = "The only key accepted; without it any non-empty key is accepted.")
    String apiKey;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN", split = ",",
            description = "A web page origin (scheme://host[:port]) that may connect, repeatable or comma-separated; * = any page"
                    + " (default: pages of this machine: localhost, 127.0.0.1, [::1] on any port).")
    java.util.List<String> allowedOrigins;

    @Mixin
    EmulatorOptions emulator = new EmulatorOptions();

    /** A command for picocli to fill in; {@link #main} runs it. */
    public EmulatorMain() {
    }

    @Option(names = "--monologue-seconds", defaultValue = "0",
            description = "Every spoken response lasts this long, its voice looping, on a drift-free schedule; 0 = as long as its words (default: ${DEFAULT-VALUE}).")
    int monologueSeconds;

    @Option(names = "--script", paramLabel = "FILE",
            description = "Answer by the rules of this script file (see ScriptedResponder); the standard replies for turns it leaves.")
    Path script;

    @Option(names = "--stamp-audio", description = "End each audio delta's event_id with _<seq>_<dueMicros>_<sentMicros> (epoch microseconds), and start its audio with the same as three little-endian longs.")
    boolean stampAudio;

    @Option(names = "--max-connections", defaultValue = "4096",
            description = "Most TCP connections open at once; more are closed at accept (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve wss:// with this PEM certificate chain (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM private key (unencrypted PKCS#8) of --tls-cert.")
    Path tlsKey;

    /** Held, so that the level set on it stays (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger MCP_LOGGER = java.util.logging.Logger.getLogger("io.modelcontextprotocol");

    @Option(names = "--quiet", description = "Do not log connections, events and closes (--verbose: log client events too).")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** Runs the emulator until Ctrl-C. */
    public static void main(String[] args) {
        UserErrors.main(new EmulatorMain(), args); // a user's mistake: one line, exit status 2
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port : " + port + " (expected: 0..65535)");
        }
        if (monologueSeconds < 0 || monologueSeconds > 10_000) {
            throw new ParameterException(spec.commandLine(), "--monologue-seconds : " + monologueSeconds + " (expected: 0..10000)");
        }
        if (maxConnections < 1) {
            throw new ParameterException(spec.commandLine(), "--max-connections : " + maxConnections + " (expected: >= 1)");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        RealtimeEmulator.Builder builder = emulator.builder().maxConnections(maxConnections).host(host).port(port).apiKey(apiKey)
                .monologue(Duration.ofSeconds(monologueSeconds)).stampAudio(stampAudio).log(!quiet)
                // --verbose (every command's option, from UserErrors) also logs what clients send and wins over --quiet.
                .verbose(spec.commandLine().getParseResult().hasMatchedOption("--verbose"));
        if (script != null) {
            try {
                builder.responder(ScriptedResponder.load(script));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // UserErrors names the file: a missing or unreadable one is the user's mistake
            } catch (IllegalArgumentException e) { // a malformed script: the message names the file and the line
                throw new ParameterException(spec.commandLine(), "--script : " + e.getMessage(), e);
            }
        }
        if (allowedOrigins != null) {
            builder.allowedOrigins(allowedOrigins.toArray(String[]::new));
        }
        if (tlsCert != null) {
            builder.tls(tlsCert, tlsKey);
        }
        if (quiet) {
            // The MCP SDK says "initialised" at INFO for every MCP server a session lists: quiet means quiet.
            MCP_LOGGER.setLevel(java.util.logging.Level.WARNING);
        }
        RealtimeEmulator started;
        try {
            started = builder.start();
        } catch (IllegalArgumentException e) { // unreadable or mismatched certificate/key files: the user's mistake
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.close();
            System.out.println("[rtvoice-emulator] stopped");
            stopped.countDown();
        }, "rtvoice-emulator-shutdown"));
        System.out.println("[rtvoice-emulator] listening on " + started.uri() + " (GA: " + started.uri("/v1/realtime?model=gpt-realtime")
                + ", key " + (apiKey == null ? "any" : "required") + ")");
        stopped.await();
        return 0;
    }
}
