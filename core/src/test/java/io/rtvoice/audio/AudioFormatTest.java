package io.rtvoice.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AudioFormatTest {

    @Test
    void wireFormatsHaveTheRealtimeApiShapes() {
        assertThat(AudioFormat.pcm16(24_000, 1).sampleRate()).isEqualTo(24_000);
        assertThat(AudioFormat.pcm16(24_000, 1).bytesPerFrame()).isEqualTo(2);
        assertThat(AudioFormat.G711_ULAW_8K.bytesPerFrame()).isEqualTo(1);
        assertThat(AudioFormat.G711_ALAW_8K.encoding()).isEqualTo(AudioEncoding.ALAW);
        assertThat(AudioFormat.float32(48_000, 2).bytesPerFrame()).isEqualTo(8);
        assertThat(AudioFormat.pcm16(24_000, 1)).hasToString("PCM16 24000 Hz mono");
        assertThat(AudioFormat.pcm16(48_000, 2)).hasToString("PCM16 48000 Hz stereo");
    }

    @Test
    void convertsBetweenBytesSamplesAndTime() {
        AudioFormat f = AudioFormat.pcm16(24_000, 1);
        assertThat(f.bytesForSamples(480)).isEqualTo(960);
        assertThat(f.samplesInBytes(4_800)).isEqualTo(2_400);
        assertThat(f.samplesForMillis(20)).isEqualTo(480);
        assertThat(f.samplesForDuration(Duration.ofMillis(100))).isEqualTo(2_400);
        assertThat(f.durationOfSamples(2_400)).isEqualTo(Duration.ofMillis(100));
        assertThat(f.millisOfSamples(2_423)).isEqualTo(100); // rounded down: never claims more than there is
        assertThat(f.millisOfSamples(0)).isZero();
        AudioFormat cd = AudioFormat.pcm16(44_100, 2);
        assertThat(cd.samplesForMillis(10)).isEqualTo(441);
        assertThat(cd.bytesForSamples(441)).isEqualTo(1_764);
        assertThat(cd.durationOfSamples(1)).isEqualTo(Duration.ofNanos(22_675));
        assertThat(cd.millisOfSamples(44_100L * 3600 * 24 * 365)).isEqualTo(1000L * 3600 * 24 * 365);
    }

    @Test
    void outOfRangeRatesAndChannelsAreNamed() {
        assertThatThrownBy(() -> AudioFormat.pcm16(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sampleRate : 0 Hz (expected: 1..384000)");
        assertThatThrownBy(() -> AudioFormat.pcm16(384_001, 1)).hasMessageContaining("sampleRate : 384001");
        assertThatThrownBy(() -> AudioFormat.pcm16(48_000, 0)).hasMessage("channels : 0 (expected: 1..8)");
        assertThatThrownBy(() -> AudioFormat.pcm16(48_000, 9)).hasMessageContaining("channels : 9");
        assertThatThrownBy(() -> new AudioFormat(16_000, 1, AudioEncoding.MULAW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MULAW").hasMessageContaining("8000");
        assertThatThrownBy(() -> new AudioFormat(8_000, 1, null)).isInstanceOf(NullPointerException.class);
        assertThat(AudioFormat.pcm16(1, 8).channels()).isEqualTo(8);
        assertThat(AudioFormat.pcm16(384_000, 1).sampleRate()).isEqualTo(384_000);
    }

    @Test
    void tornFramesAndNegativeCountsAreRejected() {
        assertThatThrownBy(() -> AudioFormat.pcm16(24_000, 1).samplesInBytes(3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes : 3").hasMessageContaining("multiple of 2");
        assertThatThrownBy(() -> AudioFormat.pcm16(48_000, 2).samplesInBytes(6)).hasMessageContaining("multiple of 4");
        assertThatThrownBy(() -> AudioFormat.pcm16(24_000, 1).bytesForSamples(-1)).hasMessageContaining("samples : -1");
        assertThatThrownBy(() -> AudioFormat.pcm16(24_000, 1).samplesForDuration(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void frameIsAViewPlacedOnTheSampleClock() {
        byte[] pcm = new byte[1_000];
        AudioFrame frame = AudioFrame.wrap(AudioFormat.pcm16(24_000, 1), pcm, 40, 960, 1_200);
        assertThat(frame.samples()).isEqualTo(480);
        assertThat(frame.position()).isEqualTo(1_200);
        assertThat(frame.endPosition()).isEqualTo(1_680);
        assertThat(frame.duration()).isEqualTo(Duration.ofMillis(20));
        assertThat(frame.startTime()).isEqualTo(Duration.ofMillis(50));
        assertThat(frame.data().remaining()).isEqualTo(960);
        assertThat(frame.data().isReadOnly()).isTrue();
        assertThat(frame.data().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(frame).hasToString("AudioFrame[PCM16 24000 Hz mono, 480 samples (20.000 ms) at sample 1200]");
        assertThat(AudioFrame.wrap(AudioFormat.pcm16(44_100, 1), new byte[2], 0).toString()).contains("(0.022 ms)");
    }

    @Test
    void copiedFrameDoesNotSeeLaterChanges() {
        byte[] pcm = {1, 2, 3, 4};
        AudioFrame copy = AudioFrame.copyOf(AudioFormat.pcm16(24_000, 1), pcm, 0, 4, 0);
        pcm[0] = 9;
        assertThat(copy.toByteArray()).containsExactly(1, 2, 3, 4);
        byte[] out = new byte[6];
        copy.copyTo(out, 2);
        assertThat(out).containsExactly(0, 0, 1, 2, 3, 4);
    }

    @Test
    void emptyFrameIsFineButTornOnesAreNot() {
        AudioFrame empty = AudioFrame.wrap(AudioFormat.G711_ULAW_8K, new byte[0], 0);
        assertThat(empty.samples()).isZero();
        assertThat(empty.duration()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> AudioFrame.wrap(AudioFormat.pcm16(24_000, 1), new byte[3], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length : 3");
        assertThatThrownBy(() -> AudioFrame.wrap(AudioFormat.pcm16(24_000, 1), new byte[2], -1))
                .hasMessageContaining("position : -1");
        assertThatThrownBy(() -> AudioFrame.wrap(AudioFormat.pcm16(24_000, 1), new byte[4], 2, 4, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
