package io.rtvoice.audio.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The backend of docs/audio-backends.md's "Writing a backend" works through core's loops, and its accounting holds. */
class MemoryBackendTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final AudioSpec AT_24K = AudioSpec.of(24_000);

    @Test
    void aClipIsCapturedResampledTo24kInWholePeriodsAndEnds() {
        short[] clip = Signals.tone(440, 16_000, 0.5, 1.0); // one second at the device's 16 kHz
        try (AudioInput input = new MemoryBackend(clip).openInput(AT_24K)) {
            List<AudioFrame> frames = input.frames().collectList().block(TIMEOUT);

            long samples = frames.stream().mapToLong(AudioFrame::samples).sum();
            assertThat(samples).isBetween(24_000L - 480, 24_000L + 480); // a second, give or take the filter's delay
            assertThat(frames.subList(0, frames.size() - 1)).allSatisfy(f -> assertThat(f.samples()).isEqualTo(480));
            assertThat(input.capturedSamples()).isEqualTo(samples);
        }
    }

    @Test
    void stopDiscardsWhatWasNotPlayedAndThePlayedCountMatchesTheRecording() {
        MemoryBackend backend = new MemoryBackend(new short[0]);
        MemoryBackend.Recorder device = backend.openPlayback(AT_24K);
        short[] tone = Signals.tone(440, 24_000, 0.5, 5.0);
        AtomicLong pulled = new AtomicLong();
        try (AudioOutput output = AudioOutput.open(device, AT_24K)) {
            output.start((out, offset, length) -> {
                long from = pulled.getAndAdd(length);
                int n = (int) Math.max(0, Math.min(length, tone.length - from));
                System.arraycopy(tone, (int) Math.min(from, tone.length), out, offset, n);
                java.util.Arrays.fill(out, offset + n, offset + length, (short) 0);
                return n;
            });
            // Half a second in, barge in.
            Flux.interval(Duration.ofMillis(5)).filter(t -> output.playedSamples() >= 12_000).blockFirst(TIMEOUT);
            long writtenBefore = output.writtenSamples();
            long discarded = output.stop();
            long played = output.playedSamples();

            assertThat(discarded).isPositive();
            // Played and discarded add up to what was written: what it was just before, or a period more.
            assertThat(played + discarded).isBetween(writtenBefore, writtenBefore + 480);
            assertThat(output.writtenSamples()).isEqualTo(played);
            // What the device recorded is what the output says was played, less the resampler's delay (< 10 ms).
            long recorded = device.recording().length;
            assertThat(played * 16 / 24).isBetween(recorded - 160, recorded);
            // It never plays again what stop() discarded: playback stays where it was until a new start.
            assertThat(device.recording().length).isEqualTo(recorded);
        }
    }
}
