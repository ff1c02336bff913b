package io.rtvoice.emulator.internal;

/**
 * G.711 encoding of the emulator's output when a session asks for {@code audio/pcmu} or {@code audio/pcma}:
 * 24 kHz PCM16 is decimated to 8 kHz (the synthetic voice stays below 1.3 kHz, so taking every third
 * sample after a 3-tap average does not alias audibly) and companded per ITU-T G.711.
 */
final class G711 {

    private G711() {
    }

    static byte[] encode(byte[] pcm24k, boolean muLaw) {
        int samples = pcm24k.length / 2;
        byte[] out = new byte[samples / 3];
        for (int i = 0; i < out.length; i++) {
            int sum = 0;
            for (int k = 0; k < 3; k++) {
                int at = (i * 3 + k) * 2;
                sum += (short) ((pcm24k[at] & 0xff) | (pcm24k[at + 1] << 8));
            }
            int sample = sum / 3;
            out[i] = muLaw ? muLaw(sample) : aLaw(sample);
        }
        return out;
    }

    /** ITU-T G.711 μ-law: bias 0x84, clip 32635, 8 segments, inverted bits. */
    static byte muLaw(int sample) {
        int sign = (sample >> 8) & 0x80;
        if (sign != 0) {
            sample = -sample;
        }
        sample = Math.min(sample, 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** ITU-T G.711 A-law: 13-bit magnitude, 8 segments, even bits inverted (XOR 0x55). */
    static byte aLaw(int sample) {
        int sign = sample >= 0 ? 0x80 : 0;
        int magnitude = Math.min(sample >= 0 ? sample : -sample - 1, 32767) >> 3;
        int encoded;
        if (magnitude < 32) {
            encoded = magnitude >> 1;
        } else {
            int segment = 31 - Integer.numberOfLeadingZeros(magnitude) - 4;
            encoded = (segment << 4) | ((magnitude >> segment) & 0x0f);
        }
        return (byte) ((sign | encoded) ^ 0x55);
    }
}
