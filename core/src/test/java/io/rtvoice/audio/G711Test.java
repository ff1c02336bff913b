package io.rtvoice.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * G.711 against a reference built here from the standard's description rather than from the
 * implementation's bit tricks: the decision values of the 128 quantisation intervals per sign (segment
 * end points and step sizes of ITU-T G.711 tables 1 and 2), an interval search for encoding, and the
 * interval mid-points for decoding. A 16-bit sample {@code x} sits on the standard's 13-bit (A-law) or
 * 14-bit (μ-law) scale at {@code x / 8} or {@code x / 4}; positive intervals are {@code [lo, hi)} and
 * negative ones their mirror {@code [-hi, -lo)}, which is G.191's one's-complement rule.
 */
class G711Test {

    /** A-law decision values on the 13-bit magnitude scale 0..4096: intervals [A[k], A[k+1]). */
    private static final int[] A_LAW_DECISIONS = new int[129];
    /** μ-law decision values on the 14-bit magnitude scale 0..8159: intervals [U[k], U[k+1]). */
    private static final int[] MU_LAW_DECISIONS = new int[129];

    @BeforeAll
    static void buildDecisionTables() {
        // A-law: segments 0 and 1 are 32 wide with step 2; segment s >= 2 starts at 2^(s+4) with step 2^s.
        for (int k = 0; k <= 128; k++) {
            int segment = k >> 4;
            int step = segment <= 1 ? 2 : 1 << segment;
            int start = segment <= 1 ? 32 * segment : 1 << (segment + 4);
            A_LAW_DECISIONS[k] = k == 128 ? 4096 : start + step * (k & 15);
        }
        // μ-law: segment end points 0, 31, 95, 223, 479, 991, 2015, 4063, 8159 (2^(s+6) - 33), step 2^(s+1);
        // segment 0 opens with the half interval [0, 1).
        for (int k = 0; k <= 128; k++) {
            int segment = k >> 4;
            int start = (1 << (segment + 5)) - 33;
            int step = 2 << segment;
            MU_LAW_DECISIONS[k] = k == 0 ? 0 : k == 128 ? 8159 : segment == 0 ? 2 * k - 1 : start + step * (k & 15);
        }
        assertThat(new int[] {MU_LAW_DECISIONS[16], MU_LAW_DECISIONS[32], MU_LAW_DECISIONS[48], MU_LAW_DECISIONS[64],
                MU_LAW_DECISIONS[80], MU_LAW_DECISIONS[96], MU_LAW_DECISIONS[112]})
                .containsExactly(31, 95, 223, 479, 991, 2015, 4063);
        assertThat(A_LAW_DECISIONS[127]).isEqualTo(3968);
    }

    /** Index of the interval holding {@code magnitude}; values past the last decision value clip into it. */
    private static int interval(int[] decisions, int magnitude) {
        int k = 0;
        while (k < 127 && magnitude >= decisions[k + 1]) {
            k++;
        }
        return k;
    }

    static int referenceALaw(int x) {
        // Magnitude on the 13-bit scale; for negatives the mirrored interval [-hi, -lo) means -x-1 = ~x.
        int magnitude = (x >= 0 ? x : ~x) >> 3;
        int k = interval(A_LAW_DECISIONS, magnitude);
        int signBit = x >= 0 ? 0x80 : 0;
        return (signBit | k) ^ 0x55; // even bits inverted on the line
    }

    static int referenceMuLaw(int x) {
        int magnitude = (x >= 0 ? x : ~x) >> 2;
        int k = interval(MU_LAW_DECISIONS, magnitude);
        int signBit = x >= 0 ? 0x80 : 0;
        return (signBit | (~k & 0x7F)); // magnitude bits inverted on the line
    }

    static int referenceDecodeALaw(int code) {
        int bits = code ^ 0x55;
        int k = bits & 0x7F;
        int middle = (A_LAW_DECISIONS[k] + A_LAW_DECISIONS[k + 1]) * 4; // (lo + hi) / 2 on the 13-bit scale, times 8
        return (bits & 0x80) != 0 ? middle : -middle;
    }

    static int referenceDecodeMuLaw(int code) {
        int k = ~code & 0x7F;
        // (lo + hi) / 2 on the 14-bit scale, times 4; the half interval [0, 1) reconstructs as 0.
        int middle = k == 0 ? 0 : (MU_LAW_DECISIONS[k] + MU_LAW_DECISIONS[k + 1]) * 2;
        return (code & 0x80) != 0 ? middle : -middle;
    }

    @Test
    void muLawEncodesEvery16BitInputLikeTheStandard() {
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            int actual = G711.encodeMuLaw((short) x) & 0xFF;
            if (actual != referenceMuLaw(x)) {
                assertThat(actual).as("μ-law of %d", x).isEqualTo(referenceMuLaw(x));
            }
        }
    }

    @Test
    void aLawEncodesEvery16BitInputLikeTheStandard() {
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            int actual = G711.encodeALaw((short) x) & 0xFF;
            if (actual != referenceALaw(x)) {
                assertThat(actual).as("A-law of %d", x).isEqualTo(referenceALaw(x));
            }
        }
    }

    @Test
    void everyCodeDecodesToTheMiddleOfItsInterval() {
        for (int code = 0; code < 256; code++) {
            assertThat((int) G711.decodeMuLaw((byte) code)).as("μ-law code %02x", code).isEqualTo(referenceDecodeMuLaw(code));
            assertThat((int) G711.decodeALaw((byte) code)).as("A-law code %02x", code).isEqualTo(referenceDecodeALaw(code));
        }
    }

    @Test
    void wellKnownCodesMatchTheStandard() {
        // Silence: μ-law 0xFF (+0), A-law 0xD5 (+smallest); full scale: μ-law 0x80 / 0x00, A-law 0xAA / 0x2A.
        assertThat(G711.encodeMuLaw((short) 0)).isEqualTo((byte) 0xFF);
        assertThat(G711.encodeMuLaw((short) -1)).isEqualTo((byte) 0x7F);
        assertThat(G711.encodeMuLaw(Short.MAX_VALUE)).isEqualTo((byte) 0x80);
        assertThat(G711.encodeMuLaw(Short.MIN_VALUE)).isEqualTo((byte) 0x00);
        assertThat(G711.encodeALaw((short) 0)).isEqualTo((byte) 0xD5);
        assertThat(G711.encodeALaw((short) -1)).isEqualTo((byte) 0x55);
        assertThat(G711.encodeALaw(Short.MAX_VALUE)).isEqualTo((byte) 0xAA);
        assertThat(G711.encodeALaw(Short.MIN_VALUE)).isEqualTo((byte) 0x2A);
        assertThat(G711.decodeMuLaw((byte) 0x80)).isEqualTo((short) 32124);
        assertThat(G711.decodeMuLaw((byte) 0x00)).isEqualTo((short) -32124);
        assertThat(G711.decodeALaw((byte) 0xAA)).isEqualTo((short) 32256);
        assertThat(G711.decodeALaw((byte) 0x2A)).isEqualTo((short) -32256);
    }

    @Test
    void decodeThenEncodeGivesTheSameCode() {
        for (int code = 0; code < 256; code++) {
            byte c = (byte) code;
            // μ-law has two zeros (0x7F, 0xFF); both decode to 0, which encodes as +0.
            byte expectedMu = code == 0x7F ? (byte) 0xFF : c;
            assertThat(G711.encodeMuLaw(G711.decodeMuLaw(c))).as("μ-law %02x", code).isEqualTo(expectedMu);
            assertThat(G711.encodeALaw(G711.decodeALaw(c))).as("A-law %02x", code).isEqualTo(c);
        }
    }

    @Test
    void encodeThenDecodeErrsByAtMostHalfTheIntervalWidth() {
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            int magnitude = x >= 0 ? x : ~x;
            int kMu = interval(MU_LAW_DECISIONS, magnitude >> 2);
            int widthMu = 4 * (MU_LAW_DECISIONS[kMu + 1] - MU_LAW_DECISIONS[kMu]);
            int clipMu = Math.max(0, Math.abs(x) - 4 * 8159);
            assertThat(Math.abs(G711.decodeMuLaw(G711.encodeMuLaw((short) x)) - x)).as("μ-law %d", x)
                    .isLessThanOrEqualTo(widthMu / 2 + clipMu + 4);
            int kA = interval(A_LAW_DECISIONS, magnitude >> 3);
            int widthA = 8 * (A_LAW_DECISIONS[kA + 1] - A_LAW_DECISIONS[kA]);
            assertThat(Math.abs(G711.decodeALaw(G711.encodeALaw((short) x)) - x)).as("A-law %d", x)
                    .isLessThanOrEqualTo(widthA / 2 + 8);
        }
    }

    @Test
    void arrayFormsMatchTheScalarFormsAndHonourOffsets() {
        short[] pcm = new short[400];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (i * 163 - 32768);
        }
        byte[] mu = new byte[410];
        byte[] a = new byte[410];
        G711.encodeMuLaw(pcm, 0, mu, 10, pcm.length);
        G711.encodeALaw(pcm, 0, a, 10, pcm.length);
        short[] back = new short[pcm.length + 5];
        G711.decodeMuLaw(mu, 10, back, 5, pcm.length);
        for (int i = 0; i < pcm.length; i++) {
            assertThat(mu[10 + i]).isEqualTo(G711.encodeMuLaw(pcm[i]));
            assertThat(a[10 + i]).isEqualTo(G711.encodeALaw(pcm[i]));
            assertThat(back[5 + i]).isEqualTo(G711.decodeMuLaw(mu[10 + i]));
        }
        assertThat(G711.decodeALaw(G711.encodeALaw(pcm))).isEqualTo(decodeEach(G711.encodeALaw(pcm)));
        assertThat(G711.encodeMuLaw(new short[0])).isEmpty();
        assertThat(G711.decodeALaw(new byte[0])).isEmpty();
    }

    private static short[] decodeEach(byte[] aLaw) {
        short[] out = new short[aLaw.length];
        for (int i = 0; i < aLaw.length; i++) {
            out[i] = G711.decodeALaw(aLaw[i]);
        }
        return out;
    }

    @Test
    void badRangesAreRejectedBeforeWriting() {
        byte[] dst = new byte[4];
        assertThatThrownBy(() -> G711.encodeMuLaw(new short[8], 0, dst, 0, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> G711.encodeALaw(new short[8], 0, dst, 0, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("samples : -1");
        assertThat(dst).containsOnly(0);
    }
}
