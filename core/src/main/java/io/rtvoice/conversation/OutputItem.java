package io.rtvoice.conversation;

import io.rtvoice.event.Item;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One item of a response — an assistant message with its audio, transcript and text as they stream, or
 * a function call. Every stream replays from the start, so a late subscriber misses nothing, and
 * completes when the item is done.
 */
public final class OutputItem {

    private final String id;
    private final String type;
    private final Sinks.Many<byte[]> audio = Sinks.many().replay().all();
    private final Sinks.Many<String> transcript = Sinks.many().replay().all();
    private final Sinks.Many<String> text = Sinks.many().replay().all();
    private final Sinks.One<Item> done = Sinks.one();
    private final AtomicLong audioBytes = new AtomicLong();

    OutputItem(String id, String type) {
        this.id = id;
        this.type = type;
    }

    /** The item's id, as {@code conversation.item.truncate} and {@code delete} want it. */
    public String id() {
        return id;
    }

    /** {@code message}, {@code function_call}, … */
    public String type() {
        return type;
    }

    /**
     * The audio deltas, in the session's output format (PCM16 24 kHz unless configured otherwise). None while
     * the session routes the audio elsewhere ({@link io.rtvoice.RealtimeSession#routeAudio}), as a
     * {@link io.rtvoice.voice.VoiceSession} does with the audio it plays.
     */
    public Flux<byte[]> audio() {
        return audio.asFlux();
    }

    /** The transcript of the audio, delta by delta. */
    public Flux<String> transcript() {
        return transcript.asFlux();
    }

    /** Text output, delta by delta (for text responses). */
    public Flux<String> text() {
        return text.asFlux();
    }

    /** The item as the server finally describes it. */
    public Mono<Item> done() {
        return done.asMono();
    }

    /**
     * Bytes of audio received so far: the ceiling for any truncation of this item (not counted while the audio is
     * routed elsewhere: the playout buffer that takes it counts it then).
     */
    public long audioBytesReceived() {
        return audioBytes.get();
    }

    void audio(byte[] delta) {
        audioBytes.addAndGet(delta.length);
        audio.tryEmitNext(delta);
    }

    void transcript(String delta) {
        transcript.tryEmitNext(delta);
    }

    void text(String delta) {
        text.tryEmitNext(delta);
    }

    void finish(Item item) {
        audio.tryEmitComplete();
        transcript.tryEmitComplete();
        text.tryEmitComplete();
        if (item != null) {
            done.tryEmitValue(item);
        } else {
            done.tryEmitEmpty();
        }
    }

    void fail(Throwable error) {
        audio.tryEmitError(error);
        transcript.tryEmitError(error);
        text.tryEmitError(error);
        done.tryEmitError(error);
    }

    @Override
    public String toString() {
        return "OutputItem[" + id + ", " + type + ", " + audioBytes.get() + " audio bytes]";
    }
}
