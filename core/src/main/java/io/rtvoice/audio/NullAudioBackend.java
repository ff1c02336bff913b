package io.rtvoice.audio;

import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.internal.audio.VirtualClock;
import io.rtvoice.internal.audio.VirtualPlaybackDevice;
import io.rtvoice.internal.audio.VirtualPlaybackDevice;
import java.util.List;
import java.util.Optional;

/**
 * The backend with no sound: input captures silence, output discards what it plays — both at real-time
 * pace, on a clock of their own, so a voice pipeline behaves as with a device (for servers, tests and
 * benchmarks). Always available, never the default over a real device.
 */
public final class NullAudioBackend implements AudioBackend {

    /** The one device of each direction. */
    public static final AudioDevice DEVICE = new AudioDevice("null", "Silence in, nothing out", true, List.of());

    /** Nothing is opened until a method is called. */
    public NullAudioBackend() {
    }

    @Override
    public String name() {
        return "null";
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public List<AudioDevice> inputDevices() {
        return List.of(DEVICE);
    }

    @Override
    public List<AudioDevice> outputDevices() {
        return List.of(DEVICE);
    }

    @Override
    public CaptureDevice openCapture(AudioSpec spec) {
        check(spec);
        AudioFormat format = AudioFormat.pcm16(spec.format().sampleRate(), 1);
        VirtualClock clock = new VirtualClock(format.sampleRate(), true);
        return new CaptureDevice() {
            private long frames;

            @Override
            public AudioDevice device() {
                return DEVICE;
            }

            @Override
            public AudioFormat format() {
                return format;
            }

            @Override
            public int read(short[] buffer, int offset, int length) {
                frames += length;
                clock.awaitFrame(frames);
                java.util.Arrays.fill(buffer, offset, offset + length, (short) 0);
                return length;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public PlaybackDevice openPlayback(AudioSpec spec) {
        check(spec);
        AudioFormat format = AudioFormat.pcm16(spec.format().sampleRate(), 1); // no conversion: nothing listens
        return new VirtualPlaybackDevice(DEVICE, format, true, (int) format.samplesForMillis(40), (samples, offset, length) -> { },
                () -> { });
    }

    private static void check(AudioSpec spec) {
        if (spec.device() != null && !spec.device().equals(DEVICE.name())) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "no device '" + spec.device()
                    + "' in the null backend (it has one: 'null')");
        }
    }

    @Override
    public String toString() {
        return "NullAudioBackend";
    }
}
