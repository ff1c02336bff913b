package io.rtvoice.internal.audio;

/**
 * Linear fade envelopes on 16-bit audio, in place and without allocation. Gains never reach 0 or 1 inside
 * a fade of {@code length} samples: sample {@code i} of a fade-in is scaled by {@code (i + 1) / (length + 1)}
 * and of a fade-out by {@code (length - i) / (length + 1)}, so the step next to the silence on either
 * side is at most {@code 1 / (length + 1)} of full scale.
 */
public final class Fades {

    private Fades() {
    }

    /** Fades out the {@code length} samples at {@code offset} towards silence. */
    public static void fadeOut(short[] samples, int offset, int length) {
        int denominator = length + 1;
        for (int i = 0; i < length; i++) {
            samples[offset + i] = (short) (samples[offset + i] * (length - i) / denominator);
        }
    }

    /**
     * Continues a fade-in of {@code length} samples of which {@code done} were already faded: scales at most
     * {@code count} samples at {@code offset} and returns how many it scaled.
     */
    public static int fadeIn(short[] samples, int offset, int count, int done, int length) {
        int n = Math.max(0, Math.min(count, length - done));
        int denominator = length + 1;
        for (int i = 0; i < n; i++) {
            samples[offset + i] = (short) (samples[offset + i] * (done + i + 1) / denominator);
        }
        return n;
    }
}
