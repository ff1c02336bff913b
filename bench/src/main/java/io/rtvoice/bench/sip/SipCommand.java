package io.rtvoice.bench.sip;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.bench.TurnOptions;
import io.rtvoice.bench.relay.TimedTransport;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.telephony.CallEvent;
import io.rtvoice.telephony.SipGateway;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * {@code sip --turns 20}: what {@link SipGateway} adds to a voice turn, mouth to ear. An emulator, the gateway and
 * callers written here (a SIP user agent client and an RTP stream over {@code DatagramSocket}s) all run in this JVM
 * over loopback; the gateway's client uses a transport that stamps every frame at its boundary, so the gateway's two
 * directions are measured apart from the service: a caller's RTP packet to the append that carries it, and an
 * answer's audio from the transport to the caller's first packet with sound.
 */
@Command(name = "sip", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the latency the SIP gateway adds: RTP packet in -> append at the transport, first audio delta at "
                + "the transport -> RTP packet with sound at the caller; emulator, gateway and callers in this JVM over loopback.")
public final class SipCommand implements Callable<Integer> {

    /** After the answer is done, it has reached the caller once nothing audible came for this long. */
    private static final Duration QUIET = Duration.ofMillis(300);



    @Option(names = "--calls", defaultValue = "1", description = "Callers at once, each its own call and session (default: ${DEFAULT-VALUE}).")
    int calls;


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
        run.check(calls >= 1 && calls <= 1_000, "--calls", calls, "1..1000");
        byte[] pcm24k = run.utterance();
        byte[] utterance = G711.encodeMuLaw(Resampler.convert(Pcm.toShorts(pcm24k), 24_000, SyntheticCaller.RATE_HZ));
        Duration timeout = run.turnTimeout();
        TimedTransport<CallClock> transport = new TimedTransport<>(CallClock::new);
        SipMeasurements measurements = new SipMeasurements();
        List<SyntheticCaller> callers = new ArrayList<>();
        List<CallClock> wires = new ArrayList<>();
        AtomicInteger hungUpByGateway = new AtomicInteger();
        try (RealtimeEmulator service = emulator.builder().start();
                SipGateway gateway = SipGateway.builder().client(RealtimeClient.builder()
                                .endpoint(Endpoint.custom(service.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                                .credentials(Credentials.apiKey("emulator")).transport(transport).build())
                        .sipPort(0).maxCalls(Math.max(100, calls)).start()) {
            Disposable watching = gateway.events().subscribe(event -> {
                if (event instanceof CallEvent.HungUp h && !h.by().equals("caller")) {
                    hungUpByGateway.incrementAndGet();
                }
            });
            out.printf(Locale.ROOT, "Measuring %d turns on each of %d call(s) (after %d warm-up turns): caller (SIP and PCMU RTP "
                    + "over DatagramSocket) -> SipGateway -> client -> the embedded emulator (pace %s, %d ms deltas); caller, gateway "
                    + "and emulator share this JVM over loopback%n", run.turns(), calls, run.warmupTurns(), emulator.pace(), emulator.deltaMs());
            out.printf(Locale.ROOT, "utterance %d ms (%s) as 8 kHz PCMU; the gateway's jitter buffer targets 40 ms, its playout "
                    + "prebuffer is %d ms (VoiceSession's default)%n",
                    utterance.length / 8, run.utteranceName(), CallClock.PREBUFFER_SAMPLES / 8);
            try {
                return measure(gateway, transport, measurements, callers, wires, utterance, timeout, hungUpByGateway);
            } finally {
                callers.forEach(SyntheticCaller::close); // BYE before the gateway closes
                watching.dispose();
            }
        }
    }

    private int measure(SipGateway gateway, TimedTransport<CallClock> transport, SipMeasurements measurements,
            List<SyntheticCaller> callers, List<CallClock> wires, byte[] utterance, Duration timeout, AtomicInteger hungUpByGateway)
            throws Exception {
        for (int i = 0; i < calls; i++) {
            // One at a time, so the connection the gateway opens next is this caller's.
            SyntheticCaller caller = SyntheticCaller.dial("rtvoice-sip-caller-" + i, gateway.sipAddress(), timeout);
            callers.add(caller);
            CallClock wire = transport.nextOpened(timeout);
            wire.attach(caller, measurements);
            wires.add(wire);
        }
        ExecutorService pool = Executors.newFixedThreadPool(calls, task -> {
            Thread thread = new Thread(task, "rtvoice-sip-turns");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < calls; i++) {
            SyntheticCaller caller = callers.get(i);
            CallClock wire = wires.get(i);
            pool.execute(() -> runTurns(caller, wire, utterance, timeout, measurements));
        }
        pool.shutdown();
        if (!pool.awaitTermination(run.turnTimeout().toSeconds() * (run.turns() + run.warmupTurns() + 1), TimeUnit.SECONDS)) {
            pool.shutdownNow();
            out.println("sip: turns still running at the deadline; reporting what finished");
        }
        printTable(measurements, wires, callers, hungUpByGateway.get());
        return measurements.turnsFailed.get() == 0 && hungUpByGateway.get() == 0 ? 0 : 1;
    }

    private void runTurns(SyntheticCaller caller, CallClock wire, byte[] utterance, Duration timeout, SipMeasurements measurements) {
        for (int turn = 0; turn < run.warmupTurns() + run.turns(); turn++) {
            boolean measured = turn >= run.warmupTurns();
            if (measured) {
                caller.measure();
            }
            int before = wire.answersSeen();
            int doneBefore = wire.answersDone();
            caller.say(utterance);
            try {
                // The answer is done at the service; its tail is still being paced to the caller as RTP.
                Flux.interval(Duration.ofMillis(10)).filter(t -> wire.answersDone() > doneBefore && caller.answerHeardNanos() != 0
                        && System.nanoTime() - caller.lastAudibleNanos() > QUIET.toNanos()).blockFirst(timeout);
            } catch (RuntimeException e) {
                if (measured) {
                    measurements.failed("no answer heard within " + timeout);
                }
                continue;
            }
            if (measured) {
                record(caller, wire, before, measurements);
            }
        }
    }

    private static void record(SyntheticCaller caller, CallClock wire, int answersBefore, SipMeasurements measurements) {
        CallClock.Answer answer = wire.answer(answersBefore);
        long heard = caller.answerHeardNanos();
        if (wire.answersSeen() != answersBefore + 1) {
            measurements.failed((wire.answersSeen() - answersBefore) + " answers in one turn (expected 1)");
            return;
        }
        if (answer == null || answer.audibleDeltaNanos == 0) {
            measurements.failed("an answer without audible audio");
            return;
        }
        measurements.record(SipStage.DELTA_TO_RTP, heard - answer.audibleDeltaNanos);
        if (answer.prebufferedNanos != 0) {
            measurements.record(SipStage.PREBUFFERED_TO_RTP, heard - Math.max(answer.prebufferedNanos, answer.audibleDeltaNanos));
        }
        measurements.turnsDone.incrementAndGet();
    }

    private void printTable(SipMeasurements measurements, List<CallClock> wires, List<SyntheticCaller> callers, int hungUpByGateway) {
        out.printf(Locale.ROOT, "%-28s %7s %9s %9s %9s %9s%n", "stage (ms)", "count", "p50", "p90", "p99", "max");
        for (SipStage stage : SipStage.values()) {
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
        long odd = wires.stream().mapToLong(w -> w.appendsNotOnePeriod.get()).sum();
        long unmatched = wires.stream().mapToLong(w -> w.appendsNotMatched.get()).sum();
        long found = wires.stream().mapToLong(w -> w.resyncs.get()).sum();
        long heard = callers.stream().mapToLong(SyntheticCaller::packetsHeard).sum();
        out.printf(Locale.ROOT, "turns: %d measured, %d failed; calls ended by the gateway: %d; RTP packets heard: %d%n",
                measurements.turnsDone.get(), measurements.turnsFailed.get(), hungUpByGateway, heard);
        out.printf(Locale.ROOT, "appends: %d, of which not one 20 ms period: %d; not the caller's audio (the jitter buffer's "
                + "silence): %d; times the caller's audio was found again after such silence: %d%n", appends, odd, unmatched, found);
        StringBuilder perCall = new StringBuilder();
        for (CallClock wire : wires) {
            Histogram h = wire.upstream();
            perCall.append(String.format(Locale.ROOT, " %.1f/%.1f/%.1f", ms(h.getMinValue()), ms(h.getValueAtPercentile(50)),
                    ms(h.getMaxValue())));
        }
        out.printf(Locale.ROOT, "RTP in -> append out by call, min/p50/max (ms):%s%n", perCall);
        measurements.failures.forEach((what, count) -> out.printf("  failed %d x: %s%n", count.get(), what));
        for (SipStage stage : SipStage.values()) {
            out.printf(Locale.ROOT, "  %s: %s%n", stage.label, stage.meaning);
        }
    }


    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
