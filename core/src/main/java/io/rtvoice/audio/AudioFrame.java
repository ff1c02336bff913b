package io.rtvoice.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A block of audio in a known format, placed on its stream's clock.
 *
 * <p>The timestamp is {@link #position()}: the index, in samples per channel since the start of the
 * stream, of the first sample of this block. It is a sample count, never wall time, so a stream's
 * timeline is exact and independent of when blocks were produced or delivered; {@link #startTime()}
 * converts it to a duration.
 *
 * <p>A frame is a read-only view: {@link #wrap} does not copy, and the frame never writes to the array. The
 * array belongs to the frame once wrapped: whoever wraps it must not change it while the frame is in use
 * (use {@link #copyOf} when the array will be reused). Accessors hand out copies or read-only views.
 * {@code toString()} describes the block and never prints its samples.
 */
public final class AudioFrame {

    private final AudioFormat format;
    private final byte[] data;
    private final int offset;
    private final int length;
    private final long position;

    private AudioFrame(AudioFormat format, byte[] data, int offset, int length, long position) {
        this.format = Objects.requireNonNull(format, "format");
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length % format.bytesPerFrame() != 0) {
            throw new IllegalArgumentException("length : " + length + " bytes (expected: a multiple of "
                    + format.bytesPerFrame() + ", the bytes per frame of " + format + ")");
        }
        if (position < 0) {
            throw new IllegalArgumentException("position : " + position + " (expected: >= 0)");
        }
        this.data = data;
        this.offset = offset;
        this.length = length;
        this.position = position;
    }

    /**
     * A frame over {@code length} bytes of {@code data} from {@code offset}, without copying; the array
     * must not be changed while the frame is in use.
     *
     * @param position index of the first sample in its stream, in samples per channel
     * @throws IllegalArgumentException if the bytes are not whole frames of {@code format}, or position is negative
     */
    public static AudioFrame wrap(AudioFormat format, byte[] data, int offset, int length, long position) {
        return new AudioFrame(format, data, offset, length, position);
    }

    /** A frame over all of {@code data}, without copying; see {@link #wrap(AudioFormat, byte[], int, int, long)}. */
    public static AudioFrame wrap(AudioFormat format, byte[] data, long position) {
        return new AudioFrame(format, data, 0, Objects.requireNonNull(data, "data").length, position);
    }

    /** A frame over a copy of the given bytes: the caller may reuse its array at once. */
    public static AudioFrame copyOf(AudioFormat format, byte[] data, int offset, int length, long position) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        return new AudioFrame(format, Arrays.copyOfRange(data, offset, offset + length), 0, length, position);
    }

    /** The format of the bytes. */
    public AudioFormat format() {
        return format;
    }

    /** Index of the first sample in its stream, in samples per channel. */
    public long position() {
        return position;
    }

    /** Index just past the last sample: where the next frame of a gapless stream starts. */
    public long endPosition() {
        return position + samples();
    }

    /** Samples per channel in this frame. */
    public int samples() {
        return length / format.bytesPerFrame();
    }

    /** Length of the audio in bytes. */
    public int byteLength() {
        return length;
    }

    /** How long the audio lasts. */
    public Duration duration() {
        return format.durationOfSamples(samples());
    }

    /** Where the frame starts on its stream's timeline. */
    public Duration startTime() {
        return format.durationOfSamples(position);
    }

    /** A read-only little-endian view of the bytes (shares the array, cannot change it). */
    public ByteBuffer data() {
        return ByteBuffer.wrap(data, offset, length).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Copies the bytes into {@code dst} at {@code dstOffset}. */
    public void copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(data, offset, dst, dstOffset, length);
    }

    /** A new array holding the bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /** For example {@code AudioFrame[PCM16 24000 Hz mono, 480 samples (20.000 ms) at sample 1200]}. */
    @Override
    public String toString() {
        long micros = duration().toNanos() / 1000;
        return "AudioFrame[" + format + ", " + samples() + " samples (" + micros / 1000 + "."
                + threeDigits(micros % 1000) + " ms) at sample " + position + "]";
    }

    private static String threeDigits(long value) {
        String digits = Long.toString(value);
        return "000".substring(digits.length()) + digits;
    }
}
