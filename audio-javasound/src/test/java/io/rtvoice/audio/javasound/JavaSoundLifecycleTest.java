package io.rtvoice.audio.javasound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.PcmSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Opening, stopping and closing real lines: nothing leaks, nothing throws, threads end. */
class JavaSoundLifecycleTest {

    private static final AudioSpec SPEC = AudioSpec.of(24_000);

    @Test
    void closeDuringCaptureCompletesFramesAndEndsTheThread() throws Exception {
        JavaSoundBackend backend = JavaSoundTestDevices.backendWithDevices();
        AudioInput input = backend.openInput(SPEC);
        assertThat(input.device().isDefault()).isTrue();
        CountDownLatch threeFrames = new CountDownLatch(3);
        CompletableFuture<Void> done = new CompletableFuture<>();
        input.frames().subscribe(frame -> {
            assertThat(frame.samples()).isEqualTo(SPEC.periodSamples());
            threeFrames.countDown();
        }, done::completeExceptionally, () -> done.complete(null));
        assertThat(threeFrames.await(10, TimeUnit.SECONDS)).as("frames arrive").isTrue();

        input.close();

        done.get(10, TimeUnit.SECONDS); // completes, not fails
        assertThat(input.capturedSamples()).isGreaterThanOrEqualTo(3L * SPEC.periodSamples());
        assertThat(JavaSoundTestDevices.rtvoiceThreads()).isEmpty();
        input.close(); // idempotent
        StepVerifier.create(input.frames()).expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void closeDuringPlaybackEndsTheThreadAndLaterStartsAreRefused() throws Exception {
        JavaSoundBackend backend = JavaSoundTestDevices.backendWithDevices();
        AudioOutput output = backend.openOutput(SPEC);
        CountDownLatch tenPeriods = new CountDownLatch(10);
        output.start((out, offset, length) -> {
            tenPeriods.countDown();
            return PcmSource.SILENCE.read(out, offset, length);
        });
        assertThat(tenPeriods.await(10, TimeUnit.SECONDS)).as("the output pulls").isTrue();

        output.close();

        assertThat(output.writtenSamples()).isGreaterThanOrEqualTo(9L * SPEC.periodSamples());
        assertThat(JavaSoundTestDevices.rtvoiceThreads()).isEmpty();
        output.close(); // idempotent
        assertThatThrownBy(() -> output.start(PcmSource.SILENCE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopDiscardsWhatTheDeviceBuffersAndStartResumes() throws Exception {
        JavaSoundBackend backend = JavaSoundTestDevices.backendWithDevices();
        try (AudioOutput output = backend.openOutput(SPEC)) {
            CountDownLatch pulled = new CountDownLatch(5);
            PcmSource counting = (out, offset, length) -> {
                pulled.countDown();
                return PcmSource.SILENCE.read(out, offset, length);
            };
            output.start(counting);
            assertThat(pulled.await(10, TimeUnit.SECONDS)).isTrue();

            output.stop();

            assertThat(output.playedSamples()).isEqualTo(output.writtenSamples()); // the rest was discarded, not played
            CountDownLatch resumed = new CountDownLatch(3);
            output.start((out, offset, length) -> {
                resumed.countDown();
                return PcmSource.SILENCE.read(out, offset, length);
            });
            assertThat(resumed.await(10, TimeUnit.SECONDS)).as("start resumes").isTrue();
        }
        assertThat(JavaSoundTestDevices.rtvoiceThreads()).isEmpty();
    }

    @Test
    void theDefaultDeviceOpensByItsName() {
        JavaSoundBackend backend = JavaSoundTestDevices.backendWithDevices();
        String name = backend.outputDevices().get(0).name();
        try (AudioOutput output = backend.openOutput(SPEC.device(name))) {
            assertThat(output.device().name()).isEqualTo(name);
            assertThat(output.device().isDefault()).isTrue();
            assertThat(output.latency()).isEqualTo(Duration.ofMillis(JavaSoundBackend.OUTPUT_BUFFER_MILLIS));
        }
        String input = backend.inputDevices().get(0).name();
        try (AudioInput in = backend.openInput(SPEC.device(input))) {
            assertThat(in.device().name()).isEqualTo(input);
        }
    }
}
