package io.rtvoice.audio;

import java.util.List;
import java.util.Optional;

/**
 * A way to capture and play audio: Java Sound, OpenAL, WAV files, nothing. Found with
 * {@link java.util.ServiceLoader} (see {@link AudioBackends}) or made directly. Constructors are cheap:
 * nothing native is touched before a method is called. Thread-safe.
 */
public interface AudioBackend {

    /** A short unique name: {@code javasound}, {@code openal}, {@code wav}, {@code null}. */
    String name();

    /** Higher wins when {@link AudioBackends#defaultBackend()} picks among available backends. */
    default int priority() {
        return 0;
    }

    /** Why this backend cannot run here (no sound server, no native library), or empty when it can. */
    Optional<String> unavailableReason();

    /** Capture devices, the default first. */
    List<AudioDevice> inputDevices();

    /** Playback devices, the default first. */
    List<AudioDevice> outputDevices();

    /**
     * Opens a capture device.
     *
     * @throws AudioDeviceException when the backend is unavailable, the device does not exist or is
     *         busy, or it cannot give the format
     */
    AudioInput openInput(AudioSpec spec);

    /**
     * Opens a playback device.
     *
     * @throws AudioDeviceException as for {@link #openInput}
     */
    AudioOutput openOutput(AudioSpec spec);
}
