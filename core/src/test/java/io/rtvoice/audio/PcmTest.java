package io.rtvoice.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PcmTest {

    @Test
    void bytesAndShortsRoundTripEveryValue() {
        short[] all = new short[65_536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) (i - 32_768);
        }
        byte[] bytes = Pcm.toBytes(all);
        assertThat(bytes[0]).isEqualTo((byte) 0x00); // -32768 = 0x8000, little-endian
        assertThat(bytes[1]).isEqualTo((byte) 0x80);
        assertThat(Pcm.toShorts(bytes)).isEqualTo(all);
    }

    @Test
    void offsetsAreHonouredAndNeighboursLeftAlone() {
        byte[] bytes = {9, 9, 0x34, 0x12, (byte) 0xFF, (byte) 0xFF, 9};
        short[] out = {7, 7, 7, 7};
        Pcm.toShorts(bytes, 2, out, 1, 2);
        assertThat(out).containsExactly((short) 7, (short) 0x1234, (short) -1, (short) 7);
        byte[] back = new byte[6];
        Pcm.toBytes(out, 1, back, 1, 2);
        assertThat(back).containsExactly(0, 0x34, 0x12, 0xFF, 0xFF, 0);
    }

    @Test
    void oddByteCountIsATornSample() {
        assertThatThrownBy(() -> Pcm.toShorts(new byte[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byteCount : 3").hasMessageContaining("2 bytes per sample");
        assertThat(Pcm.toShorts(new byte[0])).isEmpty();
        assertThat(Pcm.toBytes(new short[0])).isEmpty();
    }

    @Test
    void shortToFloatToShortIsExactForEveryValue() {
        short[] all = new short[65_536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) (i - 32_768);
        }
        float[] floats = Pcm.toFloats(all);
        assertThat(floats[0]).isEqualTo(-1f);
        assertThat(floats[65_535]).isEqualTo(32_767f / 32_768f);
        assertThat(Pcm.fromFloats(floats)).isEqualTo(all);
    }

    @Test
    void floatsRoundToNearestAndSaturate() {
        float lsb = 1f / 32_768f;
        short[] out = Pcm.fromFloats(new float[] {1f, 1.5f, -1f, -7f, 0.4f * lsb, 0.6f * lsb, -0.6f * lsb, 2.5f * lsb, 0f, -0f});
        assertThat(out).containsExactly((short) 32_767, (short) 32_767, (short) -32_768, (short) -32_768,
                (short) 0, (short) 1, (short) -1, (short) 2, (short) 0, (short) 0);
    }

    @Test
    void nonFiniteFloatsAreRejectedWithoutTouchingTheOutput() {
        short[] out = {5, 5, 5};
        assertThatThrownBy(() -> Pcm.fromFloats(new float[] {0.5f, Float.NaN, 0f}, 0, out, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("src[1] : NaN (expected: a finite sample)");
        assertThatThrownBy(() -> Pcm.fromFloats(new float[] {Float.POSITIVE_INFINITY}))
                .hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Pcm.fromFloats(new float[] {0f, Float.NEGATIVE_INFINITY}))
                .hasMessageContaining("src[1] : -Infinity");
        assertThat(out).containsExactly((short) 5, (short) 5, (short) 5);
    }

    @Test
    void stereoAveragesToMonoAndBack() {
        short[] stereo = {100, 200, -32_768, -32_768, 32_767, 32_767, 1, 2, -1, -2, 32_767, -32_768};
        assertThat(Pcm.downmixToMono(stereo, 2)).containsExactly((short) 150, (short) -32_768, (short) 32_767,
                (short) 2, (short) -1, (short) 0);
        short[] mono = {1, -2, 3};
        assertThat(Pcm.upmixMono(mono, 2)).containsExactly((short) 1, (short) 1, (short) -2, (short) -2, (short) 3, (short) 3);
        assertThat(Pcm.downmixToMono(Pcm.upmixMono(mono, 6), 6)).isEqualTo(mono);
        assertThat(Pcm.downmixToMono(new short[] {1, 2, 4}, 3)).containsExactly((short) 2);
        assertThat(Pcm.downmixToMono(new short[0], 2)).isEmpty();
    }

    @Test
    void badChannelLayoutsAreNamed() {
        assertThatThrownBy(() -> Pcm.downmixToMono(new short[3], 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interleaved.length : 3");
        assertThatThrownBy(() -> Pcm.downmixToMono(new short[9], 9)).hasMessage("channels : 9 (expected: 1..8)");
        assertThatThrownBy(() -> Pcm.upmixMono(new short[1], 0)).hasMessage("channels : 0 (expected: 1..8)");
    }

    @Test
    void gainScalesRoundsAndSaturates() {
        short[] s = {1_000, -1_000, 20_000, -20_000, 3};
        Pcm.applyGain(s, 0, s.length, 2.0);
        assertThat(s).containsExactly((short) 2_000, (short) -2_000, (short) 32_767, (short) -32_768, (short) 6);
        short[] half = {3, -3, 5};
        Pcm.applyGain(half, 0, 3, 0.5); // 1.5 -> 2, -1.5 -> -2, 2.5 -> 2: half to even, no drift
        assertThat(half).containsExactly((short) 2, (short) -2, (short) 2);
        short[] unity = {-32_768, 32_767, 1};
        Pcm.applyGainDb(unity, 0, 3, 0.0);
        assertThat(unity).containsExactly((short) -32_768, (short) 32_767, (short) 1);
        short[] db = {10_000, 10_000};
        Pcm.applyGainDb(db, 1, 1, -6.020_599_913_279_624);
        assertThat(db).containsExactly((short) 10_000, (short) 5_000);
        short[] mute = {123};
        Pcm.applyGainDb(mute, 0, 1, Double.NEGATIVE_INFINITY);
        assertThat(mute).containsExactly((short) 0);
    }

    @Test
    void badGainsAreRejected() {
        short[] s = {1};
        assertThatThrownBy(() -> Pcm.applyGain(s, 0, 1, Double.NaN)).hasMessageContaining("gain : NaN");
        assertThatThrownBy(() -> Pcm.applyGain(s, 0, 1, -1)).hasMessageContaining("gain : -1.0");
        assertThatThrownBy(() -> Pcm.applyGain(s, 0, 1, Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Pcm.applyGainDb(s, 0, 1, Double.NaN)).hasMessageContaining("gainDb : NaN");
        assertThat(s).containsExactly((short) 1);
    }
}
