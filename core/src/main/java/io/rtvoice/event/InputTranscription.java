package io.rtvoice.event;

import java.util.List;

/**
 * Transcription of the user's input audio, or {@link #DISABLED} ({@code null} on the wire).
 *
 * @param model transcription model ({@code whisper-1}, {@code gpt-4o-transcribe}, …; on Azure a deployment name)
 * @param language ISO-639-1 language of the input, e.g. {@code en}
 * @param languages candidate languages (GA)
 * @param keywords words to favour (GA)
 * @param prompt text that guides the transcription
 * @param delay latency/accuracy trade-off (GA): {@code minimal}, {@code low}, {@code medium}, {@code high}, {@code xhigh}
 * @param enabled on/off flag of the first preview sessions (2024-10 server events); the service
 *     rejects it in updates, so leave it {@code null}
 */
public record InputTranscription(
        String model, String language, List<String> languages, List<String> keywords, String prompt, String delay,
        Boolean enabled) {

    /** Transcription off: written as JSON {@code null}, which also clears it in a session update. */
    public static final InputTranscription DISABLED = new InputTranscription(null, null, null, null, null, null, null);

    /** Transcription with {@code model} and the service's defaults otherwise. */
    public static InputTranscription of(String model) {
        return new InputTranscription(model, null, null, null, null, null, null);
    }

    /** Whether this is the {@link #DISABLED} sentinel. */
    public boolean disabled() {
        return this == DISABLED;
    }
}
