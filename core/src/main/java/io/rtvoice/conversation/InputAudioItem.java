package io.rtvoice.conversation;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A user audio item, committed from the input buffer; its transcription arrives when the server has it. */
public final class InputAudioItem {

    private final String id;
    private final Sinks.One<String> transcript = Sinks.one();

    InputAudioItem(String id) {
        this.id = id;
    }

    /** The item's id. */
    public String id() {
        return id;
    }

    /**
     * The transcription (when input transcription is configured): a {@link ConversationException} if it
     * failed; never completes when transcription is off.
     */
    public Mono<String> transcript() {
        return transcript.asMono();
    }

    void transcribed(String text) {
        transcript.tryEmitValue(text);
    }

    void transcriptionFailed(Throwable error) {
        transcript.tryEmitError(error);
    }

    @Override
    public String toString() {
        return "InputAudioItem[" + id + "]";
    }
}
