package io.rtvoice.audio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whatever bytes a WAV file holds, {@link Wav#read(java.io.InputStream)} ends in audio or a
 * {@link Wav.WavFormatException} (its documented outcome: an {@link IOException} saying what is wrong),
 * never another throwable, a hang or an allocation the input did not pay for. And audio that reads back
 * is what the writer then writes and reads back again: same format, same bytes.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds in {@code WavFuzzTestInputs} (small WAVs: PCM16
 * mono and stereo, 8-, 24- and 32-bit PCM, 32- and 64-bit float, μ-law, A-law, {@code
 * WAVE_FORMAT_EXTENSIBLE}, {@code LIST} and {@code fact} chunks, a streaming size); with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 */
class WavFuzzTest {

    /** One scratch file for the round trip, reused by every input: the writer needs a path. */
    private static final Path SCRATCH = scratchFile();

    @FuzzTest(maxDuration = "10s")
    void anyBytesReadAsAudioOrATypedErrorAndRoundTrip(byte[] file) throws IOException {
        Wav.Audio audio;
        try {
            audio = Wav.read(new ByteArrayInputStream(file));
        } catch (Wav.WavFormatException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("a WavFormatException without a message", expected);
            }
            return;
        }
        AudioFormat format = audio.format();
        if (format.encoding() != AudioEncoding.PCM16 && format.encoding() != AudioEncoding.FLOAT32) {
            throw new AssertionError("read " + format + ": reading yields only PCM16 or FLOAT32");
        }
        // Decoding at most doubles the data (8-bit PCM and G.711 to PCM16; 24-bit to float is 4/3): a
        // result larger than that was not paid for by the input.
        if (audio.data().length > 2L * file.length) {
            throw new AssertionError(audio + " is " + audio.data().length + " bytes from a " + file.length + "-byte file");
        }

        Wav.write(SCRATCH, format, audio.data());
        Wav.Audio back = Wav.read(SCRATCH);
        if (!back.format().equals(format) || !Arrays.equals(back.data(), audio.data())) {
            throw new AssertionError("read " + audio + ", wrote it and read back " + back);
        }
    }

    private static Path scratchFile() {
        try {
            Path file = Files.createTempFile("wav-fuzz", ".wav");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
