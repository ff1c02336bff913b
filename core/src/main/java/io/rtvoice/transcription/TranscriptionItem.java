package io.rtvoice.transcription;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One item of committed audio and its transcription as it arrives: the deltas, the segments (from a
 * diarizing model), and the completed transcript or the failure. Every stream replays from the start, so
 * a late subscriber misses nothing. Thread-safe.
 */
public final class TranscriptionItem {

    private final String id;
    private final String previousItemId;
    private final Sinks.Many<String> deltas = Sinks.many().replay().all();
    private final Sinks.Many<TranscriptSegment> segments = Sinks.many().replay().all();
    private final Sinks.One<Transcript> transcript = Sinks.one();

    TranscriptionItem(String id, String previousItemId) {
        this.id = id;
        this.previousItemId = previousItemId;
    }

    /** The item's id ({@code item_…}). */
    public String id() {
        return id;
    }

    /** The item before this one, as {@code input_audio_buffer.committed} said; {@code null} for the first or when not told. */
    public String previousItemId() {
        return previousItemId;
    }

    /**
     * The transcript, delta by delta; completes when the transcript is complete, fails as {@link #transcript()}
     * does. A model that sends no deltas ({@code whisper-1}) completes it empty.
     */
    public Flux<String> deltas() {
        return deltas.asFlux();
    }

    /** The transcript's segments, with speaker and times, for a diarizing model (empty otherwise); ends as {@link #deltas()}. */
    public Flux<TranscriptSegment> segments() {
        return segments.asFlux();
    }

    /**
     * The completed transcript; fails with {@link TranscriptionException} when the service could not transcribe
     * the item, and with the session's end when it ended first.
     */
    public Mono<Transcript> transcript() {
        return transcript.asMono();
    }

    void delta(String text) {
        deltas.tryEmitNext(text);
    }

    void segment(TranscriptSegment segment) {
        segments.tryEmitNext(segment);
    }

    void completed(Transcript done) {
        deltas.tryEmitComplete();
        segments.tryEmitComplete();
        transcript.tryEmitValue(done);
    }

    void failed(Throwable error) {
        deltas.tryEmitError(error);
        segments.tryEmitError(error);
        transcript.tryEmitError(error);
    }

    @Override
    public String toString() {
        return "TranscriptionItem[" + id + "]";
    }
}
