package io.rtvoice.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.emulator.RealtimeEmulator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/** One declaration of the emulator's options, with each command's own defaults. */
class EmulatorOptionsTest {

    @Command(name = "fast")
    static final class Fast {
        @Mixin
        EmulatorOptions emulator = EmulatorOptions.withDefaults(4, 20);
    }

    @Test
    void theInstanceACommandIsMadeWithHoldsItsDefaultsAndItsHelpSaysSo() {
        Fast fast = new Fast();
        CommandLine cli = new CommandLine(fast);
        cli.parseArgs();

        assertThat(fast.emulator.pace()).isEqualTo(4.0);
        assertThat(fast.emulator.deltaMs()).isEqualTo(20);
        assertThat(fast.emulator.jitterMs()).isZero();
        assertThat(cli.getUsageMessage()).contains("(default: 4.0)", "(default: 20)", "--jitter-ms", "--seed", "--faults");
    }

    @Test
    void argumentsForAChildEmulatorParseBackToTheSameSettings() {
        Fast parent = new Fast();
        new CommandLine(parent).parseArgs("--pace", "0.5", "--jitter-ms", "30", "--seed", "7", "--faults", "bad_base64");
        Fast child = new Fast();
        new CommandLine(child).parseArgs(parent.emulator.arguments().toArray(String[]::new));

        assertThat(child.emulator.arguments()).isEqualTo(parent.emulator.arguments())
                .containsSubsequence("--pace", "0.5", "--delta-ms", "20", "--jitter-ms", "30", "--seed", "7", "--faults", "bad_base64");
    }

    @Test
    void theBuilderStartsAnEmulatorWithTheseSettings() {
        Fast fast = new Fast();
        new CommandLine(fast).parseArgs("--pace", "0");
        try (RealtimeEmulator emulator = fast.emulator.builder().start()) {
            assertThat(emulator.uri().toString()).startsWith("ws://127.0.0.1:");
        }
    }

    @Test
    void aValueOutOfRangeIsTheUsersMistakeNamingTheOption() {
        Fast fast = new Fast();
        new CommandLine(fast).parseArgs("--pace", "-1", "--delta-ms", "0");

        assertThatThrownBy(fast.emulator::builder).isInstanceOf(ParameterException.class)
                .hasMessage("--pace : -1.0 (expected: >= 0)");
        Fast faulty = new Fast();
        new CommandLine(faulty).parseArgs("--faults", "explode");
        assertThatThrownBy(faulty.emulator::arguments).isInstanceOf(ParameterException.class)
                .hasMessage("--faults : unknown fault 'explode'");
    }
}
