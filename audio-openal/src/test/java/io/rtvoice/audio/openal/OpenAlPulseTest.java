package io.rtvoice.audio.openal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PcmSource;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.audio.testing.ToneFit;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real devices through a sound server: the OpenAL output plays into a (null) sink and the OpenAL input
 * captures the sink's monitor. Skipped, with the reason, where OpenAL finds no such devices, unless
 * {@code RTVOICE_REQUIRE_AUDIO=1} (CI), where that is a failure.
 */
class OpenAlPulseTest {

    private static final int RATE = 24_000;
    private static final OpenAlBackend BACKEND = new OpenAlBackend();
    private static String monitor;

    /** Why the devices are not there, or null; found once. */
    private static String missing;

    @BeforeAll
    static void findDevices() {
        missing = BACKEND.unavailableReason().orElse(null);
        if (missing == null) {
            System.out.println("openal outputs " + BACKEND.outputDevices().stream().map(AudioDevice::name).toList()
                    + ", inputs " + BACKEND.inputDevices().stream().map(AudioDevice::name).toList());
            monitor = BACKEND.inputDevices().stream().map(AudioDevice::name)
                    .filter(name -> name.toLowerCase(java.util.Locale.ROOT).contains("monitor")).findFirst().orElse(null);
            if (monitor == null) {
                missing = "OpenAL lists no monitor capture device to record the output from: " + BACKEND.inputDevices();
            }
        }
    }

    @BeforeEach
    void requireDevices() {
        if (missing != null) {
            if ("1".equals(System.getenv("RTVOICE_REQUIRE_AUDIO"))) {
                fail("RTVOICE_REQUIRE_AUDIO=1 but " + missing);
            }
            System.out.println("OpenAlPulseTest skipped: " + missing);
            assumeTrue(false, missing);
        }
    }

    /** Collects captured frames; counts down a latch per frame. */
    private static final class Recorder {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch first = new CountDownLatch(1);
        volatile CountDownLatch enough = new CountDownLatch(Integer.MAX_VALUE);
        final CompletableFuture<Void> done = new CompletableFuture<>();

        void subscribe(AudioInput input) {
            input.frames().subscribe(this::accept, done::completeExceptionally, () -> done.complete(null));
        }

        private void accept(AudioFrame frame) {
            synchronized (bytes) {
                bytes.write(frame.toByteArray(), 0, frame.byteLength());
            }
            first.countDown();
            enough.countDown();
        }

        short[] samples() {
            synchronized (bytes) {
                return Pcm.toShorts(bytes.toByteArray());
            }
        }
    }

    @Test
    void toneThroughTheSinkComesBackFromItsMonitorAtItsFrequencyAndLevel() throws Exception {
        short[] tone = Signals.tone(1000, RATE, 0.5, 1.0);
        Recorder recorder = new Recorder();
        try (AudioInput input = BACKEND.openInput(AudioSpec.of(RATE).device(monitor));
                OpenAlOutput output = BACKEND.openOutput(AudioSpec.of(RATE))) {
            recorder.subscribe(input);
            assertThat(recorder.first.await(5, TimeUnit.SECONDS)).as("capture delivers").isTrue();
            CountDownLatch halfway = new CountDownLatch(1);
            AtomicLong pulled = new AtomicLong();
            ClipSource clip = new ClipSource(tone);
            PcmSource source = (out, offset, length) -> {
                int real = clip.read(out, offset, length);
                if (pulled.addAndGet(length) >= RATE / 2) {
                    halfway.countDown();
                }
                return real;
            };
            long startedAt = input.capturedSamples();
            recorder.enough = new CountDownLatch(80); // 1.6 s of 20 ms frames from here
            output.start(source);
            assertThat(halfway.await(5, TimeUnit.SECONDS)).isTrue();
            long outputQueued = output.writtenSamples() - output.playedSamples();
            System.out.printf("openal pulse output: latency() %d ms, written-played %.1f ms, device %s at %s%n",
                    output.latency().toMillis(), outputQueued * 1000.0 / RATE, output.device().name(), output.deviceFormat());
            assertThat(recorder.enough.await(10, TimeUnit.SECONDS)).as("1.6 s captured").isTrue();
            short[] captured = recorder.samples();
            int onset = Signals.onset(Arrays.copyOfRange(captured, (int) startedAt, captured.length), 48, -30);
            assertThat(onset).as("the tone is captured").isNotNegative();
            int from = (int) startedAt + onset;
            ToneFit fit = Signals.fit(Arrays.copyOfRange(captured, from + RATE / 10, from + RATE * 9 / 10), 1000, RATE, 0);
            double levelDb = 20 * Math.log10(fit.amplitude() / 0.5);
            System.out.printf("openal pulse play->capture 1 kHz: SNR %.1f dB, level %+.2f dB, round trip %.1f ms "
                    + "(output start to captured onset), underruns %d%n", fit.snrDb(), levelDb, onset * 1000.0 / RATE,
                    output.underruns());
            assertThat(fit.snrDb()).isGreaterThanOrEqualTo(60);
            assertThat(levelDb).isBetween(-1.0, 1.0);
            assertThat(outputQueued * 1000.0 / RATE).isPositive();
        }
        recorder.done.get(5, TimeUnit.SECONDS);
        assertThat(OpenAlTesting.rtvoiceThreads()).isEmpty();
    }

    @Test
    void closeDuringCaptureCompletesTheFramesAndEndsTheThread() throws Exception {
        Recorder recorder = new Recorder();
        AudioInput input = BACKEND.openInput(AudioSpec.of(RATE).device(monitor));
        recorder.enough = new CountDownLatch(3);
        recorder.subscribe(input);
        assertThat(recorder.enough.await(5, TimeUnit.SECONDS)).isTrue();
        input.close();
        recorder.done.get(5, TimeUnit.SECONDS); // completes, not errors
        input.close();
        assertThat(OpenAlTesting.rtvoiceThreads()).isEmpty();
        assertThat(input.capturedSamples()).isGreaterThanOrEqualTo(3L * RATE / 50);
    }

    @Test
    void closeDuringPlaybackEndsTheThreadAndDeletesEveryAlObject() throws Exception {
        OpenAlOutput output = BACKEND.openOutput(AudioSpec.of(RATE));
        CountDownLatch playing = new CountDownLatch(10);
        ClipSource clip = new ClipSource(Signals.tone(440, RATE, 0.3, 5.0));
        output.start((out, offset, length) -> {
            playing.countDown();
            return clip.read(out, offset, length);
        });
        assertThat(playing.await(5, TimeUnit.SECONDS)).isTrue();
        output.close();
        assertThat(OpenAlTesting.rtvoiceThreads()).isEmpty();
        OpenAlTesting.assertReleased(output);
        assertThat(output.failure()).isNull();
    }

    @Test
    void twoOutputsOnTheSameDeviceAtOnce() throws Exception {
        try (OpenAlOutput a = BACKEND.openOutput(AudioSpec.of(RATE));
                OpenAlOutput b = BACKEND.openOutput(AudioSpec.of(16_000))) {
            CountDownLatch both = new CountDownLatch(2 * 25);
            a.start((out, offset, length) -> {
                both.countDown();
                return PcmSource.SILENCE.read(out, offset, length);
            });
            b.start((out, offset, length) -> {
                both.countDown();
                return PcmSource.SILENCE.read(out, offset, length);
            });
            assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(List.of(a.failure() == null, b.failure() == null)).containsOnly(true);
        }
    }
}
