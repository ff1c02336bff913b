package io.rtvoice.conversation;

import reactor.core.publisher.Mono;

/**
 * Runs a function the model called: the arguments as the model wrote them (JSON text, checked to be a JSON
 * object before the handler is called), the output as text.
 */
@FunctionalInterface
public interface ToolHandler {
    /**
     * The function's output (usually JSON), or an error, which the model receives as
     * {@code {"error":"the tool failed"}} (with the detail only if {@link Conversation#toolErrorDetail} is on).
     * A handler that has not answered within {@link Conversation#toolTimeout} is cancelled and answered for.
     */
    Mono<String> call(String argumentsJson);
}
