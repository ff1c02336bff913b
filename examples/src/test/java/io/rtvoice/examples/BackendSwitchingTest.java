package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PcmSource;
import io.rtvoice.audio.Wav;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

/**
 * One test body, every backend on the class path that can run here, chosen by name only: switching
 * backends is a string, never a code change. (With a sound server that includes javasound and openal.)
 */
class BackendSwitchingTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static Stream<String> backends() {
        return AudioBackends.available().stream().map(AudioBackend::name);
    }

    /** A device for backends that need one named: the wav backend's files. */
    AudioSpec spec(String backend, String purpose) throws Exception {
        AudioSpec spec = AudioSpec.of(24_000);
        if (!backend.equals("wav")) {
            return spec;
        }
        Path file = dir.resolve(purpose + ".wav");
        if (purpose.equals("input")) {
            short[] tone = new short[24_000];
            for (int i = 0; i < tone.length; i++) {
                tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 24_000.0));
            }
            Wav.write(file, AudioFormat.pcm16(24_000, 1), Pcm.toBytes(tone));
        }
        return spec.device(file.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void playsCountsWhatWasPlayedAndStopsAtOnce(String name) throws Exception {
        AudioBackend backend = AudioBackends.named(name);
        short[] cycle = new short[24];
        for (int i = 0; i < cycle.length; i++) {
            cycle[i] = (short) (8000 * Math.sin(2 * Math.PI * i / cycle.length)); // 1 kHz
        }
        PcmSource tone = (out, offset, length) -> {
            for (int i = 0; i < length; i++) {
                out[offset + i] = cycle[i % cycle.length];
            }
            return length;
        };
        try (AudioOutput output = backend.openOutput(spec(name, "output"))) {
            output.start(tone);
            Flux.interval(Duration.ofMillis(5)).filter(t -> output.playedSamples() >= 7_200).blockFirst(TIMEOUT);
            long playedSoFar = output.playedSamples(); // read first: written only grows
            assertThat(output.writtenSamples()).isGreaterThanOrEqualTo(playedSoFar);
            output.stop();
            long played = output.playedSamples();
            assertThat(played).isGreaterThanOrEqualTo(7_200);
            assertThat(output.writtenSamples()).as("after a stop, nothing unplayed is counted").isEqualTo(played);
            assertThat(output.latency()).isPositive().isLessThan(Duration.ofMillis(500));
            System.out.printf("%s output: device %s, latency %d ms%n", name, output.device().name(), output.latency().toMillis());
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("rtvoice-" + name) && t.isAlive());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void capturesWholePeriodsOnOneSampleClock(String name) throws Exception {
        AudioBackend backend = AudioBackends.named(name);
        try (AudioInput input = backend.openInput(spec(name, "input"))) {
            List<AudioFrame> frames = input.frames().take(10).collectList().block(TIMEOUT);
            assertThat(frames).hasSize(10);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i).format()).isEqualTo(AudioFormat.pcm16(24_000, 1));
                assertThat(frames.get(i).samples()).isEqualTo(480);
                assertThat(frames.get(i).position()).isEqualTo(480L * i);
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("rtvoice-" + name) && t.isAlive());
    }
}
