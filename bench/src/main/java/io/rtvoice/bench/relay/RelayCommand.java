package io.rtvoice.bench.relay;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.bench.TurnOptions;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.relay.VoiceRelay;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

/**
 * {@code relay --turns 20}: what {@link VoiceRelay} adds to a voice turn. An emulator, the relay and pages that
 * behave like its web page all run in this JVM over loopback; the relay's client uses a transport that stamps
 * every frame at its boundary, so the relay's two directions are measured apart from the service: a page's frame
 * to the append that carries it, and an answer's audio from the transport to the page.
 */
@Command(name = "relay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the latency VoiceRelay adds: page frame -> append at the transport, first audio delta at the "
                + "transport -> page, and the page's playout; emulator, relay and pages in this JVM over loopback.")
public final class RelayCommand implements Callable<Integer> {

    /** After the turn is done, the answer has reached the page once nothing audible came for this long. */
    private static final Duration QUIET = Duration.ofMillis(300);



    @Option(names = "--sessions", defaultValue = "1", description = "Pages connected at once, each its own session (default: ${DEFAULT-VALUE}).")
    int sessions;


    @Option(names = "--playback-lead-ms", defaultValue = "100",
            description = "The relay's playback lead: audio kept queued at the page (default: ${DEFAULT-VALUE}).")
    int playbackLeadMs;

    @Mixin
    TurnOptions run = new TurnOptions();

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(1, 100);


    @Spec
    CommandSpec spec;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        run.validate();
        run.check(sessions >= 1, "--sessions", sessions, ">= 1");
        run.check(playbackLeadMs >= 20 && playbackLeadMs <= 2_000, "--playback-lead-ms", playbackLeadMs, "20..2000");
        byte[] utterance = run.utterance();
        Duration timeout = run.turnTimeout();
        TimedTransport<WireClock> transport = new TimedTransport<>(WireClock::new);
        RelayMeasurements measurements = new RelayMeasurements();
        List<SyntheticPage> pages = new ArrayList<>();
        List<WireClock> wires = new ArrayList<>();
        try (RealtimeEmulator service = emulator.builder().start();
                VoiceRelay relay = VoiceRelay.builder().client(RealtimeClient.builder()
                                .endpoint(Endpoint.custom(service.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                                .credentials(Credentials.apiKey("emulator")).transport(transport).build())
                        .playbackLead(Duration.ofMillis(playbackLeadMs)).maxSessions(Math.max(32, sessions)).start()) {
            out.printf(Locale.ROOT, "Measuring %d turns on each of %d page(s) (after %d warm-up turns): page (JDK WebSocket) -> "
                    + "VoiceRelay -> client -> the embedded emulator (pace %s, %d ms deltas), all in this JVM over loopback%n",
                    run.turns(), sessions, run.warmupTurns(), emulator.pace(), emulator.deltaMs());
            out.printf(Locale.ROOT, "utterance %d ms (%s); relay playback lead %d ms, playout prebuffer %d ms (VoiceSession's default)%n",
                    utterance.length / 48, run.utteranceName(), playbackLeadMs,
                    WireClock.PREBUFFER_SAMPLES / 24);
            URI socket = URI.create("ws://127.0.0.1:" + relay.port() + "/ws");
            for (int i = 0; i < sessions; i++) {
                // One at a time, so the connection the relay opens next is this page's.
                SyntheticPage page = SyntheticPage.open(socket, "rtvoice-relay-page-" + i, timeout);
                pages.add(page);
                WireClock wire = transport.nextOpened(timeout);
                wire.attach(page, measurements);
                wires.add(wire);
                page.startSpeaking();
            }
            ExecutorService pool = Executors.newFixedThreadPool(sessions, task -> {
                Thread thread = new Thread(task, "rtvoice-relay-turns");
                thread.setDaemon(true);
                return thread;
            });
            for (int i = 0; i < sessions; i++) {
                SyntheticPage page = pages.get(i);
                WireClock wire = wires.get(i);
                pool.execute(() -> runTurns(page, wire, utterance, timeout, measurements));
            }
            pool.shutdown();
            if (!pool.awaitTermination(run.turnTimeout().toSeconds() * (run.turns() + run.warmupTurns() + 1), TimeUnit.SECONDS)) {
                pool.shutdownNow();
                out.println("relay: turns still running at the deadline; reporting what finished");
            }
            printTable(measurements, wires);
            return measurements.turnsFailed.get() == 0 ? 0 : 1;
        } finally {
            pages.forEach(SyntheticPage::close);
        }
    }

    private void runTurns(SyntheticPage page, WireClock wire, byte[] utterance, Duration timeout, RelayMeasurements measurements) {
        for (int turn = 0; turn < run.warmupTurns() + run.turns(); turn++) {
            boolean measured = turn >= run.warmupTurns();
            if (measured) {
                page.measure();
            }
            int before = wire.answersSeen();
            page.say(utterance);
            try {
                page.next("turn_done", timeout);
                // The relay says turn_done when the service is done; the answer's tail is still being paced to the page.
                Flux.interval(Duration.ofMillis(10)).filter(t -> System.nanoTime() - page.lastAudibleNanos() > QUIET.toNanos())
                        .blockFirst(timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (measured) {
                    measurements.failed(e.getMessage());
                }
                if (String.valueOf(e.getMessage()).contains("ended")) {
                    return; // the page's session is over
                }
                continue;
            }
            if (measured) {
                record(page, wire, before, measurements);
            }
        }
    }

    private static void record(SyntheticPage page, WireClock wire, int answersBefore, RelayMeasurements measurements) {
        WireClock.Answer answer = wire.answer(answersBefore);
        long[] heard = page.answerTimes();
        if (wire.answersSeen() != answersBefore + 1) {
            measurements.failed((wire.answersSeen() - answersBefore) + " answers in one turn (expected 1)");
            return;
        }
        if (answer == null || answer.audibleDeltaNanos == 0) {
            measurements.failed("an answer without audible audio");
            return;
        }
        if (heard[0] == 0) {
            measurements.failed("the page received no audible answer");
            return;
        }
        measurements.record(RelayStage.DELTA_TO_PAGE, heard[0] - answer.audibleDeltaNanos);
        if (answer.prebufferedNanos != 0) {
            measurements.record(RelayStage.PREBUFFERED_TO_PAGE, heard[0] - Math.max(answer.prebufferedNanos, answer.audibleDeltaNanos));
        }
        measurements.record(RelayStage.PAGE_PLAYOUT, heard[1] - heard[0]);
        measurements.record(RelayStage.DELTA_TO_PLAYED, heard[1] - answer.audibleDeltaNanos);
        measurements.turnsDone.incrementAndGet();
    }

    private void printTable(RelayMeasurements measurements, List<WireClock> wires) {
        out.printf(Locale.ROOT, "%-28s %7s %9s %9s %9s %9s%n", "stage (ms)", "count", "p50", "p90", "p99", "max");
        for (RelayStage stage : RelayStage.values()) {
            Histogram h = measurements.histogram(stage);
            if (h.getTotalCount() == 0) {
                out.printf(Locale.ROOT, "%-28s %7d %9s %9s %9s %9s%n", stage.label, 0, "-", "-", "-", "-");
                continue;
            }
            out.printf(Locale.ROOT, "%-28s %7d %9.2f %9.2f %9.2f %9.2f%n", stage.label, h.getTotalCount(),
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getMaxValue()));
        }
        long appends = wires.stream().mapToLong(w -> w.appends.get()).sum();
        long odd = wires.stream().mapToLong(w -> w.appendsNotOneFrame.get()).sum();
        out.printf(Locale.ROOT, "turns: %d measured, %d failed; appends: %d, of which not one 20 ms page frame: %d%n",
                measurements.turnsDone.get(), measurements.turnsFailed.get(), appends, odd);
        measurements.failures.forEach((what, count) -> out.printf("  failed %d x: %s%n", count.get(), what));
        for (RelayStage stage : RelayStage.values()) {
            out.printf(Locale.ROOT, "  %s: %s%n", stage.label, stage.meaning);
        }
    }


    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
