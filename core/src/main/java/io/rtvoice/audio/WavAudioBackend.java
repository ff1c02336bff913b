package io.rtvoice.audio;

import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.internal.audio.VirtualPlaybackDevice;
import io.rtvoice.internal.audio.VirtualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * WAV files as devices: the device name is a file path. Input captures the file — at real-time pace,
 * like a microphone, or as fast as it is consumed — converted to the spec's format by rtvoice's
 * resampler, and ends with the file. Output writes what it plays to the file (mono PCM16 at the spec's
 * rate), at real-time pace or as fast as the source gives.
 */
public final class WavAudioBackend implements AudioBackend {

    private final boolean realTime;

    /** At real-time pace (what {@link java.util.ServiceLoader} finds). */
    public WavAudioBackend() {
        this(true);
    }

    private WavAudioBackend(boolean realTime) {
        this.realTime = realTime;
    }

    /** A backend that reads and writes as fast as the pipeline goes: for tests and batch work. */
    public static WavAudioBackend asFastAsPossible() {
        return new WavAudioBackend(false);
    }

    @Override
    public String name() {
        return "wav";
    }

    @Override
    public int priority() {
        return -50;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** None to list: any WAV file path is a device. */
    @Override
    public List<AudioDevice> inputDevices() {
        return List.of();
    }

    /** None to list: any writable path is a device. */
    @Override
    public List<AudioDevice> outputDevices() {
        return List.of();
    }

    @Override
    public CaptureDevice openCapture(AudioSpec spec) {
        Path file = file(spec);
        Wav.Audio audio;
        try {
            audio = Wav.read(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "no WAV file " + file);
        } catch (IOException e) {
            throw new AudioDeviceException(AudioDeviceException.Reason.UNSUPPORTED_FORMAT, "cannot capture from " + file
                    + ": " + e.getMessage(), e);
        }
        short[] samples = toPcm16(audio);
        AudioFormat format = AudioFormat.pcm16(audio.format().sampleRate(), audio.format().channels());
        VirtualClock clock = new VirtualClock(format.sampleRate(), realTime);
        AudioDevice device = new AudioDevice(file.toString(), "WAV file " + file.getFileName() + ", " + audio.format(), false,
                List.of(audio.format()));
        return new CaptureDevice() {
            private int next;

            @Override
            public AudioDevice device() {
                return device;
            }

            @Override
            public AudioFormat format() {
                return format;
            }

            @Override
            public int read(short[] buffer, int offset, int length) {
                if (next >= samples.length) {
                    return -1;
                }
                int n = Math.min(length, samples.length - next);
                System.arraycopy(samples, next, buffer, offset, n);
                next += n;
                clock.awaitFrame(next / format.channels());
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public PlaybackDevice openPlayback(AudioSpec spec) {
        Path file = file(spec);
        AudioFormat format = spec.format();
        Wav.Writer writer;
        try {
            writer = Wav.Writer.create(file, format);
        } catch (IOException e) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "cannot write " + file + ": " + e, e);
        }
        byte[] bytes = new byte[format.sampleRate() * 2]; // a second; a device buffer is far smaller
        AudioDevice device = new AudioDevice(file.toString(), "WAV file " + file.getFileName(), false, List.of(format));
        return new VirtualPlaybackDevice(device, format, realTime, (int) format.samplesForMillis(40),
                (samples, offset, length) -> {
                    Pcm.toBytes(samples, offset, bytes, 0, length);
                    try {
                        writer.write(bytes, 0, length * 2);
                    } catch (IOException e) {
                        throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "cannot write " + file + ": " + e, e);
                    }
                }, () -> {
                    try {
                        writer.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private static Path file(AudioSpec spec) {
        if (spec.device() == null) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE,
                    "the wav backend has no default device: name a file with AudioSpec.device(path)");
        }
        return Path.of(spec.device());
    }

    private static short[] toPcm16(Wav.Audio audio) {
        byte[] data = audio.data();
        if (audio.format().encoding() == AudioEncoding.PCM16) {
            return Pcm.toShorts(data);
        }
        float[] floats = new float[data.length / 4];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
        for (int i = 0; i < floats.length; i++) { // a float WAV may exceed full scale or hold NaN: clip, never throw mid-file
            float x = floats[i];
            floats[i] = Float.isNaN(x) ? 0f : Math.max(-1f, Math.min(1f, x));
        }
        return Pcm.fromFloats(floats);
    }

    @Override
    public String toString() {
        return "WavAudioBackend(" + (realTime ? "real time" : "as fast as possible") + ")";
    }
}
