package io.rtvoice.audio;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * WAV files: read any common PCM WAV into rtvoice's {@link AudioFormat}s, write PCM16, float32 and
 * G.711 WAVs, and stream one to disk as audio arrives.
 *
 * <p>Reading understands format tags PCM (8, 16, 24, 32 bits), IEEE float (32, 64 bits), A-law,
 * μ-law and {@code WAVE_FORMAT_EXTENSIBLE} wrapping any of them; skips chunks it does not need
 * ({@code LIST}, {@code fact}, …); and accepts a {@code data} size of 0 or 0xFFFFFFFF, which streaming
 * writers leave behind, as "to the end of the file". 8- and 16-bit samples and G.711 (decoded) come back
 * as {@link AudioEncoding#PCM16}; 24- and 32-bit integers and 32- and 64-bit floats as
 * {@link AudioEncoding#FLOAT32}, so no precision a 16-bit pipeline could use is lost.
 */
public final class Wav {

    private static final int TAG_PCM = 1;
    private static final int TAG_FLOAT = 3;
    private static final int TAG_ALAW = 6;
    private static final int TAG_MULAW = 7;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private Wav() {
    }

    /** A whole WAV file's audio: its format and its bytes in that format. */
    public record Audio(AudioFormat format, byte[] data) {
        public Audio {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(data, "data");
            if (data.length % format.bytesPerFrame() != 0) {
                throw new IllegalArgumentException(data.length + " bytes is not a whole number of " + format.bytesPerFrame()
                        + "-byte frames of " + format);
            }
        }

        /** How many frames (samples per channel). */
        public long frames() {
            return data.length / format.bytesPerFrame();
        }

        @Override
        public String toString() {
            return "Wav.Audio[" + format + ", " + frames() + " frames]";
        }
    }

    /** Reads a whole WAV file. */
    public static Audio read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (WavFormatException e) {
            throw new WavFormatException(file.getFileName() + ": " + e.getMessage());
        }
    }

    /** Reads a whole WAV stream (not closed). */
    public static Audio read(InputStream in) throws IOException {
        byte[] riff = in.readNBytes(12);
        if (riff.length < 12 || !ascii(riff, 0, "RIFF") || !ascii(riff, 8, "WAVE")) {
            throw new WavFormatException("not a WAV file: no RIFF/WAVE header");
        }
        Source source = null;
        while (true) {
            byte[] header = in.readNBytes(8);
            if (header.length < 8) {
                throw new WavFormatException(source == null ? "no fmt chunk" : "no data chunk");
            }
            String id = new String(header, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long size = ByteBuffer.wrap(header, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            if (id.equals("fmt ")) {
                if (size < 16 || size > 1024) {
                    throw new WavFormatException("fmt chunk of " + size + " bytes");
                }
                byte[] fmt = in.readNBytes((int) size);
                if (fmt.length < size) {
                    throw new WavFormatException("truncated fmt chunk");
                }
                source = Source.parse(fmt);
                skipPadding(in, size);
            } else if (id.equals("data")) {
                if (source == null) {
                    throw new WavFormatException("data chunk before the fmt chunk");
                }
                byte[] data;
                if (size == 0 || size == UNKNOWN_SIZE) {
                    data = in.readAllBytes(); // a streaming writer never came back to fill in the size
                } else {
                    if (size > Integer.MAX_VALUE - 8) {
                        throw new WavFormatException("data chunk of " + size + " bytes is too large to read into memory");
                    }
                    data = in.readNBytes((int) size);
                    if (data.length < size) {
                        throw new WavFormatException("truncated: the data chunk says " + size + " bytes, the file has "
                                + data.length);
                    }
                }
                int whole = data.length - data.length % source.blockAlign;
                return source.convert(data, whole);
            } else {
                try {
                    in.skipNBytes(size + (size & 1)); // LIST, fact, cue, ...: chunks are word-aligned
                } catch (java.io.EOFException e) {
                    throw new WavFormatException("truncated " + id.strip() + " chunk");
                }
            }
        }
    }

    /** Writes {@code audio} as a WAV file, replacing {@code file}. */
    public static void write(Path file, AudioFormat format, byte[] data) throws IOException {
        try (Writer writer = Writer.create(file, format)) {
            writer.write(data, 0, data.length);
        }
    }

    /**
     * A WAV file written as audio arrives: the header's sizes are filled in on {@link #close()}, so a
     * file cut off early (a crash) still reads back, as "data to the end".
     */
    public static final class Writer implements Closeable {
        private final FileChannel channel;
        private final AudioFormat format;
        private long dataBytes;
        private boolean closed;

        private Writer(FileChannel channel, AudioFormat format) {
            this.channel = channel;
            this.format = format;
        }

        /** Creates or replaces {@code file} and writes the header. */
        public static Writer create(Path file, AudioFormat format) throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            try {
                Writer writer = new Writer(channel, format);
                writeFully(channel, writer.header(UNKNOWN_SIZE));
                return writer;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        /** Appends {@code length} bytes of audio in this writer's format. */
        public void write(byte[] data, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("the WAV writer is closed");
            }
            Objects.checkFromIndexSize(offset, length, data.length);
            if (length % format.bytesPerFrame() != 0) {
                throw new IllegalArgumentException(length + " bytes is not a whole number of " + format.bytesPerFrame()
                        + "-byte frames of " + format);
            }
            writeFully(channel, ByteBuffer.wrap(data, offset, length));
            dataBytes += length;
        }

        /** Bytes of audio written so far. */
        public long dataBytes() {
            return dataBytes;
        }

        /** Fills in the sizes and closes the file. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (channel) {
                if (dataBytes % 2 == 1) {
                    writeFully(channel, ByteBuffer.wrap(new byte[1])); // chunks are word-aligned
                }
                channel.position(0);
                writeFully(channel, header(Math.min(dataBytes, UNKNOWN_SIZE - 64)));
            }
        }

        private ByteBuffer header(long dataSize) {
            int tag = switch (format.encoding()) {
                case PCM16 -> TAG_PCM;
                case FLOAT32 -> TAG_FLOAT;
                case ALAW -> TAG_ALAW;
                case MULAW -> TAG_MULAW;
            };
            boolean nonPcm = tag != TAG_PCM; // non-PCM fmt chunks carry cbSize, and a fact chunk
            int fmtSize = nonPcm ? 18 : 16;
            ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + (nonPcm ? 12 : 0) + 8).order(ByteOrder.LITTLE_ENDIAN);
            long riffSize = dataSize == UNKNOWN_SIZE ? UNKNOWN_SIZE : b.capacity() - 8 + dataSize + (dataSize & 1);
            b.put(bytes("RIFF")).putInt((int) riffSize).put(bytes("WAVE"));
            b.put(bytes("fmt ")).putInt(fmtSize).putShort((short) tag).putShort((short) format.channels())
                    .putInt(format.sampleRate()).putInt(format.sampleRate() * format.bytesPerFrame())
                    .putShort((short) format.bytesPerFrame()).putShort((short) (format.bytesPerSample() * 8));
            if (nonPcm) {
                b.putShort((short) 0);
                long frames = dataSize == UNKNOWN_SIZE ? 0 : dataSize / format.bytesPerFrame();
                b.put(bytes("fact")).putInt(4).putInt((int) frames);
            }
            b.put(bytes("data")).putInt((int) dataSize);
            return b.flip();
        }
    }

    /** What the fmt chunk says, and how to turn its samples into one of our encodings. */
    private record Source(int tag, int channels, int sampleRate, int blockAlign, int bits) {

        static Source parse(byte[] fmt) throws WavFormatException {
            ByteBuffer b = ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN);
            int tag = b.getShort(0) & 0xFFFF;
            int channels = b.getShort(2) & 0xFFFF;
            long sampleRate = b.getInt(4) & 0xFFFFFFFFL;
            int blockAlign = b.getShort(12) & 0xFFFF;
            int bits = b.getShort(14) & 0xFFFF;
            if (tag == TAG_EXTENSIBLE) {
                if (fmt.length < 40) {
                    throw new WavFormatException("WAVE_FORMAT_EXTENSIBLE fmt chunk of only " + fmt.length + " bytes");
                }
                tag = b.getShort(24) & 0xFFFF; // the sub-format GUID starts with the plain format tag
            }
            if (channels < 1 || channels > AudioFormat.MAX_CHANNELS) {
                throw new WavFormatException(channels + " channels (supported: 1.." + AudioFormat.MAX_CHANNELS + ")");
            }
            if (sampleRate < 1 || sampleRate > AudioFormat.MAX_SAMPLE_RATE) {
                throw new WavFormatException("sample rate " + sampleRate + " Hz (supported: 1.." + AudioFormat.MAX_SAMPLE_RATE + ")");
            }
            boolean supported = switch (tag) {
                case TAG_PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
                case TAG_FLOAT -> bits == 32 || bits == 64;
                case TAG_ALAW, TAG_MULAW -> bits == 8;
                default -> false;
            };
            if (!supported) {
                throw new WavFormatException("unsupported encoding: format tag 0x" + Integer.toHexString(tag) + " with "
                        + bits + " bits per sample (supported: PCM 8/16/24/32-bit, float 32/64-bit, A-law, μ-law)");
            }
            if (blockAlign != channels * (bits / 8)) {
                throw new WavFormatException("block align " + blockAlign + " does not match " + channels + " channels of "
                        + bits + " bits");
            }
            return new Source(tag, channels, (int) sampleRate, blockAlign, bits);
        }

        Audio convert(byte[] data, int length) {
            int samples = length / (bits / 8);
            if (tag == TAG_ALAW || tag == TAG_MULAW) { // decoded: G.711 files are not always at 8 kHz
                short[] pcm = new short[length];
                if (tag == TAG_ALAW) {
                    G711.decodeALaw(data, 0, pcm, 0, length);
                } else {
                    G711.decodeMuLaw(data, 0, pcm, 0, length);
                }
                return new Audio(AudioFormat.pcm16(sampleRate, channels), Pcm.toBytes(pcm));
            }
            ByteBuffer in = ByteBuffer.wrap(data, 0, length).order(ByteOrder.LITTLE_ENDIAN);
            if (tag == TAG_PCM && bits <= 16) {
                ByteBuffer out = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < samples; i++) {
                    out.putShort(bits == 8 ? (short) (((data[i] & 0xFF) - 128) << 8) : in.getShort());
                }
                return new Audio(new AudioFormat(sampleRate, channels, AudioEncoding.PCM16), out.array());
            }
            ByteBuffer out = ByteBuffer.allocate(samples * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < samples; i++) {
                float sample;
                if (tag == TAG_FLOAT) {
                    sample = bits == 32 ? in.getFloat() : (float) in.getDouble();
                } else if (bits == 24) {
                    int at = i * 3;
                    sample = ((data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8 | data[at + 2] << 16) / 8_388_608f;
                } else {
                    sample = (float) (in.getInt() / 2_147_483_648.0);
                }
                out.putFloat(sample);
            }
            return new Audio(new AudioFormat(sampleRate, channels, AudioEncoding.FLOAT32), out.array());
        }
    }

    /** A WAV stream this class cannot read: the message says what is wrong with it. */
    public static final class WavFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        WavFormatException(String message) {
            super(message);
        }
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        if ((size & 1) == 1 && in.read() < 0) {
            throw new WavFormatException("truncated after the fmt chunk");
        }
    }

    private static boolean ascii(byte[] b, int at, String s) {
        for (int i = 0; i < 4; i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
