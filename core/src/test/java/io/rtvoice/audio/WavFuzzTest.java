package io.rtvoice.audio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

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
            // A stream that hands out a few bytes at a time (a socket, a pipe) is refused the same way.
            try {
                Wav.read(new Trickle(file));
            } catch (Wav.WavFormatException same) {
                if (!same.getMessage().equals(expected.getMessage())) {
                    throw new AssertionError("\"" + expected.getMessage() + "\" at once, \"" + same.getMessage()
                            + "\" a few bytes at a time");
                }
                return;
            }
            throw new AssertionError("refused at once (" + expected.getMessage() + "), read a few bytes at a time");
        }
        Wav.Audio trickled = Wav.read(new Trickle(file));
        if (!trickled.format().equals(audio.format()) || !Arrays.equals(trickled.data(), audio.data())) {
            throw new AssertionError("read " + audio + " at once, " + trickled + " a few bytes at a time");
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

    /** Hands out at most 3 bytes per read and skips at most 5 per skip, as a slow stream may. */
    private static final class Trickle extends InputStream {
        private final byte[] bytes;
        private int at;

        Trickle(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (at == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 3), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(Math.min(n, 5), bytes.length - at));
            at += (int) skipped;
            return skipped;
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
