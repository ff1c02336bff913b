package io.rtvoice.audio.openal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.audio.testing.ToneFit;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAL output rendered through OpenAL Soft's loopback device: no sound server, not real time, deterministic. */
class OpenAlLoopbackTest {

    private static final int DEVICE_RATE = 48_000;
    private static final int RATE = 24_000;
    private static final int CHUNK = DEVICE_RATE / 100; // render 10 ms at a time

    /** Renders {@code frames} stereo frames in 10 ms steps and returns them interleaved. */
    private static short[] render(OpenAlOutput output, int frames) {
        int channels = output.deviceFormat().channels();
        short[] all = new short[frames * channels];
        short[] chunk = new short[CHUNK * channels];
        for (int done = 0; done < frames; done += CHUNK) {
            int n = Math.min(CHUNK, frames - done);
            output.renderSamples(chunk, n);
            System.arraycopy(chunk, 0, all, done * channels, n * channels);
        }
        return all;
    }

    @Test
    void toneComesOutAtItsFrequencyAndLevelAndPlayedSamplesFollowsTheRender() throws InterruptedException {
        short[] tone = Signals.tone(1000, RATE, 0.5, 1.0); // -6 dBFS peak
        try (OpenAlOutput output = OpenAlBackend.loopback(DEVICE_RATE, 2).openOutput(AudioSpec.of(RATE))) {
            assertThat(output.isLoopback()).isTrue();
            assertThat(output.deviceFormat().sampleRate()).isEqualTo(DEVICE_RATE);
            ClipSource source = new ClipSource(tone);
            output.start(source);
            int renderedFrames = DEVICE_RATE * 6 / 5;
            short[] stereo = render(output, renderedFrames);
            output.playback().awaitWriterBlocked();
            long played = output.playedSamples();
            short[] left = OpenAlTesting.channel(stereo, 2, 0);
            short[] right = OpenAlTesting.channel(stereo, 2, 1);
            assertThat(right).as("both channels carry the mono source").isEqualTo(left);

            int onset = Signals.onset(left, 48, -30);
            assertThat(onset).isNotNegative();
            short[] body = Arrays.copyOfRange(left, onset + 2400, onset + DEVICE_RATE - 2400);
            ToneFit fit = Signals.fit(body, 1000, DEVICE_RATE, 0);
            double levelDb = 20 * Math.log10(fit.amplitude() / 0.5);
            System.out.printf("openal loopback 24k->48k 1 kHz: SNR %.1f dB, level %+.3f dB, onset %d frames, underruns %d%n",
                    fit.snrDb(), levelDb, onset, output.underruns());
            assertThat(fit.snrDb()).isGreaterThanOrEqualTo(60);
            assertThat(levelDb).isBetween(-0.5, 0.5);
            assertThat(output.underruns()).isZero();

            // What the device mixed of the source: the rendered frames since the audio began, at the source's rate.
            long renderedFromSource = (renderedFrames - onset) / 2;
            System.out.printf("openal loopback: playedSamples %d, rendered since onset %d (source samples), written %d%n",
                    played, renderedFromSource, output.writtenSamples());
            assertThat(played).isCloseTo(renderedFromSource, org.assertj.core.data.Offset.offset((long) RATE / 100));
        }
    }

    @Test
    void latencyFromWrittenToPlayedIsTheRing() throws InterruptedException {
        try (OpenAlOutput output = OpenAlBackend.loopback(DEVICE_RATE, 2).openOutput(AudioSpec.of(RATE))) {
            output.start(new ClipSource(Signals.tone(440, RATE, 0.3, 2.0)));
            render(output, DEVICE_RATE / 2);
            output.playback().awaitWriterBlocked();
            long queued = output.writtenSamples() - output.playedSamples();
            double queuedMs = queued * 1000.0 / RATE;
            System.out.printf("openal loopback latency: written-played %.1f ms, latency() %d ms%n", queuedMs,
                    output.latency().toMillis());
            // Blocked on the full 4 x 10 ms ring: the ring, less any of the next period already queued (not yet
            // counted as written), plus the resampler's 2.7 ms.
            assertThat(queuedMs).isBetween(20.0, 45.0);
            assertThat(output.latency().toMillis()).isBetween(40L, 45L);
        }
    }

    @Test
    void speechRendersUnchangedInShapeAndDuration(@TempDir Path dir) throws Exception {
        Wav.Audio speech = Signals.speech("The quick brown fox jumps over the lazy dog.", dir.resolve("speech.wav"));
        short[] voice22k = Pcm.toShorts(speech.data());
        short[] voice = convert(voice22k, speech.format().sampleRate(), RATE);
        short[] expected = convert(voice, RATE, DEVICE_RATE); // the source at the device rate

        try (OpenAlOutput output = OpenAlBackend.loopback(DEVICE_RATE, 2).openOutput(AudioSpec.of(RATE))) {
            output.start(new ClipSource(voice));
            short[] left = OpenAlTesting.channel(render(output, expected.length + DEVICE_RATE / 2), 2, 0);

            int onsetRendered = Signals.onset(left, 48, -45);
            int onsetExpected = Signals.onset(expected, 48, -45);
            int lead = 200;
            short[] a = Arrays.copyOfRange(expected, Math.max(0, onsetExpected - lead), expected.length);
            short[] b = Arrays.copyOfRange(left, Math.max(0, onsetRendered - 2 * lead), left.length);
            double[] best = Signals.bestCorrelation(a, b, 4 * lead);
            int durationRendered = lastAbove(left, 100) - onsetRendered;
            int durationExpected = lastAbove(expected, 100) - onsetExpected;
            System.out.printf("openal loopback speech: correlation %.5f, duration %d vs %d frames, underruns %d%n",
                    best[0], durationRendered, durationExpected, output.underruns());
            assertThat(best[0]).isGreaterThanOrEqualTo(0.9);
            assertThat(Math.abs(durationRendered - durationExpected)).isLessThanOrEqualTo(DEVICE_RATE / 50); // one period
        }
    }

    @Test
    void twoOutputsAtOnceKeepTheirOwnContexts() {
        try (OpenAlOutput low = OpenAlBackend.loopback(DEVICE_RATE, 2).openOutput(AudioSpec.of(RATE));
                OpenAlOutput high = OpenAlBackend.loopback(DEVICE_RATE, 2).openOutput(AudioSpec.of(RATE))) {
            low.start(new ClipSource(Signals.tone(500, RATE, 0.25, 1.0)));
            high.start(new ClipSource(Signals.tone(2000, RATE, 0.25, 1.0)));
            short[] lowOut = new short[DEVICE_RATE / 2];
            short[] highOut = new short[DEVICE_RATE / 2];
            short[] chunk = new short[CHUNK * 2];
            for (int done = 0; done < lowOut.length; done += CHUNK) { // interleaved renders from one thread
                low.renderSamples(chunk, CHUNK);
                System.arraycopy(OpenAlTesting.channel(chunk, 2, 0), 0, lowOut, done, CHUNK);
                high.renderSamples(chunk, CHUNK);
                System.arraycopy(OpenAlTesting.channel(chunk, 2, 0), 0, highOut, done, CHUNK);
            }
            for (Object[] c : new Object[][] {{lowOut, 500.0}, {highOut, 2000.0}}) {
                short[] out = (short[]) c[0];
                int onset = Signals.onset(out, 48, -30);
                ToneFit fit = Signals.fit(Arrays.copyOfRange(out, onset + 960, onset + 960 + DEVICE_RATE / 4), (double) c[1], DEVICE_RATE, 0);
                assertThat(fit.snrDb()).as("%s Hz alone on its own device", c[1]).isGreaterThanOrEqualTo(60);
            }
        }
    }

    @Test
    void closeWhilePlayingEndsTheThreadAndDeletesEveryAlObject() {
        OpenAlOutput output = OpenAlBackend.loopback(DEVICE_RATE, 2).openOutput(AudioSpec.of(RATE));
        output.start(new ClipSource(Signals.tone(1000, RATE, 0.5, 5.0)));
        render(output, DEVICE_RATE / 10); // the playback thread is now blocked on the full ring
        output.close();
        output.close(); // idempotent
        assertThat(OpenAlTesting.rtvoiceThreads()).isEmpty();
        OpenAlTesting.assertReleased(output);
    }

    @Test
    void stopDiscardsWhatIsQueuedAndStartResumes() {
        try (OpenAlOutput output = OpenAlBackend.loopback(DEVICE_RATE, 2).openOutput(AudioSpec.of(RATE))) {
            output.start(new ClipSource(Signals.tone(1000, RATE, 0.5, 5.0)));
            render(output, DEVICE_RATE / 10);
            output.stop(); // nobody renders: the blocked write must not hold stop up
            assertThat(output.writtenSamples()).isEqualTo(output.playedSamples());
            short[] after = render(output, 2 * CHUNK);
            // OpenAL Soft fades a stopped voice out over a few ms to avoid a click; after that, nothing.
            assertThat(Signals.rmsDbfs(after, CHUNK, after.length)).as("the discarded ring is never rendered").isLessThan(-90);
            output.start(new ClipSource(Signals.tone(1000, RATE, 0.5, 1.0)));
            short[] resumed = render(output, DEVICE_RATE / 10);
            assertThat(Signals.rmsDbfs(resumed, resumed.length / 2, resumed.length)).isGreaterThan(-12);
            assertThat(output.underruns()).isZero();
        }
    }

    @Test
    void isFoundByServiceLoaderWithItsNameAndPriority() {
        AudioBackend found = AudioBackends.all().stream().filter(b -> b.name().equals("openal")).findFirst().orElseThrow();
        assertThat(found).isInstanceOf(OpenAlBackend.class);
        assertThat(found.priority()).isEqualTo(10);
        assertThat(OpenAlBackend.loopback(DEVICE_RATE, 2).unavailableReason()).isEmpty();
    }

    @Test
    void aDeviceThatDoesNotExistIsNoDeviceWithTheNamesThereAre() {
        OpenAlBackend backend = new OpenAlBackend();
        assertThatThrownBy(() -> backend.openOutput(AudioSpec.of(RATE).device("no-such-device")))
                .isInstanceOfSatisfying(AudioDeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.NO_DEVICE))
                .hasMessageContaining("no-such-device").hasMessageContaining("devices: ");
        assertThatThrownBy(() -> backend.openInput(AudioSpec.of(RATE).device("no-such-device")))
                .isInstanceOfSatisfying(AudioDeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.NO_DEVICE))
                .hasMessageContaining("devices: ");
    }

    private static short[] convert(short[] in, int from, int to) {
        Resampler resampler = Resampler.create(from, to);
        short[] out = new short[resampler.maxOutput(in.length) + resampler.delaySamples() * 2 + 64];
        int n = resampler.process(in, 0, in.length, out, 0);
        n += resampler.drain(out, n);
        return Arrays.copyOf(out, n);
    }

    private static int lastAbove(short[] samples, int threshold) {
        for (int i = samples.length - 1; i >= 0; i--) {
            if (Math.abs(samples[i]) > threshold) {
                return i;
            }
        }
        return -1;
    }
}
