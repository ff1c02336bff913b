package io.rtvoice.audio.javasound;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Audio through Java Sound ({@code javax.sound.sampled}): a device is a Java Sound mixer, named by its
 * {@code Mixer.Info} name (on Linux with PulseAudio: {@code "default [default]"}).
 *
 * <p>Lines are opened in the device's native format — 48 kHz (else 44.1 kHz, …) 16-bit signed
 * little-endian, stereo for output, mono or stereo for input — never at the spec's rate: rtvoice's own
 * resampler converts, because Java Sound's converter is linear interpolation without an anti-alias
 * filter. Line buffers are small and explicit (output {@value #OUTPUT_BUFFER_MILLIS} ms, input
 * {@value #INPUT_BUFFER_MILLIS} ms or two periods), as Java Sound's default is half a second.
 *
 * <p>The default device is the first mixer, in {@code AudioSystem.getMixerInfo()} order, that has a
 * 16-bit PCM line of the direction asked for. Priority {@value #PRIORITY}. Thread-safe; the constructor
 * touches nothing.
 */
public final class JavaSoundBackend implements AudioBackend {

    /** The priority among available backends. */
    public static final int PRIORITY = 20;
    /** The playback line's buffer, in ms: its latency. */
    public static final int OUTPUT_BUFFER_MILLIS = 40;
    /** The smallest capture line buffer, in ms; at least two periods are kept. */
    public static final int INPUT_BUFFER_MILLIS = 60;

    /** Nothing is touched until a method is called. */
    public JavaSoundBackend() {
    }

    @Override
    public String name() {
        return "javasound";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Empty when some Java Sound mixer has a 16-bit PCM playback or capture line; never throws. */
    @Override
    public Optional<String> unavailableReason() {
        try {
            return JavaSoundDevices.unavailableReason();
        } catch (LinkageError e) { // a runtime without the java.desktop module, or without libjsound
            return Optional.of("Java Sound cannot load in this runtime (" + e + "); it needs the java.desktop module");
        } catch (RuntimeException e) {
            return Optional.of("Java Sound failed to list its mixers: " + e);
        }
    }

    @Override
    public List<AudioDevice> inputDevices() {
        return JavaSoundDevices.devices(JavaSoundDevices.Direction.INPUT);
    }

    @Override
    public List<AudioDevice> outputDevices() {
        return JavaSoundDevices.devices(JavaSoundDevices.Direction.OUTPUT);
    }

    /**
     * Opens the mixer's capture line at its native format; capture starts with the first subscriber.
     *
     * @throws AudioDeviceException {@code NO_DEVICE} (no such mixer, or none: the message lists the
     *         names), {@code UNSUPPORTED_FORMAT} (no 16-bit PCM line), {@code DEVICE_BUSY} (the line is
     *         taken)
     */
    @Override
    public CaptureDevice openCapture(AudioSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return JavaSoundDevices.openCapture(spec, INPUT_BUFFER_MILLIS);
    }

    /**
     * Opens the mixer's playback line at its native format.
     *
     * @throws AudioDeviceException as for {@link #openCapture}
     */
    @Override
    public PlaybackDevice openPlayback(AudioSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return JavaSoundDevices.openPlayback(spec, OUTPUT_BUFFER_MILLIS);
    }

    @Override
    public String toString() {
        return "JavaSoundBackend";
    }
}
