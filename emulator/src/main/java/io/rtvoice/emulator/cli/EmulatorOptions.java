package io.rtvoice.emulator.cli;

import io.rtvoice.emulator.Faults;
import io.rtvoice.emulator.RealtimeEmulator;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How an emulator behaves, as command-line options declared once for every command that starts one
 * ({@code rtvoice-emulator}, the examples, the bench's {@code latency}, {@code scale} and {@code soak}):
 * {@code --pace}, {@code --delta-ms}, {@code --jitter-ms}, {@code --seed}, {@code --faults}. A picocli
 * mixin; the instance a command is made with holds that command's defaults, which its help shows:
 * <pre>{@code
 * @Mixin
 * EmulatorOptions emulator = EmulatorOptions.withDefaults(4, 100);
 * ...
 * try (RealtimeEmulator started = emulator.builder().start()) { ... }
 * }</pre>
 * A value out of range is reported as the user's mistake ({@link UserErrors}) when the emulator is built.
 */
public final class EmulatorOptions {

    @Option(names = "--pace", paramLabel = "FACTOR",
            description = "Emulator: audio sent this many times faster than real time; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double pace;

    @Option(names = "--delta-ms", paramLabel = "MS", description = "Emulator: audio per delta, in ms (default: ${DEFAULT-VALUE}).")
    int deltaMs;

    @Option(names = "--jitter-ms", paramLabel = "MS",
            description = "Emulator: random extra delay before each audio delta, up to this many ms (default: ${DEFAULT-VALUE}).")
    int jitterMs;

    @Option(names = "--seed", description = "Emulator: seed of the jitter; the same seed, the same delays (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--faults", paramLabel = "FAULTS",
            description = "Emulator: misbehave on every connection: a comma-separated list of close_after:N, malformed_after:N, "
                    + "bad_base64, stall_after:N, error_after:N, expire_after_ms:N, fail_response, fail_transcription (default: none).")
    String faults;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The emulator's own defaults: real-time pace, 100 ms deltas. */
    public EmulatorOptions() {
        this(1.0, 100);
    }

    private EmulatorOptions(double pace, int deltaMs) {
        this.pace = pace;
        this.deltaMs = deltaMs;
    }

    /** Options whose defaults, for the command that mixes them in, are this pace and delta size (ms). */
    public static EmulatorOptions withDefaults(double pace, int deltaMs) {
        return new EmulatorOptions(pace, deltaMs);
    }

    /** How many times faster than real time audio is sent; 0 = unpaced. */
    public double pace() {
        return pace;
    }

    /** Audio per delta, in ms. */
    public int deltaMs() {
        return deltaMs;
    }

    /** The most random extra delay before an audio delta, in ms. */
    public int jitterMs() {
        return jitterMs;
    }

    /**
     * A builder with these settings, for an emulator in this JVM; the caller adds what is its own (host,
     * port, key, ...) and starts it.
     *
     * @throws ParameterException naming the option when a value is out of range ({@link IllegalArgumentException}
     *         when no command line parsed these options)
     */
    public RealtimeEmulator.Builder builder() {
        check(pace >= 0, "--pace", pace, ">= 0");
        check(deltaMs >= 1, "--delta-ms", deltaMs, ">= 1");
        check(jitterMs >= 0, "--jitter-ms", jitterMs, ">= 0");
        Faults parsed;
        try {
            parsed = Faults.parse(faults);
        } catch (IllegalArgumentException e) {
            throw invalid("--faults : " + e.getMessage());
        }
        return RealtimeEmulator.builder().pace(pace).deltaMs(deltaMs).jitterMs(jitterMs).seed(seed).faults(parsed);
    }

    /**
     * The same settings as {@code rtvoice-emulator} arguments, for an emulator in a child JVM.
     *
     * @throws ParameterException naming the option when a value is out of range, as {@link #builder()}
     */
    public List<String> arguments() {
        builder(); // the same checks, here rather than as the child's exit status
        List<String> arguments = new ArrayList<>(List.of("--pace", Double.toString(pace), "--delta-ms", Integer.toString(deltaMs),
                "--jitter-ms", Integer.toString(jitterMs), "--seed", Long.toString(seed)));
        if (faults != null) {
            arguments.addAll(List.of("--faults", faults));
        }
        return arguments;
    }

    private void check(boolean valid, String option, Object value, String rule) {
        if (!valid) { // NaN fails every comparison, so it lands here too
            throw invalid(option + " : " + value + " (expected: " + rule + ")");
        }
    }

    /** The user's mistake: a picocli ParameterException once a command line has parsed these options. */
    private RuntimeException invalid(String message) {
        return command == null ? new IllegalArgumentException(message) : new ParameterException(command.commandLine(), message);
    }
}
