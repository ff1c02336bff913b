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

    /**
     * The same, knowing the call's id ({@code call_…}, the function call item's {@code call_id}); by default
     * {@link #call(String)}. A handler that must tell calls apart (to ask a person about this one call,
     * say) overrides it.
     */
    default Mono<String> call(String callId, String argumentsJson) {
        return call(argumentsJson);
    }
}
