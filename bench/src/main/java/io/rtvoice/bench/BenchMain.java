package io.rtvoice.bench;

import io.rtvoice.emulator.cli.UserErrors;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** The benchmark command line: {@code java -jar bench/target/rtvoice-bench.jar <command> …}. */
@Command(name = "rtvoice-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of the rtvoice latency-critical path.",
        subcommands = {BenchMain.Jmh.class, ResampleCommand.class, io.rtvoice.bench.latency.LatencyCommand.class,
                io.rtvoice.bench.scale.ScaleCommand.class, io.rtvoice.bench.soak.SoakCommand.class,
                io.rtvoice.bench.relay.RelayCommand.class, io.rtvoice.bench.sip.SipCommand.class,
                io.rtvoice.bench.transport.RoundTripCommand.class})
public final class BenchMain implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Runs the JMH suite; every argument after {@code jmh} goes to JMH unchanged. */
    public static void main(String[] args) {
        UserErrors.main(new BenchMain(), args); // a user's mistake: one line, exit status 2
    }

    /** {@code jmh [JMH options]}: the JMH benchmarks, e.g. {@code jmh Codec -prof gc}. */
    @Command(name = "jmh", description = "Run the JMH benchmarks; arguments go to JMH (try: jmh -h, jmh -l).")
    static final class Jmh implements Callable<Integer> {
        /** Everything after {@code jmh}, options included, is JMH's. */
        @Unmatched
        String[] jmhArgs = new String[0];

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(jmhArgs);
            return 0;
        }
    }
}
