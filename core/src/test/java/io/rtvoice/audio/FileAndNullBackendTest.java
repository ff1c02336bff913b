package io.rtvoice.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.audio.testing.Signals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** The two backends core carries: WAV files and nothing, through the real capture and playback loops. */
class FileAndNullBackendTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** espeak-ng speech (22,050 Hz) → WAV capture → our resampler → 24 kHz frames → WAV output: intact. */
    @Test
    void speechPassesThroughCaptureResampleAndFileIntact() throws Exception {
        Path source = dir.resolve("speech.wav");
        Wav.Audio speech = Signals.speech("The quick brown fox jumps over the lazy dog.", source);
        short[] original = Pcm.toShorts(speech.data());
        Path recorded = dir.resolve("recorded.wav");

        AudioSpec spec = AudioSpec.of(24_000).device(source.toString());
        WavAudioBackend files = WavAudioBackend.asFastAsPossible();
        List<AudioFrame> frames;
        try (AudioInput input = files.openInput(spec)) {
            frames = input.frames().collectList().block(TIMEOUT);
            assertThat(input.capturedSamples()).isEqualTo(frames.stream().mapToLong(AudioFrame::samples).sum());
        }
        try (Wav.Writer writer = Wav.Writer.create(recorded, spec.format())) {
            for (AudioFrame frame : frames) {
                writer.write(frame.toByteArray(), 0, frame.byteLength());
            }
        }
        short[] captured = Pcm.toShorts(Wav.read(recorded).data());

        // Frames are exactly one period and positioned by sample count, the last one partial.
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).position()).isEqualTo(i * 480L);
            assertThat(frames.get(i).samples()).isEqualTo(i < frames.size() - 1 ? 480 : frames.get(i).samples());
        }
        // Duration within one period of the source's.
        long expected = Math.round(original.length * 24_000.0 / 22_050);
        assertThat((long) captured.length).isCloseTo(expected, org.assertj.core.data.Offset.offset(480L));
        // The same speech: compare with the source resampled on its own, allowing for the filter's delay.
        Resampler reference = Resampler.create(22_050, 24_000);
        short[] ideal = new short[reference.maxOutput(original.length)];
        int n = reference.process(original, 0, original.length, ideal, 0);
        double[] best = Signals.bestCorrelation(java.util.Arrays.copyOf(ideal, n), captured, 200);
        assertThat(best[0]).isGreaterThan(0.999);
    }

    @Test
    void aWavOutputWritesExactlyWhatItPlayedAndStopDiscardsNothingPlayed() throws Exception {
        Path out = dir.resolve("out.wav");
        AtomicLong next = new AtomicLong();
        PcmSource ramp = (buffer, offset, length) -> {
            for (int i = 0; i < length; i++) {
                buffer[offset + i] = (short) next.getAndIncrement();
            }
            return length;
        };
        long played;
        try (AudioOutput output = WavAudioBackend.asFastAsPossible().openOutput(AudioSpec.of(16_000).device(out.toString()))) {
            output.start(ramp);
            Flux.interval(Duration.ofMillis(1)).filter(t -> output.writtenSamples() >= 16_000).blockFirst(TIMEOUT);
            output.stop();
            played = output.playedSamples();
            assertThat(output.writtenSamples()).isEqualTo(played); // nothing unplayed is counted after a stop
        }
        short[] file = Pcm.toShorts(Wav.read(out).data());
        assertThat((long) file.length).isEqualTo(played);
        for (int i = 0; i < file.length; i++) {
            assertThat(file[i]).isEqualTo((short) i);
        }
    }

    @Test
    void theNullBackendCapturesSilenceAtRealTimePaceAndPlaysNowhere() {
        NullAudioBackend none = new NullAudioBackend();
        try (AudioInput input = none.openInput(AudioSpec.of(24_000).period(Duration.ofMillis(10)))) {
            List<AudioFrame> frames = input.frames().take(5).collectList().block(TIMEOUT);
            assertThat(frames).extracting(AudioFrame::position).containsExactly(0L, 240L, 480L, 720L, 960L);
            assertThat(frames).allSatisfy(f -> assertThat(f.toByteArray()).containsOnly((byte) 0));
        }
        try (AudioOutput output = none.openOutput(AudioSpec.of(24_000))) {
            output.start(PcmSource.SILENCE);
            Flux.interval(Duration.ofMillis(5)).filter(t -> output.playedSamples() >= 2_400).blockFirst(TIMEOUT);
            long played = output.playedSamples(); // read first: written only grows
            assertThat(output.writtenSamples()).isGreaterThanOrEqualTo(played);
            assertThat(output.latency()).isEqualTo(Duration.ofMillis(40));
        }
    }

    @Test
    void closingDuringCaptureCompletesTheStreamAndEndsTheThread() {
        AudioInput input = new NullAudioBackend().openInput(AudioSpec.of(24_000));
        Flux<AudioFrame> frames = input.frames().cache();
        frames.take(2).blockLast(TIMEOUT);
        input.close();
        assertThat(frames.count().block(TIMEOUT)).isGreaterThanOrEqualTo(2);
        assertThat(liveThreads("rtvoice-null-capture")).isZero();
        input.close(); // idempotent
    }

    /**
     * stop() waits for the period being written, no more: the playback thread must not win the lock back
     * period after period (an unfair lock let it pull ~10 more periods, 200 ms of barge-in delay).
     */
    @Test
    void stopTakesEffectAfterAtMostThePeriodInProgress() {
        try (AudioOutput output = new NullAudioBackend().openOutput(AudioSpec.of(24_000))) {
            AtomicLong pulled = new AtomicLong();
            PcmSource counting = (out, offset, length) -> {
                pulled.addAndGet(length);
                return 0; // silence
            };
            int period = output.spec().periodSamples();
            for (int round = 0; round < 10; round++) {
                output.start(counting);
                long target = pulled.get() + 3L * period;
                Flux.interval(Duration.ofMillis(2)).filter(t -> pulled.get() >= target).blockFirst(TIMEOUT);
                long before = pulled.get();
                output.stop();
                assertThat(pulled.get() - before).as("periods pulled while stop() waited").isLessThanOrEqualTo(period);
            }
        }
    }

    @Test
    void closingDuringPlaybackEndsTheThread() {
        AudioOutput output = new NullAudioBackend().openOutput(AudioSpec.of(24_000));
        output.start(PcmSource.SILENCE);
        Flux.interval(Duration.ofMillis(5)).filter(t -> output.writtenSamples() > 0).blockFirst(TIMEOUT);
        output.close();
        assertThat(liveThreads("rtvoice-null-playback")).isZero();
        assertThatThrownBy(() -> output.start(PcmSource.SILENCE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void oneSubscriberAtATime() {
        try (AudioInput input = new NullAudioBackend().openInput(AudioSpec.of(24_000))) {
            input.frames().subscribe();
            assertThatThrownBy(() -> input.frames().blockFirst(TIMEOUT)).hasMessageContaining("one subscriber");
        }
    }

    @Test
    void devicesAndFormatsAreChecked() {
        assertThatThrownBy(() -> new NullAudioBackend().openInput(AudioSpec.of(24_000).device("speakers")))
                .isInstanceOfSatisfying(AudioDeviceException.class, e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.NO_DEVICE))
                .hasMessageContaining("'null'");
        assertThatThrownBy(() -> new WavAudioBackend().openInput(AudioSpec.of(24_000)))
                .isInstanceOf(AudioDeviceException.class).hasMessageContaining("name a file");
        assertThatThrownBy(() -> new WavAudioBackend().openInput(AudioSpec.of(24_000).device(dir.resolve("none.wav").toString())))
                .isInstanceOfSatisfying(AudioDeviceException.class, e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.NO_DEVICE));
        assertThatThrownBy(() -> new AudioSpec(AudioFormat.pcm16(48_000, 2), null, Duration.ofMillis(20)))
                .isInstanceOfSatisfying(AudioDeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.UNSUPPORTED_FORMAT))
                .hasMessageContaining("mono PCM16");
        assertThatThrownBy(() -> AudioSpec.of(44_100).period(Duration.ofNanos(10_000_001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number of samples");
        assertThatThrownBy(() -> AudioSpec.of(24_000).period(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5..200 ms");
    }

    @Test
    void backendsAreFoundByNameAndAMissingOneIsExplained() {
        assertThat(AudioBackends.all()).extracting(AudioBackend::name).contains("null", "wav");
        assertThat(AudioBackends.named("null")).isInstanceOf(NullAudioBackend.class);
        assertThatThrownBy(() -> AudioBackends.named("coreaudio"))
                .isInstanceOfSatisfying(AudioDeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.BACKEND_UNAVAILABLE))
                .hasMessageContaining("no audio backend 'coreaudio'").hasMessageContaining("null (available)")
                .hasMessageContaining("wav (available)");
    }

    @Test
    void withNoDeviceBackendTheDefaultIsAClearErrorNamingWhatCanRun() {
        // core's test class path has only the null and wav backends: like a headless server.
        assertThatThrownBy(AudioBackends::defaultBackend)
                .isInstanceOfSatisfying(AudioDeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.BACKEND_UNAVAILABLE))
                .hasMessageContaining("no audio device backend can run here")
                .hasMessageContaining("null (available)").hasMessageContaining("wav (available)");
    }

    static long liveThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count();
    }
}
