package io.rtvoice.bench;

import io.rtvoice.audio.AudioEncoding;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code resample IN.wav OUT.wav --rate 24000 [--quality BEST] [--float]}: runs a WAV file through
 * rtvoice's {@link Resampler}, channel by channel, so its quality can be checked with sox or an audio
 * editor. The output is as long as the input (the filter's delay is removed, its tail drained).
 */
@Command(name = "resample", mixinStandardHelpOptions = true,
        description = "Resample a WAV file with rtvoice's resampler (for checking its quality with sox or an editor).")
final class ResampleCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.wav", description = "Any PCM (8/16/24/32-bit), float or G.711 WAV.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.wav", description = "Written (replaced) as 16-bit PCM, or float with --float.")
    Path output;

    @Option(names = "--rate", required = true, description = "Output sample rate in Hz, e.g. 24000.")
    int rate;

    @Option(names = "--quality", defaultValue = "BEST", description = "FAST, BALANCED or BEST (default: ${DEFAULT-VALUE}).")
    Resampler.Quality quality;

    @Option(names = "--float", description = "Write 32-bit float samples instead of 16-bit PCM.")
    boolean floatOutput;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException { // a file missing, unreadable or not WAV is reported by BenchMain's UserErrors
        Wav.Audio in = Wav.read(input);
        int channels = in.format().channels();
        float[][] planes = deinterleave(in);
        float[][] resampled = new float[channels][];
        Resampler first = null;
        long started = System.nanoTime();
        for (int c = 0; c < channels; c++) {
            Resampler resampler = Resampler.create(in.format().sampleRate(), rate, quality);
            first = first == null ? resampler : first;
            resampled[c] = resampleAligned(resampler, planes[c]);
        }
        long elapsed = System.nanoTime() - started;
        AudioFormat format = floatOutput ? AudioFormat.float32(rate, channels) : AudioFormat.pcm16(rate, channels);
        Wav.write(output, format, interleave(resampled, format.encoding()));

        double seconds = (double) planes[0].length / in.format().sampleRate();
        spec.commandLine().getOut().printf("%s: %s, %.3f s -> %s: %d Hz %s, %s, delay %d samples compensated, %.0fx real time%n",
                input, in.format(), seconds, output, rate, format.encoding(), quality, first.delaySamples(),
                seconds * channels / (elapsed / 1e9));
        return 0;
    }

    /** The resampled signal with its group delay removed, so it lines up with the input. */
    static float[] resampleAligned(Resampler resampler, float[] in) {
        float[] out = new float[resampler.maxOutput(in.length) + resampler.delaySamples()];
        int written = resampler.process(in, 0, in.length, out, 0);
        written += resampler.drain(out, written);
        int delay = Math.min(resampler.delaySamples(), written);
        long wanted = (long) Math.ceil((double) in.length * resampler.outputRateHz() / resampler.inputRateHz());
        int length = (int) Math.min(wanted, written - delay);
        float[] aligned = new float[length];
        System.arraycopy(out, delay, aligned, 0, length);
        return aligned;
    }

    private static float[][] deinterleave(Wav.Audio audio) {
        int channels = audio.format().channels();
        int frames = (int) audio.frames();
        float[][] planes = new float[channels][frames];
        ByteBuffer data = ByteBuffer.wrap(audio.data()).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < channels; c++) {
                planes[c][f] = switch (audio.format().encoding()) {
                    case PCM16 -> data.getShort() / 32768f;
                    case FLOAT32 -> data.getFloat();
                    default -> throw new IllegalStateException("Wav.read returns PCM16 or FLOAT32, not " + audio.format());
                };
            }
        }
        return planes;
    }

    private static byte[] interleave(float[][] planes, AudioEncoding encoding) {
        int frames = planes[0].length;
        float[] interleaved = new float[frames * planes.length];
        for (int c = 0; c < planes.length; c++) {
            for (int f = 0; f < frames; f++) {
                interleaved[f * planes.length + c] = planes[c][f];
            }
        }
        if (encoding == AudioEncoding.PCM16) {
            return Pcm.toBytes(Pcm.fromFloats(interleaved));
        }
        ByteBuffer out = ByteBuffer.allocate(interleaved.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(interleaved);
        return out.array();
    }

}
