package io.rtvoice.audio.javasound;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PcmSource;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.audio.testing.ToneFit;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default output played into the default input: on CI a PulseAudio null sink whose monitor is the
 * default source, so what is captured is exactly what was played, through both lines, both of our
 * resamplers and the sound server.
 */
class JavaSoundLoopbackTest {

    private static final int RATE = 24_000;
    private static final AudioSpec SPEC = AudioSpec.of(RATE);
    private static final int PERIOD = SPEC.periodSamples();

    /** A captured frame, when it arrived and what the output had played by then. */
    private record Arrival(AudioFrame frame, long nanos, long played) {
    }

    /** Plays {@code samples} once, then silence; remembers when the sample at {@code mark} was pulled. */
    private static final class OnceSource implements PcmSource {
        private final short[] samples;
        private final int mark;
        private int next;
        private volatile long markNanos;

        OnceSource(short[] samples, int mark) {
            this.samples = samples;
            this.mark = mark;
        }

        @Override
        public int read(short[] out, int offset, int length) {
            if (next <= mark && mark < next + length) {
                markNanos = System.nanoTime() + (mark - next) * 1_000_000_000L / RATE;
            }
            int n = Math.max(0, Math.min(length, samples.length - next));
            System.arraycopy(samples, next, out, offset, n);
            java.util.Arrays.fill(out, offset + n, offset + length, (short) 0);
            next += n;
            return n;
        }
    }

    /** Plays {@code source} on {@code output} while capturing {@code frames} periods from {@code input}. */
    private static List<Arrival> playAndCapture(AudioInput input, AudioOutput output, PcmSource source, int frames)
            throws Exception {
        CountDownLatch capturing = new CountDownLatch(1);
        CompletableFuture<List<Arrival>> recording = input.frames()
                .map(f -> new Arrival(f, System.nanoTime(), output.playedSamples()))
                .doOnNext(a -> capturing.countDown())
                .take(frames).collectList().toFuture();
        assertThat(capturing.await(10, TimeUnit.SECONDS)).as("capture started").isTrue();
        output.start(source);
        return recording.get(frames * PERIOD / RATE + 20, TimeUnit.SECONDS); // real time plus slack for a slow machine
    }

    private static short[] samples(List<Arrival> arrivals) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        arrivals.forEach(a -> bytes.writeBytes(a.frame().toByteArray()));
        return Pcm.toShorts(bytes.toByteArray());
    }

    /** The last index from which a {@code window} has an RMS above {@code dbfs}, plus the window; or -1. */
    private static int end(short[] samples, int window, double dbfs) {
        for (int i = samples.length - window; i >= 0; i -= window / 4) {
            if (Signals.rmsDbfs(samples, i, i + window) > dbfs) {
                return i + window;
            }
        }
        return -1;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        assertThat(sorted).isNotEmpty();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void aTonePlayedIsCapturedAtItsFrequencyAndLevelAndPlayedSamplesFollowsTheDevice() throws Exception {
        JavaSoundBackend backend = JavaSoundTestDevices.backendWithLoopback();
        short[] tone = Signals.tone(1000, RATE, 0.5, 1.0); // −6 dBFS, 50 periods
        // Half a second of silence first, so the tone meets a device buffer as full as it stays in use.
        int leading = RATE / 2;
        short[] signal = new short[leading + tone.length];
        System.arraycopy(tone, 0, signal, leading, tone.length);
        OnceSource source = new OnceSource(signal, leading);
        List<Arrival> arrivals;
        long written;
        long played;
        Duration latency;
        try (AudioInput input = backend.openInput(SPEC); AudioOutput output = backend.openOutput(SPEC)) {
            arrivals = playAndCapture(input, output, source, 125); // 2.5 s: silence, the tone, silence
            written = output.writtenSamples();
            played = output.playedSamples();
            latency = output.latency();
        }
        short[] captured = samples(arrivals);
        int onset = Signals.onset(captured, 48, -30);
        int end = end(captured, 48, -30);
        assertThat(onset).as("tone onset in the capture").isPositive();

        // Frequency and level, per 100 ms block of the tone's middle. The median is the figure: this
        // machine's CPU is shared, and a starved playback thread (an underrun: a gap, not a wrong
        // sample) spoils one block, not the backend's conversion. Such blocks are counted and printed.
        ToneFit reference = Signals.fit(tone, 1000, RATE, 0);
        List<Double> snrs = new java.util.ArrayList<>();
        List<Double> levels = new java.util.ArrayList<>();
        for (int from = onset + 2400; from + 2400 <= onset + tone.length - 2400; from += 2400) {
            ToneFit fit = Signals.fit(java.util.Arrays.copyOfRange(captured, from, from + 2400), 1000, RATE, 0);
            snrs.add(fit.snrDb());
            levels.add(20 * Math.log10(fit.amplitude() / reference.amplitude()));
        }
        double snr = median(snrs);
        double levelDb = median(levels);
        long glitched = snrs.stream().filter(x -> x < 40).count();
        System.out.printf("javasound loopback 1 kHz: SNR %.1f dB (median of %d blocks, worst %.1f dB, %d below 40 dB),"
                + " level %+.3f dB vs played, tone length %d samples (played %d)%n",
                snr, snrs.size(), snrs.stream().mapToDouble(x -> x).min().orElseThrow(), glitched, levelDb, end - onset, tone.length);
        assertThat(snr).isGreaterThanOrEqualTo(40);
        assertThat(levelDb).isBetween(-1.0, 1.0);
        assertThat(end - onset).isBetween(tone.length - PERIOD, tone.length + PERIOD);

        // Played = written − buffered: never ahead of what was written, never behind by more than the device buffer.
        long bufferSamples = latency.toNanos() * RATE / 1_000_000_000L;
        long slack = bufferSamples + PERIOD; // one period of resampler delay and rounding at most
        assertThat(played).isBetween(written - slack, written);
        // When the capture has heard the end of the tone, the output must say it played (nearly) all of it.
        Arrival atEnd = arrivals.get(Math.min(arrivals.size() - 1, end / PERIOD + 1));
        assertThat(atEnd.played()).isGreaterThanOrEqualTo(signal.length - slack);

        // Latency: the first tone sample pulled by the output (steady state) → heard in the monitor capture.
        Arrival atOnset = arrivals.get(onset / PERIOD);
        long onsetNanos = atOnset.nanos() - (atOnset.frame().endPosition() - onset) * 1_000_000_000L / RATE;
        double roundTripMs = (onsetNanos - source.markNanos) / 1e6;
        System.out.printf("javasound latency: output line buffer %d ms (latency()); tone pulled → heard in capture %.1f ms"
                + " (output line + server + input line); written %d, played %d samples at the end%n",
                latency.toMillis(), roundTripMs, written, played);
        assertThat(latency).isEqualTo(Duration.ofMillis(JavaSoundBackend.OUTPUT_BUFFER_MILLIS));
    }

    @Test
    void speechPlayedAt22050IsCapturedAt24kWithItsDurationAndShape(@TempDir Path dir) throws Exception {
        JavaSoundBackend backend = JavaSoundTestDevices.backendWithLoopback();
        Wav.Audio speech = Signals.speech("The quick brown fox jumps over the lazy dog. This is a realtime voice test.",
                dir.resolve("speech.wav"));
        assertThat(speech.format().sampleRate()).isEqualTo(22_050);
        short[] source = Pcm.toShorts(speech.data());
        AudioSpec playSpec = new AudioSpec(AudioFormat.pcm16(22_050, 1), null, Duration.ofMillis(20));
        int frames = (int) ((source.length / 22_050.0 + 1.0) / 0.02) + 1;

        List<Arrival> arrivals;
        try (AudioInput input = backend.openInput(SPEC); AudioOutput output = backend.openOutput(playSpec)) {
            arrivals = playAndCapture(input, output, new OnceSource(source, 0), frames);
        }
        Path capturedWav = dir.resolve("captured.wav");
        Wav.write(capturedWav, SPEC.format(), Pcm.toBytes(samples(arrivals)));
        short[] captured = Pcm.toShorts(Wav.read(capturedWav).data());

        // The reference: the source at 24 kHz, by our resampler.
        Resampler resampler = Resampler.create(22_050, RATE);
        short[] reference = new short[resampler.maxOutput(source.length) + resampler.delaySamples() + 64];
        int n = resampler.process(source, 0, source.length, reference, 0);
        n += resampler.drain(reference, n);
        reference = java.util.Arrays.copyOf(reference, n);

        int refOnset = Signals.onset(reference, 240, -45);
        int capOnset = Signals.onset(captured, 240, -45);
        assertThat(capOnset).as("speech onset in the capture").isPositive();
        int refDuration = end(reference, 240, -45) - refOnset;
        int capDuration = end(captured, 240, -45) - capOnset;

        short[] ref = java.util.Arrays.copyOfRange(reference, refOnset, refOnset + refDuration);
        int from = Math.max(0, capOnset - PERIOD);
        short[] cap = java.util.Arrays.copyOfRange(captured, from, Math.min(captured.length, capOnset + refDuration + PERIOD));
        double[] correlation = Signals.bestCorrelation(ref, cap, 2 * PERIOD);
        // Also per half second, each at its own lag: one underrun on a starved, shared CPU shifts what
        // follows it, which spoils the single-lag figure but not the audio (see the tone test).
        List<Double> segments = new java.util.ArrayList<>();
        for (int at = 0; at + RATE / 2 <= ref.length; at += RATE / 2) {
            short[] part = java.util.Arrays.copyOfRange(ref, at, at + RATE / 2);
            if (Signals.rmsDbfs(part, 0, part.length) < -50) {
                continue; // a pause between words: nothing to correlate
            }
            int start = Math.max(0, from + at - 2 * PERIOD);
            short[] heard = java.util.Arrays.copyOfRange(captured, start, Math.min(captured.length, start + part.length + 6 * PERIOD));
            segments.add(Signals.bestCorrelation(part, heard, 6 * PERIOD)[0]);
        }
        double segmentMedian = median(segments);
        System.out.printf("javasound loopback speech: duration %d vs %d samples at 24 kHz, correlation %.4f at lag %d,"
                + " per half second median %.4f, worst %.4f of %d%n", capDuration, refDuration, correlation[0],
                (int) correlation[1] + from - capOnset, segmentMedian, segments.stream().mapToDouble(x -> x).min().orElseThrow(),
                segments.size());
        assertThat(segmentMedian).isGreaterThanOrEqualTo(0.9);
        assertThat(capDuration).isBetween(refDuration - PERIOD, refDuration + PERIOD);
    }
}
