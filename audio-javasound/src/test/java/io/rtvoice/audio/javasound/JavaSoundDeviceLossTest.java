package io.rtvoice.audio.javasound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;
import org.junit.jupiter.api.Test;

/**
 * A dead sound server, as Java Sound shows it (AUDIO.md B4.5): write and read return 0 at once, with no
 * exception and no event, and the line still says it is open and active. Simulated with a line that
 * takes {@code accept} bytes per call and then nothing.
 */
class JavaSoundDeviceLossTest {

    private static final AudioFormat STEREO_48K = AudioFormat.pcm16(48_000, 2);

    /** A line whose read/write moves {@code takes.get(i)} bytes on its i-th call (0 after the list); calls recorded. */
    private static <T> T line(Class<T> type, List<Integer> takes, List<String> calls) {
        AtomicInteger call = new AtomicInteger();
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            calls.add(method.getName());
            switch (method.getName()) {
                case "write":
                case "read": {
                    int i = call.getAndIncrement();
                    return Math.min((int) args[2], i < takes.size() ? takes.get(i) : 0);
                }
                case "isOpen":
                case "isActive":
                case "isRunning":
                    return true;
                case "getLineInfo":
                    return new DataLine.Info(type, null);
                case "getBufferSize":
                case "available":
                    return 7680;
                case "toString":
                    return "stalled " + type.getSimpleName();
                default:
                    return null;
            }
        });
        return type.cast(proxy);
    }

    private static final AudioDevice DEVICE = new AudioDevice("test", "a line that fails", true, List.of());

    @Test
    void playbackWhoseWritesReturnZeroIsDeviceLostNotABusySpin() {
        List<String> calls = new ArrayList<>();
        JavaSoundPlayback playback = new JavaSoundPlayback(DEVICE, line(SourceDataLine.class, List.of(1920), calls), STEREO_48K);
        short[] period = new short[960 * 2];

        assertThatThrownBy(() -> playback.write(period, 0, period.length))
                .isInstanceOfSatisfying(AudioDeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.DEVICE_LOST));
        assertThat(calls.stream().filter("write"::equals)).hasSize(3); // a partial write, then two that took nothing
        // A dead server's line reports an empty buffer: the 480 frames it took count as played.
        assertThat(playback.playedFrames()).isEqualTo(480);
    }

    @Test
    void captureWhoseReadsReturnZeroIsDeviceLost() {
        List<String> calls = new ArrayList<>();
        JavaSoundCapture capture = new JavaSoundCapture(DEVICE, line(TargetDataLine.class, List.of(100, 0, 100), calls),
                AudioFormat.pcm16(48_000, 1));
        short[] buffer = new short[1920];

        // One empty read in between is tolerated; two in a row are not.
        assertThatThrownBy(() -> capture.read(buffer, 0, buffer.length)).isInstanceOfSatisfying(AudioDeviceException.class,
                e -> assertThat(e.reason()).isEqualTo(AudioDeviceException.Reason.DEVICE_LOST));
        assertThat(calls).containsSubsequence("start", "read", "read", "read", "read", "read");
    }

    @Test
    void writesThatProgressInPiecesAreNotLoss() {
        List<String> calls = new ArrayList<>();
        JavaSoundPlayback playback = new JavaSoundPlayback(DEVICE, line(SourceDataLine.class, List.of(1000, 0, 1000, 0, 2000), calls),
                STEREO_48K);
        short[] samples = new short[2000];

        playback.write(samples, 0, samples.length);

        assertThat(calls.stream().filter("write"::equals)).hasSize(5);
    }
}
