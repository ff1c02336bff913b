package io.rtvoice.audio;

import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.util.List;
import java.util.Optional;

/**
 * A way to capture and play audio: Java Sound, OpenAL, WAV files, nothing. Found with
 * {@link java.util.ServiceLoader} (see {@link AudioBackends}) or made directly. Constructors are cheap:
 * nothing native is touched before a method is called. Thread-safe.
 *
 * <p>A backend author implements the listing methods and the two ends of the SPI,
 * {@link #openCapture} and {@link #openPlayback}; rtvoice's core wraps them in its own threads,
 * resampling and played-samples clock ({@link #openInput}, {@link #openOutput}, and the
 * {@link io.rtvoice.voice.VoiceSession}, which opens the ends at the session's wire format).
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
     * Opens the capture device {@code spec.device()} ({@code null}: the default) at the format it runs at
     * natively, preferably near {@code spec}'s rate; {@code spec}'s period may size its buffer.
     *
     * @throws AudioDeviceException when the backend is unavailable, the device does not exist or is
     *         busy, or it has no PCM16 format
     */
    CaptureDevice openCapture(AudioSpec spec);

    /**
     * Opens the playback device {@code spec.device()} ({@code null}: the default), as for {@link #openCapture}.
     *
     * @throws AudioDeviceException as for {@link #openCapture}
     */
    PlaybackDevice openPlayback(AudioSpec spec);

    /** Opens a capture device and delivers its audio as {@code spec} asks ({@link AudioInput#open}). */
    default AudioInput openInput(AudioSpec spec) {
        return AudioInput.open(openCapture(spec), spec);
    }

    /** Opens a playback device that plays audio in {@code spec}'s format ({@link AudioOutput#open}). */
    default AudioOutput openOutput(AudioSpec spec) {
        return AudioOutput.open(openPlayback(spec), spec);
    }
}
