package io.rtvoice.event;

import io.rtvoice.audio.AudioEncoding;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.Pcm;

/**
 * The audio format on the wire, in the GA shape ({@code {"type":"audio/pcm","rate":24000}}); the one
 * place rtvoice names it. The preview dialect's names ({@code pcm16}, {@code g711_ulaw},
 * {@code g711_alaw}) are mapped by the codec. A {@link io.rtvoice.voice.VoiceSession} takes it from the
 * configuration the server accepted and sizes its appends, decoding, playout buffer and resampling from
 * it; {@link #decode} and {@link #encode} convert between the wire's bytes and PCM16 samples.
 *
 * @param type MIME-like name: {@code audio/pcm}, {@code audio/pcmu} or {@code audio/pcma}
 * @param rate sample rate in Hz; present for {@code audio/pcm} only (the service supports 24000)
 */
public record RealtimeAudioFormat(String type, Integer rate) {

    /** The service's PCM rate, in Hz: the only one it accepts for {@code audio/pcm}. */
    public static final int PCM_RATE_HZ = 24_000;

    /** PCM, 16-bit signed little-endian, mono, 24 kHz: the service's default. */
    public static final RealtimeAudioFormat PCM16 = new RealtimeAudioFormat("audio/pcm", PCM_RATE_HZ);
    /** G.711 μ-law, 8 kHz, one byte per sample. */
    public static final RealtimeAudioFormat G711_ULAW = new RealtimeAudioFormat("audio/pcmu", null);
    /** G.711 A-law, 8 kHz, one byte per sample. */
    public static final RealtimeAudioFormat G711_ALAW = new RealtimeAudioFormat("audio/pcma", null);

    /** Sample rate in Hz of this format: the given rate for PCM, 8000 for G.711. */
    public int sampleRateHz() {
        return rate != null ? rate : AudioFormat.G711_SAMPLE_RATE;
    }

    /** Bytes per sample: 2 for PCM16, 1 for G.711. */
    public int bytesPerSample() {
        return encoding().bytesPerSample();
    }

    /**
     * The wire format as a stream format: mono, at {@link #sampleRateHz()}, PCM16, μ-law or A-law.
     *
     * @throws IllegalArgumentException for a type rtvoice does not know
     */
    public AudioFormat audioFormat() {
        return new AudioFormat(sampleRateHz(), 1, encoding());
    }

    /** The same audio as PCM16 samples: what devices, resamplers and the playout buffer take. */
    public AudioFormat pcmFormat() {
        return AudioFormat.pcm16(sampleRateHz(), 1);
    }

    /**
     * Wire bytes (a {@code response.output_audio.delta}) to PCM16 samples.
     *
     * @throws IllegalArgumentException if {@code bytes} is not a whole number of samples
     */
    public short[] decode(byte[] bytes) {
        switch (encoding()) {
            case MULAW:
                return G711.decodeMuLaw(bytes);
            case ALAW:
                return G711.decodeALaw(bytes);
            default:
                if (bytes.length % 2 != 0) {
                    throw new IllegalArgumentException("bytes : " + bytes.length + " (expected: an even count for " + type + ")");
                }
                return Pcm.toShorts(bytes);
        }
    }

    /**
     * Wire bytes from {@code offset} to PCM16 samples at the start of {@code out}, without an array of its own;
     * returns how many samples. {@code out} must hold them.
     *
     * @throws IllegalArgumentException if the bytes are not a whole number of samples
     */
    public int decode(byte[] bytes, int offset, int length, short[] out) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        int samples = length / bytesPerSample();
        if (length % bytesPerSample() != 0) {
            throw new IllegalArgumentException("bytes : " + length + " (expected: an even count for " + type + ")");
        }
        java.util.Objects.checkFromIndexSize(0, samples, out.length);
        switch (encoding()) {
            case MULAW -> G711.decodeMuLaw(bytes, offset, out, 0, samples);
            case ALAW -> G711.decodeALaw(bytes, offset, out, 0, samples);
            default -> Pcm.toShorts(bytes, offset, out, 0, samples);
        }
        return samples;
    }

    /** {@code samples} PCM16 samples from {@code offset} to wire bytes (an {@code input_audio_buffer.append}). */
    public byte[] encode(short[] samples, int offset, int samplesLength) {
        byte[] out = new byte[samplesLength * bytesPerSample()];
        switch (encoding()) {
            case MULAW -> G711.encodeMuLaw(samples, offset, out, 0, samplesLength);
            case ALAW -> G711.encodeALaw(samples, offset, out, 0, samplesLength);
            default -> Pcm.toBytes(samples, offset, out, 0, samplesLength);
        }
        return out;
    }

    private AudioEncoding encoding() {
        if (type == null || "audio/pcm".equals(type)) {
            return AudioEncoding.PCM16;
        }
        return switch (type) {
            case "audio/pcmu" -> AudioEncoding.MULAW;
            case "audio/pcma" -> AudioEncoding.ALAW;
            default -> throw new IllegalArgumentException("type : " + type + " (expected: audio/pcm, audio/pcmu or audio/pcma)");
        };
    }
}
