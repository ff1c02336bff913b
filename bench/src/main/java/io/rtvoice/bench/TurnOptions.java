package io.rtvoice.bench;

import io.rtvoice.bench.latency.LatencyCommand;
import io.rtvoice.emulator.SyntheticVoice;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What a command that measures voice turns says and how many times: {@code --turns}, {@code --warmup-turns},
 * {@code --wav}, {@code --turn-timeout-seconds}. A picocli mixin, shared by {@code relay} and {@code sip}.
 */
public final class TurnOptions {

    /** What each turn says, in the emulator's tone voice: about 1.5 s, which its VAD hears as speech. */
    public static final String UTTERANCE = "What is the weather like in Seattle today?";

    @Option(names = "--turns", defaultValue = "20", description = "Measured turns per session (default: ${DEFAULT-VALUE}).")
    int turns;

    @Option(names = "--warmup-turns", defaultValue = "2",
            description = "Turns each session runs first, not counted: class loading and JIT (default: ${DEFAULT-VALUE}).")
    int warmupTurns;

    @Option(names = "--wav", paramLabel = "FILE.wav",
            description = "Say this WAV file (any rate, mono or stereo) instead of the emulator's tone voice.")
    Path wav;

    @Option(names = "--turn-timeout-seconds", defaultValue = "30", description = "A turn taking longer fails (default: ${DEFAULT-VALUE}).")
    int turnTimeoutSeconds;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    public int turns() {
        return turns;
    }

    public int warmupTurns() {
        return warmupTurns;
    }

    public Duration turnTimeout() {
        return Duration.ofSeconds(turnTimeoutSeconds);
    }

    /** The WAV's name, or {@code tone voice}. */
    public String utteranceName() {
        return wav != null ? wav.getFileName().toString() : "tone voice";
    }

    /** What each turn says: the WAV as 24 kHz mono PCM16, or the emulator's voice saying {@link #UTTERANCE}. */
    public byte[] utterance() throws IOException {
        return wav != null ? LatencyCommand.load(wav) : SyntheticVoice.speak(UTTERANCE);
    }

    /** Checks the options of this mixin; the command's own with {@link #check}. */
    public void validate() {
        check(turns >= 1, "--turns", turns, ">= 1");
        check(warmupTurns >= 0, "--warmup-turns", warmupTurns, ">= 0");
        check(turnTimeoutSeconds >= 1, "--turn-timeout-seconds", turnTimeoutSeconds, ">= 1");
    }

    /** A value out of range is the user's mistake, in Netty's form: {@code --turns : 0 (expected: >= 1)}. */
    public void check(boolean valid, String option, int value, String expected) {
        if (!valid) {
            throw new ParameterException(command.commandLine(), option + " : " + value + " (expected: " + expected + ")");
        }
    }
}
