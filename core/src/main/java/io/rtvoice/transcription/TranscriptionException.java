package io.rtvoice.transcription;

import io.rtvoice.event.RealtimeError;
import java.util.Objects;

/**
 * The service could not do what a transcription session asked: an item's transcription failed
 * ({@code conversation.item.input_audio_transcription.failed}), or a request got an {@code error} event;
 * {@link #error()} has its type, code and message.
 */
public final class TranscriptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient RealtimeError error;

    /** From the service's error. */
    public TranscriptionException(RealtimeError error) {
        super(Objects.requireNonNull(error, "error").type() + (error.code() != null ? " " + error.code() : "") + ": " + error.message());
        this.error = error;
    }

    /** The service's error. */
    public RealtimeError error() {
        return error;
    }
}
