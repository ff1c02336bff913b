package io.rtvoice.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.audio.PlayoutBuffer.State;
import io.rtvoice.audio.PlayoutBuffer.WriteResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The playout buffer driven by arrival traces against a simulated device: one tick is one 10 ms read
 * (240 samples at 24 kHz); the writes of a tick happen before its read. Written audio is a counter ramp,
 * so every sample that comes out can be identified.
 */
class PlayoutBufferTest {

    private static final int RATE = 24_000;
    private static final int PERIOD = 240; // 10 ms
    private static final int FADE = 72; // 3 ms

    /** The i-th sample of the ramp: never 0, so silence and audio cannot be confused. */
    static short ramp(long i) {
        return (short) (1 + i % 30_000);
    }

    /** Writes consecutive stretches of the ramp. */
    static final class RampWriter {
        final PlayoutBuffer buffer;
        long next;

        RampWriter(PlayoutBuffer buffer) {
            this.buffer = buffer;
        }

        WriteResult write(String item, int samples) {
            short[] chunk = new short[samples];
            for (int i = 0; i < samples; i++) {
                chunk[i] = ramp(next + i);
            }
            WriteResult result = buffer.write(item, chunk);
            if (result == WriteResult.ACCEPTED) {
                next += samples;
            }
            return result;
        }
    }

    /** The simulated device: reads one period per tick and keeps everything it got. */
    static final class Device {
        final PlayoutBuffer buffer;
        final int periodSamples;
        short[] period;
        short[] out = new short[1 << 16];
        int length;
        final List<Short> real = new ArrayList<>();
        int ticks;

        Device(PlayoutBuffer buffer, int periodSamples) {
            this.buffer = buffer;
            this.periodSamples = periodSamples;
            this.period = new short[periodSamples];
        }

        int tick() {
            return tick(periodSamples);
        }

        int tick(int samples) {
            if (samples > period.length) {
                period = new short[samples];
            }
            Arrays.fill(period, (short) 0x5555); // stale data must never leak out
            int n = buffer.read(period, 0, samples);
            assertThat(n).isBetween(0, samples);
            if (length + samples > out.length) {
                out = Arrays.copyOf(out, 2 * out.length + samples);
            }
            System.arraycopy(period, 0, out, length, samples);
            length += samples;
            for (int i = 0; i < samples; i++) {
                if (i < n) {
                    real.add(period[i]);
                } else {
                    assertThat(period[i]).as("silence after the real prefix").isZero();
                }
            }
            ticks++;
            return n;
        }

        void untilIdle() {
            int guard = 0;
            while (buffer.state() != State.IDLE) {
                tick();
                assertThat(++guard).as("drains").isLessThan(1_000_000);
            }
        }

        int maxStep() {
            int max = 0;
            for (int i = 1; i < length; i++) {
                max = Math.max(max, Math.abs(out[i] - out[i - 1]));
            }
            return max;
        }
    }

    private static PlayoutBuffer.Builder defaults() {
        return PlayoutBuffer.builder().sampleRate(RATE).targetMillis(80).underrunFadeMillis(3).flushFadeMillis(10);
    }

    // ------------------------------------------------------------ (a) bursty, faster than real time

    @Test
    void burstyFasterThanRealTimeDeltasNeverUnderrunAfterThePrebuffer() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        RampWriter writer = new RampWriter(buffer);
        // 60 deltas of 50 ms (3 s) arriving about twice as fast as real time, in jittered bursts.
        int deltas = 60;
        int[] arrivalTick = new int[deltas];
        for (int k = 1; k < deltas; k++) {
            arrivalTick[k] = Math.max(arrivalTick[k - 1], k * 5 / 2 + (k * 7 % 4));
        }
        int k = 0;
        int startTick = -1;
        long cumulative = 0;
        for (int tick = 0; k < deltas; tick++) {
            while (k < deltas && arrivalTick[k] == tick) {
                assertThat(writer.write("item_" + (k / 20), 1_200)).isEqualTo(WriteResult.ACCEPTED);
                cumulative += 1_200;
                k++;
            }
            if (startTick < 0 && cumulative >= 1_920) {
                startTick = tick;
            }
            device.tick();
        }
        buffer.endOfStream();
        device.untilIdle();

        PlayoutStats stats = buffer.stats();
        assertThat(stats.underruns()).isZero();
        assertThat(stats.concealedSamples()).isZero();
        assertThat(stats.playedSamples()).isEqualTo(stats.writtenSamples()).isEqualTo(60 * 1_200L);
        assertThat(stats.startupLatencySamples()).isEqualTo(startTick * (long) PERIOD);
        assertThat(stats.peakLevelSamples()).isGreaterThan(1_920);
        assertThat(device.real).hasSize(72_000);
        for (int i = 0; i < device.real.size(); i++) {
            assertThat(device.real.get(i)).isEqualTo(ramp(i));
        }
        assertThat(buffer.playedSamples("item_0")).isEqualTo(24_000);
        assertThat(buffer.playedSamples("item_2")).isEqualTo(24_000);
    }

    // ------------------------------------------------------------ (b) a 150 ms gap mid-stream

    /** 100 ms lead, then real-time 10 ms deltas, a 150 ms stall at tick 30, then the backlog at once. */
    private static Device replayGapTrace(PlayoutBuffer buffer, boolean constant) {
        Device device = new Device(buffer, PERIOD);
        RampWriter writer = new RampWriter(buffer);
        for (int tick = 0; tick <= 60; tick++) {
            int samples = tick == 0 ? 2_400 : tick < 30 ? 240 : tick < 45 ? 0 : tick == 45 ? 3_840 : 240;
            if (samples > 0) {
                if (constant) {
                    short[] dc = new short[samples];
                    Arrays.fill(dc, (short) 20_000);
                    buffer.write("item", dc);
                } else {
                    writer.write("item", samples);
                }
            }
            device.tick();
        }
        buffer.endOfStream();
        device.untilIdle();
        return device;
    }

    @Test
    void gapLongerThanTheBufferIsConcealedCountedAndExact() {
        PlayoutBuffer buffer = defaults().build();
        Device device = replayGapTrace(buffer, false);
        PlayoutStats stats = buffer.stats();
        // Before the gap the level is 2160 after each read. Reads at ticks 30..37 are full; at tick 38 only
        // 240 are left (< period + 72 reserve): played, faded out, underrun. Ticks 39..44 are silence (6 ticks),
        // and the backlog at tick 45 (3840 >= 1920) resumes playback in the same tick.
        assertThat(stats.underruns()).isEqualTo(1);
        assertThat(stats.concealedSamples()).isEqualTo(6 * PERIOD);
        assertThat(stats.concealedMillis()).isEqualTo(60.0);
        assertThat(stats.playedSamples()).isEqualTo(stats.writtenSamples());
        assertThat(stats.state()).isEqualTo(State.IDLE);

        // Every sample came out once, in order; only the 72 before and the 72 after the gap are scaled down.
        int gapEnd = 39 * PERIOD; // the real prefix ended with tick 38
        long scaled = 0;
        for (int i = 0; i < device.real.size(); i++) {
            short expected = ramp(i);
            short actual = device.real.get(i);
            boolean inFade = (i >= gapEnd - FADE && i < gapEnd) || (i >= gapEnd && i < gapEnd + FADE);
            if (inFade) {
                assertThat((int) actual).isBetween(1, expected - 1);
                scaled++;
            } else {
                assertThat(actual).as("sample %d", i).isEqualTo(expected);
            }
        }
        assertThat(scaled).isEqualTo(2 * FADE);
        // The silence sits exactly at ticks 39..44.
        for (int i = 39 * PERIOD; i < 45 * PERIOD; i++) {
            assertThat(device.out[i]).isZero();
        }
    }

    @Test
    void underrunFadesKeepTheEdgesFreeOfClicks() {
        PlayoutBuffer faded = defaults().build();
        int fadedStep = replayGapTrace(faded, true).maxStep();
        PlayoutBuffer cut = defaults().underrunFadeMillis(0).build();
        int cutStep = replayGapTrace(cut, true).maxStep();
        // A 20000 DC level: without fades the edges jump by 20000; with 72-sample fades by at most 20000/73.
        assertThat(cutStep).isEqualTo(20_000);
        assertThat(fadedStep).isLessThanOrEqualTo(20_000 / (FADE + 1) + 1);
        assertThat(faded.stats().underruns()).isEqualTo(cut.stats().underruns()).isEqualTo(1);
    }

    // ------------------------------------------------------------ (c) slow trickle

    private static void trickle(PlayoutBuffer buffer, Device device, int ticks) {
        RampWriter writer = new RampWriter(buffer);
        for (int tick = 0; tick < ticks; tick++) {
            writer.write("item", 192); // 8 ms per 10 ms: 0.8x real time
            device.tick();
        }
        buffer.endOfStream();
        device.untilIdle();
    }

    @Test
    void slowTrickleUnderrunsRepeatedlyButPlaysEverySampleOnceInOrder() {
        PlayoutBuffer buffer = defaults().underrunFadeMillis(0).build();
        Device device = new Device(buffer, PERIOD);
        trickle(buffer, device, 300);
        PlayoutStats stats = buffer.stats();
        assertThat(stats.underruns()).isGreaterThanOrEqualTo(3);
        assertThat(stats.playedSamples()).isEqualTo(stats.writtenSamples()).isEqualTo(300 * 192L);
        assertThat(device.real).hasSize(300 * 192);
        for (int i = 0; i < device.real.size(); i++) {
            assertThat(device.real.get(i)).as("sample %d", i).isEqualTo(ramp(i));
        }
        // All silence between the first and the last real sample is concealment, and nothing else is.
        int first = 0;
        while (device.out[first] == 0) {
            first++;
        }
        int last = device.length - 1;
        while (device.out[last] == 0) {
            last--;
        }
        long silenceInside = 0;
        for (int i = first; i <= last; i++) {
            silenceInside += device.out[i] == 0 ? 1 : 0;
        }
        assertThat(stats.concealedSamples()).isEqualTo(silenceInside).isPositive();
        assertThat(stats.readSamples()).isEqualTo((long) device.ticks * PERIOD);
    }

    @Test
    void slowTrickleWithFadesOnlyScalesTheEdges() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        trickle(buffer, device, 300);
        PlayoutStats stats = buffer.stats();
        assertThat(device.real).hasSize(300 * 192);
        long scaled = 0;
        for (int i = 0; i < device.real.size(); i++) {
            int actual = device.real.get(i);
            int expected = ramp(i);
            assertThat(actual).isBetween(1, expected);
            scaled += actual != expected ? 1 : 0;
        }
        // One fade-out per underrun and one fade-in per resume, each at most 72 samples.
        assertThat(scaled).isPositive().isLessThanOrEqualTo(2 * FADE * stats.underruns());
    }

    // ------------------------------------------------------------ (d) flush

    @Test
    void flushMidItemReportsEachItemToTheSampleAndIgnoresLateDeltas() {
        PlayoutBuffer buffer = defaults().flushFadeMillis(0).build();
        Device device = new Device(buffer, PERIOD);
        RampWriter writer = new RampWriter(buffer);
        writer.write("A", 2_400);
        writer.write("B", 2_400);
        for (int i = 0; i < 6; i++) {
            device.tick(441); // odd periods: positions fall between milliseconds
        }
        // 2646 samples read: all 2400 of A, 246 of B.
        FlushResult result = buffer.flush();
        assertThat(result.items()).extracting(ItemPlayout::itemId).containsExactly("A", "B");
        assertThat(result.item("A").orElseThrow().playedSamples()).isEqualTo(2_400);
        assertThat(result.item("A").orElseThrow().interrupted()).isFalse();
        ItemPlayout b = result.item("B").orElseThrow();
        assertThat(b.playedSamples()).isEqualTo(246);
        assertThat(b.playedMillis()).isEqualTo(10); // 10.25 ms, rounded down
        assertThat(b.receivedSamples()).isEqualTo(2_400);
        assertThat(b.interrupted()).isTrue();
        assertThat(result.discardedSamples()).isEqualTo(2_154);
        assertThat(result.fadeSamples()).isZero();
        assertThat(result.playedMillis("A")).isEqualTo(100);
        assertThat(result.playedMillis("unknown")).isZero();

        assertThat(device.tick()).isZero();
        assertThat(buffer.state()).isEqualTo(State.IDLE);
        assertThat(writer.write("B", 480)).isEqualTo(WriteResult.IGNORED);
        assertThat(writer.write("A", 480)).isEqualTo(WriteResult.IGNORED);
        assertThat(buffer.state()).isEqualTo(State.IDLE);
        assertThat(buffer.stats().ignoredSamples()).isEqualTo(960);
        assertThat(buffer.playedSamples("B")).isEqualTo(246);
        assertThat(writer.write("C", 2_400)).isEqualTo(WriteResult.ACCEPTED);
        assertThat(buffer.state()).isEqualTo(State.PREBUFFERING);
        device.tick();
        assertThat(device.real.get(device.real.size() - 1)).isEqualTo(ramp(4_800 + PERIOD - 1)); // C follows A and B on the ramp
        assertThat(device.real).hasSize(2_646 + PERIOD);
    }

    @Test
    void flushFadeIsTakenFromBufferedAudioAcrossTheItemBoundaryAndCountedExactly() {
        PlayoutBuffer buffer = defaults().build(); // 10 ms flush fade = 240 samples
        Device device = new Device(buffer, PERIOD);
        RampWriter writer = new RampWriter(buffer);
        writer.write("A", 2_400);
        writer.write("B", 2_400);
        for (int i = 0; i < 9; i++) {
            device.tick();
        }
        device.tick(120); // 2280 read: A has 120 left
        FlushResult result = buffer.flush();
        assertThat(result.fadeSamples()).isEqualTo(240);
        assertThat(result.playedSamples("A")).isEqualTo(2_400);
        assertThat(result.playedSamples("B")).isEqualTo(120);
        assertThat(result.playedMillis("B")).isEqualTo(5);
        assertThat(result.discardedSamples()).isEqualTo(2_400 - 120);

        assertThat(device.tick()).isEqualTo(240);
        for (int i = 0; i < 240; i++) {
            int original = ramp(2_280 + i);
            assertThat((int) device.out[device.length - 240 + i]).isEqualTo(original * (240 - i) / 241);
        }
        assertThat(device.tick()).isZero();
        assertThat(buffer.stats().playedSamples()).isEqualTo(2_520);
        assertThat(buffer.stats().discardedSamples()).isEqualTo(2_280);
    }

    @Test
    void flushBeforeAnythingPlayedReportsZero() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        new RampWriter(buffer).write("A", 1_000); // below the 1920-sample target
        device.tick();
        device.tick();
        FlushResult result = buffer.flush();
        assertThat(result.playedSamples("A")).isZero();
        assertThat(result.playedMillis("A")).isZero();
        assertThat(result.item("A").orElseThrow().receivedSamples()).isEqualTo(1_000);
        assertThat(result.fadeSamples()).isZero(); // nothing was audible, so nothing to fade
        assertThat(result.discardedSamples()).isEqualTo(1_000);
        assertThat(device.tick()).isZero();
    }

    @Test
    void flushAfterEverythingPlayedReportsTheFullDuration() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        new RampWriter(buffer).write("A", 2_400);
        for (int i = 0; i < 12; i++) {
            device.tick();
        }
        assertThat(buffer.state()).isEqualTo(State.REBUFFERING); // no endOfStream: the end looks like a stall
        FlushResult result = buffer.flush();
        ItemPlayout a = result.item("A").orElseThrow();
        assertThat(a.playedSamples()).isEqualTo(2_400);
        assertThat(a.playedMillis()).isEqualTo(100);
        assertThat(a.interrupted()).isFalse();
        assertThat(result.discardedSamples()).isZero();
    }

    @Test
    void afterADrainedStreamFlushHasNothingToTruncateButThePositionIsKept() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        new RampWriter(buffer).write("A", 2_400);
        buffer.endOfStream();
        device.untilIdle();
        assertThat(buffer.flush().items()).isEmpty();
        assertThat(buffer.playedSamples("A")).isEqualTo(2_400);
        assertThat(buffer.receivedSamples("A")).isEqualTo(2_400);
    }

    @Test
    void ignoredItemNeverPlays() {
        PlayoutBuffer buffer = defaults().build();
        buffer.ignoreItem("late");
        assertThat(buffer.write("late", new short[100])).isEqualTo(WriteResult.IGNORED);
        assertThat(buffer.state()).isEqualTo(State.IDLE);
        assertThat(buffer.stats().ignoredSamples()).isEqualTo(100);
    }

    // ------------------------------------------------------------ (e) two threads

    @Test
    @Timeout(120) // a guard against a hang only; nothing is measured in time
    void writerAndReaderThreadsLoseReorderAndDuplicateNothing() throws Exception {
        PlayoutBuffer buffer = defaults().underrunFadeMillis(0).targetMillis(20).build();
        int total = 480_000; // 20 s of audio
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch writerDone = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        short[] received = new short[total];
        int[] receivedCount = new int[1];

        Thread writer = new Thread(() -> {
            try {
                start.await();
                SplittableRandom random = new SplittableRandom(42);
                int written = 0;
                while (written < total) {
                    int n = Math.min(total - written, 1 + random.nextInt(3_000));
                    short[] chunk = new short[n];
                    for (int i = 0; i < n; i++) {
                        chunk[i] = ramp(written + i);
                    }
                    String item = "item_" + written / 50_000;
                    WriteResult result = random.nextBoolean() ? buffer.write(item, chunk) : buffer.write(item, Pcm.toBytes(chunk));
                    if (result != WriteResult.ACCEPTED) {
                        throw new AssertionError("write refused: " + result);
                    }
                    written += n;
                }
                buffer.endOfStream();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                writerDone.countDown();
            }
        }, "writer");
        Thread reader = new Thread(() -> {
            try {
                start.await();
                short[] period = new short[PERIOD];
                byte[] bytePeriod = new byte[2 * PERIOD];
                boolean viaBytes = false;
                // Ends once the writer is done and the stream has drained.
                while (writerDone.getCount() > 0 || buffer.state() != State.IDLE) {
                    int n;
                    if (viaBytes) {
                        n = buffer.read(bytePeriod, 0, bytePeriod.length) / 2;
                        Pcm.toShorts(bytePeriod, 0, period, 0, PERIOD);
                    } else {
                        n = buffer.read(period, 0, PERIOD);
                    }
                    viaBytes = !viaBytes;
                    if (receivedCount[0] + n > total) {
                        throw new AssertionError("more samples than written");
                    }
                    System.arraycopy(period, 0, received, receivedCount[0], n);
                    receivedCount[0] += n;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "reader");
        writer.start();
        reader.start();
        start.countDown();
        writer.join();
        reader.join();

        assertThat(failure.get()).isNull();
        assertThat(receivedCount[0]).isEqualTo(total);
        for (int i = 0; i < total; i++) {
            if (received[i] != ramp(i)) {
                assertThat(received[i]).as("sample %d", i).isEqualTo(ramp(i));
            }
        }
        PlayoutStats stats = buffer.stats();
        assertThat(stats.playedSamples()).isEqualTo(stats.writtenSamples()).isEqualTo(total);
        for (int item = 0; item < total / 50_000 + 1; item++) {
            String id = "item_" + item;
            assertThat(buffer.playedSamples(id)).isEqualTo(buffer.receivedSamples(id));
        }
    }

    // ------------------------------------------------------------ start, adaptation, overflow, stats

    @Test
    void startTimeoutStartsPlaybackBelowTheTarget() {
        PlayoutBuffer buffer = defaults().startTimeoutMillis(50).build();
        Device device = new Device(buffer, PERIOD);
        new RampWriter(buffer).write("A", 1_500);
        for (int tick = 0; tick < 5; tick++) {
            assertThat(device.tick()).isZero();
        }
        assertThat(device.tick()).isEqualTo(PERIOD); // 1200 samples of reader clock after the first write
        assertThat(buffer.stats().startupLatencySamples()).isEqualTo(1_200);
        assertThat(buffer.stats().startupLatencyMillis()).isEqualTo(50.0);
        assertThat(buffer.stats().concealedSamples()).isZero(); // waiting to start is not concealment
    }

    @Test
    void endOfStreamPlaysAShortResponseWithoutWaitingForTheTarget() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        new RampWriter(buffer).write("A", 300);
        assertThat(device.tick()).isZero();
        buffer.endOfStream();
        assertThat(buffer.state()).isEqualTo(State.DRAINING);
        assertThat(device.tick()).isEqualTo(PERIOD);
        assertThat(device.tick()).isEqualTo(60);
        assertThat(buffer.state()).isEqualTo(State.IDLE);
        assertThat(buffer.stats().underruns()).isZero();
        assertThat(buffer.stats().concealedSamples()).isZero();
    }

    @Test
    void adaptiveTargetGrowsAfterUnderrunsAndShrinksSlowlyBetweenStreams() {
        PlayoutBuffer buffer = defaults().adaptiveTarget(true).maxTargetMillis(300).build();
        Device device = new Device(buffer, PERIOD);
        trickle(buffer, device, 300);
        long underruns = buffer.stats().underruns();
        assertThat(underruns).isGreaterThanOrEqualTo(3);
        assertThat(buffer.stats().targetMillis()).isEqualTo(Math.min(300, 80 + 20 * underruns));
        double grown = buffer.stats().targetMillis();

        new RampWriter(buffer).write("B", 24_000);
        buffer.endOfStream();
        device.untilIdle();
        assertThat(buffer.stats().targetMillis()).isEqualTo(grown - 5);
    }

    @Test
    void writesBeyondTheCapacityAreRefusedWholeAndCounted() {
        PlayoutBuffer buffer = defaults().capacityMillis(100).build(); // 2400 samples
        RampWriter writer = new RampWriter(buffer);
        assertThat(writer.write("A", 2_000)).isEqualTo(WriteResult.ACCEPTED);
        assertThat(writer.write("A", 500)).isEqualTo(WriteResult.OVERFLOW);
        assertThat(writer.write("A", 10)).isEqualTo(WriteResult.OVERFLOW); // the rest of A would leave a hole
        assertThat(writer.write("B", 400)).isEqualTo(WriteResult.ACCEPTED);
        PlayoutStats stats = buffer.stats();
        assertThat(stats.overflows()).isEqualTo(1);
        assertThat(stats.droppedSamples()).isEqualTo(510);
        assertThat(stats.levelSamples()).isEqualTo(2_400);
        Device device = new Device(buffer, PERIOD);
        buffer.endOfStream();
        device.untilIdle();
        assertThat(buffer.playedSamples("A")).isEqualTo(2_000);
        assertThat(device.real).hasSize(2_400);
        for (int i = 0; i < 2_400; i++) {
            assertThat(device.real.get(i)).isEqualTo(ramp(i));
        }
    }

    @Test
    void ringGrowsBeyondItsFirstSecondWithoutLosingOrder() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        RampWriter writer = new RampWriter(buffer);
        writer.write("A", 10_000);
        device.tick();
        writer.write("A", 100_000); // past the initial one-second ring, while the read position is not 0
        writer.write("B", 7);
        buffer.endOfStream();
        device.untilIdle();
        assertThat(device.real).hasSize(110_007);
        for (int i = 0; i < device.real.size(); i++) {
            assertThat(device.real.get(i)).isEqualTo(ramp(i));
        }
    }

    @Test
    void statisticsMeasureDelayOnTheReaderClock() {
        PlayoutBuffer buffer = defaults().build();
        Device device = new Device(buffer, PERIOD);
        new RampWriter(buffer).write("A", 2_400);
        for (int i = 0; i < 10; i++) {
            device.tick();
        }
        PlayoutStats stats = buffer.stats();
        // Sample i was written at clock 0 and read at clock i.
        assertThat(stats.meanDelaySamples()).isEqualTo(1_199.5);
        assertThat(stats.lastDelaySamples()).isEqualTo(2_399);
        assertThat(stats.startupLatencySamples()).isZero();
        assertThat(stats.peakLevelMillis()).isEqualTo(100.0);
        assertThat(stats.levelSamples()).isZero();
        assertThat(stats.readSamples()).isEqualTo(2_400);
        assertThat(stats.targetMillis()).isEqualTo(80.0);
        // The last period left less than period + fade reserve: it played out faded and the buffer waits.
        assertThat(stats.underruns()).isEqualTo(1);
        assertThat(buffer.toString()).isEqualTo("PlayoutBuffer[REBUFFERING, 0 samples buffered at 24000 Hz]");
    }

    @Test
    void badArgumentsAreNamed() {
        PlayoutBuffer buffer = defaults().build();
        assertThatThrownBy(() -> buffer.write("A", new byte[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byteCount : 3");
        assertThatThrownBy(() -> buffer.read(new byte[3], 0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> buffer.write(null, new short[1])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> buffer.read(new short[4], 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> PlayoutBuffer.builder().targetMillis(-1)).hasMessage("targetMillis : -1 (expected: 0..10000)");
        assertThatThrownBy(() -> PlayoutBuffer.builder().sampleRate(0)).hasMessageContaining("sampleRate : 0");
        assertThatThrownBy(() -> PlayoutBuffer.builder().sampleRate(24_000).capacityMillis(50).build()).hasMessageContaining("capacityMillis : 50");
        assertThat(buffer.read(new short[0], 0, 0)).isZero();
        assertThat(buffer.write("A", new short[0])).isEqualTo(WriteResult.ACCEPTED);
        assertThat(buffer.state()).isEqualTo(State.IDLE);
    }
}
