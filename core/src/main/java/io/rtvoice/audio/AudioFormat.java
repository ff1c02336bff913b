package io.rtvoice.audio;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape of a stream of audio: rate, channels and sample encoding. Multi-channel audio is interleaved.
 *
 * <p>Counts called "samples" in this API are <em>samples per channel</em> (what Java Sound calls frames):
 * one sample of a stereo stream is two values and {@link #bytesPerFrame()} bytes. The sample count is the
 * clock of a stream; durations are derived from it, never from wall time.
 *
 * <p>G.711 (μ-law, A-law) is accepted only at 8000 Hz: the standard defines it for narrow-band telephony,
 * the Realtime API sends it at 8 kHz, and a G.711 stream at any other rate is almost always a
 * misconfiguration that would play at the wrong speed.
 *
 * @param sampleRate samples per second per channel, 1..384000 Hz
 * @param channels interleaved channels, 1..8
 * @param encoding how each sample is stored
 */
public record AudioFormat(int sampleRate, int channels, AudioEncoding encoding) {

    /** Highest accepted sample rate in Hz. */
    public static final int MAX_SAMPLE_RATE = 384_000;
    /** Highest accepted channel count. */
    public static final int MAX_CHANNELS = 8;
    /** The only rate G.711 is accepted at, in Hz. */
    public static final int G711_SAMPLE_RATE = 8_000;

    /** The Realtime API's {@code audio/pcmu}: G.711 μ-law, mono, 8 kHz. */
    public static final AudioFormat G711_ULAW_8K = new AudioFormat(G711_SAMPLE_RATE, 1, AudioEncoding.MULAW);
    /** The Realtime API's {@code audio/pcma}: G.711 A-law, mono, 8 kHz. */
    public static final AudioFormat G711_ALAW_8K = new AudioFormat(G711_SAMPLE_RATE, 1, AudioEncoding.ALAW);

    /**
     * Validates every part.
     *
     * @throws IllegalArgumentException if the rate, the channel count or the rate of a G.711 encoding is out of range
     * @throws NullPointerException if {@code encoding} is null
     */
    public AudioFormat {
        Objects.requireNonNull(encoding, "encoding");
        if (sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) {
            throw new IllegalArgumentException("sampleRate : " + sampleRate + " Hz (expected: 1.." + MAX_SAMPLE_RATE + ")");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels : " + channels + " (expected: 1.." + MAX_CHANNELS + ")");
        }
        if (encoding.isG711() && sampleRate != G711_SAMPLE_RATE) {
            throw new IllegalArgumentException("sampleRate : " + sampleRate + " Hz for " + encoding
                    + " (expected: " + G711_SAMPLE_RATE + ", G.711 is defined at 8 kHz only)");
        }
    }

    /** 16-bit little-endian PCM at the given rate and channel count. */
    public static AudioFormat pcm16(int sampleRate, int channels) {
        return new AudioFormat(sampleRate, channels, AudioEncoding.PCM16);
    }

    /** 32-bit little-endian float at the given rate and channel count. */
    public static AudioFormat float32(int sampleRate, int channels) {
        return new AudioFormat(sampleRate, channels, AudioEncoding.FLOAT32);
    }

    /** Bytes of one sample of one channel. */
    public int bytesPerSample() {
        return encoding.bytesPerSample();
    }

    /** Bytes of one sample of every channel (one Java Sound frame). */
    public int bytesPerFrame() {
        return encoding.bytesPerSample() * channels;
    }

    /** Bytes that hold {@code samples} samples per channel. */
    public long bytesForSamples(long samples) {
        requireNonNegative("samples", samples);
        return Math.multiplyExact(samples, (long) bytesPerFrame());
    }

    /**
     * Samples per channel in {@code bytes} bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or not a whole number of frames
     */
    public long samplesInBytes(long bytes) {
        requireNonNegative("bytes", bytes);
        int frame = bytesPerFrame();
        if (bytes % frame != 0) {
            throw new IllegalArgumentException("bytes : " + bytes + " (expected: a multiple of " + frame
                    + ", the bytes per frame of " + this + ")");
        }
        return bytes / frame;
    }

    /** Samples per channel in {@code duration}, rounded down. */
    public long samplesForDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration : " + duration + " (expected: >= 0)");
        }
        // Split so that nanos * rate cannot overflow (nanos < 1e9, rate <= 3.84e5).
        return Math.addExact(Math.multiplyExact(duration.getSeconds(), (long) sampleRate),
                (long) duration.getNano() * sampleRate / 1_000_000_000L);
    }

    /** Samples per channel in {@code millis} milliseconds, rounded down. */
    public long samplesForMillis(long millis) {
        requireNonNegative("millis", millis);
        return Math.multiplyExact(millis, (long) sampleRate) / 1000;
    }

    /** How long {@code samples} samples per channel last, rounded down to the nanosecond. */
    public Duration durationOfSamples(long samples) {
        requireNonNegative("samples", samples);
        long seconds = samples / sampleRate;
        long rest = samples % sampleRate;
        return Duration.ofSeconds(seconds, rest * 1_000_000_000L / sampleRate);
    }

    /**
     * Whole milliseconds in {@code samples} samples per channel, rounded down so that a played position
     * reported in milliseconds never exceeds the audio it stands for.
     */
    public long millisOfSamples(long samples) {
        requireNonNegative("samples", samples);
        return samples / sampleRate * 1000 + samples % sampleRate * 1000 / sampleRate;
    }

    /** For example {@code PCM16 24000 Hz mono}. */
    @Override
    public String toString() {
        String layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : channels + " channels";
        return encoding + " " + sampleRate + " Hz " + layout;
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: >= 0)");
        }
    }
}
