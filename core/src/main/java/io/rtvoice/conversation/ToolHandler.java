package io.rtvoice.conversation;

import reactor.core.publisher.Mono;

/** Runs a function the model called: the arguments as the model wrote them (JSON text), the output as text. */
@FunctionalInterface
public interface ToolHandler {
    /** The function's output (usually JSON), or an error, which the model receives as {@code {"error": …}}. */
    Mono<String> call(String argumentsJson);
}
