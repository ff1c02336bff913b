package io.rtvoice.audio;

import java.util.Objects;

/** An audio device cannot do what was asked; {@link #reason()} says which case, the message says the details. */
public final class AudioDeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The cases an application may want to tell apart. */
    public enum Reason {
        /** The backend cannot run here at all (no native library, no sound server, headless). */
        BACKEND_UNAVAILABLE,
        /** No such device, or none at all. */
        NO_DEVICE,
        /** The device exists but another program (or another line) holds it. */
        DEVICE_BUSY,
        /** The device cannot take or give the format asked for. */
        UNSUPPORTED_FORMAT,
        /** The device went away while in use (unplugged, sound server died). */
        DEVICE_LOST
    }

    private final Reason reason;

    /** With a message that says what was asked and what is available. */
    public AudioDeviceException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** With the backend's own exception as the cause. */
    public AudioDeviceException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Which case this is. */
    public Reason reason() {
        return reason;
    }
}
