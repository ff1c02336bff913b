package io.rtvoice.conversation;

import io.rtvoice.event.Response;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** One response of the model: its items as they are added, and its final state. */
public final class ConversationResponse {

    private final String id;
    private final Map<String, String> metadata;
    private final Sinks.Many<OutputItem> items = Sinks.many().replay().all();
    private final Sinks.One<Response> done = Sinks.one();

    ConversationResponse(String id, Map<String, String> metadata) {
        this.id = id;
        this.metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The response's id. */
    public String id() {
        return id;
    }

    /**
     * The metadata the server echoed in {@code response.created}: what {@code response.create} gave it (with
     * the key {@code rtvoice_request} a {@link Conversation} adds to tell its own requests apart).
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Its output items, replayed from the first; completes when the response is done. */
    public Flux<OutputItem> items() {
        return items.asFlux();
    }

    /** The response as {@code response.done} reports it: status ({@code completed}, {@code cancelled}, …) and usage. */
    public Mono<Response> done() {
        return done.asMono();
    }

    void add(OutputItem item) {
        items.tryEmitNext(item);
    }

    void finish(Response response) {
        items.tryEmitComplete();
        done.tryEmitValue(response);
    }

    void fail(Throwable error) {
        items.tryEmitError(error);
        done.tryEmitError(error);
    }

    @Override
    public String toString() {
        return "ConversationResponse[" + id + "]";
    }
}
