package io.rtvoice.audio.javasound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What needs no sound device: discovery, naming, the errors a caller can act on. */
class JavaSoundBackendTest {

    @Test
    void serviceLoaderFindsItByNameWithItsPriority() {
        AudioBackend found = AudioBackends.all().stream().filter(b -> b.name().equals("javasound")).findFirst().orElseThrow();
        assertThat(found).isInstanceOf(JavaSoundBackend.class);
        assertThat(found.priority()).isEqualTo(20);
    }

    @Test
    void unavailableReasonNeverThrowsAndSaysWhy() {
        JavaSoundBackend backend = new JavaSoundBackend();
        backend.unavailableReason().ifPresent(reason -> assertThat(reason).isNotBlank());
        if (JavaSoundTestDevices.audioRequired()) {
            assertThat(backend.unavailableReason()).isEmpty();
        }
    }

    @Test
    void unknownDeviceIsNoDeviceAndTheMessageListsTheNames() {
        JavaSoundBackend backend = new JavaSoundBackend();
        List<String> outputs = backend.outputDevices().stream().map(AudioDevice::name).toList();
        List<String> inputs = backend.inputDevices().stream().map(AudioDevice::name).toList();
        AudioSpec spec = AudioSpec.of(24_000).device("no such mixer");

        assertThatThrownBy(() -> backend.openOutput(spec)).isInstanceOfSatisfying(AudioDeviceException.class, e -> {
            assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.NO_DEVICE);
            assertThat(e.getMessage()).contains("'no such mixer'");
            outputs.forEach(name -> assertThat(e.getMessage()).contains("'" + name + "'"));
        });
        assertThatThrownBy(() -> backend.openInput(spec)).isInstanceOfSatisfying(AudioDeviceException.class, e -> {
            assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.NO_DEVICE);
            inputs.forEach(name -> assertThat(e.getMessage()).contains("'" + name + "'"));
        });
    }

    @Test
    void aLineWithNo16BitPcmFormatIsUnsupportedFormat() {
        assertThatThrownBy(() -> JavaSoundDevices.nativeFormat("mute", JavaSoundDevices.Direction.OUTPUT, f -> false))
                .isInstanceOfSatisfying(AudioDeviceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.UNSUPPORTED_FORMAT);
                    assertThat(e.getMessage()).contains("'mute'").contains("48000");
                });
    }

    @Test
    void nativeFormatPrefers48kHzStereoOutOrMonoInNeverTheSpecsRate() {
        javax.sound.sampled.AudioFormat out = JavaSoundDevices.nativeFormat("any", JavaSoundDevices.Direction.OUTPUT, f -> true);
        assertThat(out.getSampleRate()).isEqualTo(48_000f);
        assertThat(out.getChannels()).isEqualTo(2);
        assertThat(out.getSampleSizeInBits()).isEqualTo(16);
        assertThat(out.isBigEndian()).isFalse();
        assertThat(out.getEncoding()).isEqualTo(javax.sound.sampled.AudioFormat.Encoding.PCM_SIGNED);

        javax.sound.sampled.AudioFormat in = JavaSoundDevices.nativeFormat("any", JavaSoundDevices.Direction.INPUT, f -> true);
        assertThat(in.getChannels()).isEqualTo(1);
        // A device that only does stereo at 44.1 kHz gets exactly that.
        javax.sound.sampled.AudioFormat only = JavaSoundDevices.nativeFormat("any", JavaSoundDevices.Direction.INPUT,
                f -> f.getSampleRate() == 44_100f && f.getChannels() == 2);
        assertThat(only.getSampleRate()).isEqualTo(44_100f);
        assertThat(only.getChannels()).isEqualTo(2);
    }

    @Test
    void devicesListTheDefaultFirstWithTheirNativeFormats() {
        JavaSoundBackend backend = JavaSoundTestDevices.backendWithDevices();
        List<AudioDevice> outputs = backend.outputDevices();
        assertThat(outputs).isNotEmpty();
        assertThat(outputs.get(0).isDefault()).isTrue();
        assertThat(outputs.stream().skip(1)).noneMatch(AudioDevice::isDefault);
        assertThat(outputs.get(0).formats()).isNotEmpty();
    }
}
