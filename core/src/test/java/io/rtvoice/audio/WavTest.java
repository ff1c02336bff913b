package io.rtvoice.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavTest {

    @TempDir
    Path dir;

    @Test
    void pcm16AndFloatRoundTripExactly() throws IOException {
        short[] ramp = new short[4801];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (short) (i * 13 - 30_000);
        }
        AudioFormat mono = AudioFormat.pcm16(48_000, 1);
        Path pcm = dir.resolve("pcm.wav");
        Wav.write(pcm, mono, Pcm.toBytes(ramp));
        Wav.Audio back = Wav.read(pcm);
        assertThat(back.format()).isEqualTo(mono);
        assertThat(Pcm.toShorts(back.data())).isEqualTo(ramp);
        assertThat(Files.size(pcm)).isEqualTo(44 + 2 * ramp.length); // the canonical 44-byte header

        byte[] floats = floatBytes(0.5f, -0.25f, 1.0f, -1.0f);
        Path f = dir.resolve("float.wav");
        Wav.write(f, AudioFormat.float32(24_000, 2), floats);
        assertThat(Wav.read(f).format()).isEqualTo(AudioFormat.float32(24_000, 2));
        assertThat(Wav.read(f).data()).isEqualTo(floats);
    }

    @Test
    void g711FilesAreDecodedToPcm16() throws IOException {
        short[] speech = {0, 1000, -1000, 32767, -32768, 12345, -7};
        Path file = dir.resolve("ulaw.wav");
        Wav.write(file, AudioFormat.G711_ULAW_8K, G711.encodeMuLaw(speech));
        // a non-PCM header (cbSize, fact chunk) of 58 bytes, 7 codes, one pad byte: chunks are word-aligned
        assertThat(Files.size(file)).isEqualTo(58 + 7 + 1);
        Wav.Audio back = Wav.read(file);
        assertThat(back.format()).isEqualTo(AudioFormat.pcm16(8_000, 1));
        assertThat(Pcm.toShorts(back.data())).isEqualTo(G711.decodeMuLaw(G711.encodeMuLaw(speech)));
    }

    @Test
    void otherSampleWidthsBecomePcm16OrFloat() throws IOException {
        // 8-bit unsigned PCM
        Wav.Audio eight = Wav.read(stream(fmt(1, 1, 8000, 8), data(new byte[] {(byte) 128, (byte) 255, 0})));
        assertThat(Pcm.toShorts(eight.data())).containsExactly((short) 0, (short) (127 << 8), (short) -32768);
        // 24-bit signed PCM, inside WAVE_FORMAT_EXTENSIBLE
        Wav.Audio deep = Wav.read(stream(extensible(1, 1, 96_000, 24), data(new byte[] {0, 0, 0x40, 0, 0, (byte) 0xC0})));
        assertThat(deep.format()).isEqualTo(AudioFormat.float32(96_000, 1));
        assertThat(floats(deep.data())).containsExactly(0.5f, -0.5f);
        // 32-bit signed PCM and 64-bit float
        assertThat(floats(Wav.read(stream(fmt(1, 1, 8000, 32), data(le(4).putInt(Integer.MIN_VALUE).array()))).data()))
                .containsExactly(-1.0f);
        assertThat(floats(Wav.read(stream(fmt(3, 1, 8000, 64), data(le(8).putDouble(0.125).array()))).data()))
                .containsExactly(0.125f);
    }

    @Test
    void chunksItDoesNotNeedAreSkippedAndStreamingSizesMeanToTheEnd() throws IOException {
        byte[] list = chunk("LIST", "INFOISFT\u0005\u0000\u0000\u0000espeak".getBytes(StandardCharsets.ISO_8859_1)); // odd: padded
        byte[] samples = Pcm.toBytes(new short[] {1, 2, 3});
        byte[] unknownSize = chunk("data", samples);
        ByteBuffer.wrap(unknownSize).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -1); // 0xFFFFFFFF
        Wav.Audio audio = Wav.read(stream(fmt(1, 1, 22_050, 16), list, unknownSize));
        assertThat(audio.format()).isEqualTo(AudioFormat.pcm16(22_050, 1));
        assertThat(Pcm.toShorts(audio.data())).containsExactly(1, 2, 3);
    }

    @Test
    void aWriterCutOffBeforeCloseStillLeavesAReadableFile() throws IOException {
        Path file = dir.resolve("cut.wav");
        try (Wav.Writer writer = Wav.Writer.create(file, AudioFormat.pcm16(24_000, 1))) {
            writer.write(Pcm.toBytes(new short[] {7, 8, 9}), 0, 6);
            // as after a crash: the sizes are still "unknown"
            assertThat(Pcm.toShorts(Wav.read(file).data())).containsExactly(7, 8, 9);
            writer.write(Pcm.toBytes(new short[] {10}), 0, 2);
            assertThat(writer.dataBytes()).isEqualTo(8);
        }
        assertThat(Pcm.toShorts(Wav.read(file).data())).containsExactly(7, 8, 9, 10);
        assertThat(Files.size(file)).isEqualTo(44 + 8);
    }

    @Test
    void badFilesGetAnErrorSayingWhatIsWrong() {
        assertThatThrownBy(() -> Wav.read(new ByteArrayInputStream("ID3\u0004 this is an mp3".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(Wav.WavFormatException.class).hasMessageContaining("not a WAV file");
        assertThatThrownBy(() -> Wav.read(stream(data(new byte[4]))))
                .isInstanceOf(Wav.WavFormatException.class).hasMessageContaining("data chunk before the fmt chunk");
        assertThatThrownBy(() -> Wav.read(stream(fmt(0x55, 2, 44_100, 0), data(new byte[4]))))
                .isInstanceOf(Wav.WavFormatException.class).hasMessageContaining("format tag 0x55");
        assertThatThrownBy(() -> Wav.read(stream(fmt(1, 0, 44_100, 16), data(new byte[4]))))
                .isInstanceOf(Wav.WavFormatException.class).hasMessageContaining("0 channels");
        byte[] truncated = chunk("data", new byte[100]);
        assertThatThrownBy(() -> Wav.read(stream(fmt(1, 1, 8000, 16), java.util.Arrays.copyOf(truncated, 50))))
                .isInstanceOf(Wav.WavFormatException.class).hasMessageContaining("says 100 bytes, the file has 42");
        assertThatThrownBy(() -> Wav.read(stream(fmt(1, 1, 8000, 16))))
                .isInstanceOf(Wav.WavFormatException.class).hasMessageContaining("no data chunk");
    }

    @Test
    void theWriterTakesOnlyWholeFrames() throws IOException {
        try (Wav.Writer writer = Wav.Writer.create(dir.resolve("x.wav"), AudioFormat.pcm16(48_000, 2))) {
            assertThatThrownBy(() -> writer.write(new byte[6], 0, 6))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 bytes is not a whole number of 4-byte frames");
        }
    }

    @Test
    void aHalfFrameAtTheEndIsDropped() throws IOException {
        Wav.Audio audio = Wav.read(stream(fmt(1, 2, 8000, 16), data(new byte[10])));
        assertThat(audio.frames()).isEqualTo(2);
        assertThat(audio.toString()).contains("2 frames");
    }

    /** The seeds WavFuzzTest starts from are WAVs that read: the fuzzer mutates real files. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "pcm16_mono, PCM16, 24000, 1, 8",
        "pcm16_stereo, PCM16, 48000, 2, 4",
        "float32_mono, FLOAT32, 44100, 1, 4",
        "float64_mono, FLOAT32, 8000, 1, 3",
        "pcm8_mono, PCM16, 8000, 1, 7",
        "mulaw_mono, PCM16, 8000, 1, 5",
        "alaw_mono, PCM16, 8000, 1, 4",
        "pcm24_extensible, FLOAT32, 96000, 1, 2",
        "pcm32_with_list, FLOAT32, 16000, 1, 2",
        "streaming_unknown_size, PCM16, 22050, 1, 3",
    })
    void theFuzzSeedsAreWavsThatRead(String seed, AudioEncoding encoding, int rate, int channels, long frames)
            throws IOException {
        String path = "WavFuzzTestInputs/anyBytesReadAsAudioOrATypedErrorAndRoundTrip/" + seed;
        try (InputStream in = WavTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            Wav.Audio audio = Wav.read(in);
            assertThat(audio.format()).isEqualTo(new AudioFormat(rate, channels, encoding));
            assertThat(audio.frames()).isEqualTo(frames);
        }
    }

    // ---- hand-made WAV streams ----

    static ByteArrayInputStream stream(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteBuffer riff = le(12).put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.size())
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(riff.array());
        all.writeBytes(body.toByteArray());
        return new ByteArrayInputStream(all.toByteArray());
    }

    static byte[] fmt(int tag, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        return chunk("fmt ", le(16).putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * align)
                .putShort((short) align).putShort((short) bits).array());
    }

    static byte[] extensible(int subTag, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        ByteBuffer b = le(40).putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * align)
                .putShort((short) align).putShort((short) bits).putShort((short) 22).putShort((short) bits).putInt(0)
                .putShort((short) subTag);
        return chunk("fmt ", b.array()); // the rest of the GUID is zeros here; only its first two bytes matter
    }

    static byte[] data(byte[] samples) {
        return chunk("data", samples);
    }

    static byte[] chunk(String id, byte[] body) {
        ByteBuffer b = le(8 + body.length + (body.length & 1)).put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] floatBytes(float... values) {
        ByteBuffer b = le(values.length * 4);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
