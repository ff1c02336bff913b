package io.rtvoice.conversation;

import reactor.core.publisher.Mono;

/**
 * Decides whether an MCP tool call the service asks about may run; set with
 * {@link Conversation#mcpApproval(McpApprovalHandler)}. It may take its time (ask a person, say), up to
 * {@link Conversation#mcpApprovalTimeout(java.time.Duration)}; keep it non-blocking: it is called on the
 * conversation's thread.
 */
@FunctionalInterface
public interface McpApprovalHandler {

    /**
     * The decision. An empty {@link Mono}, an error, or no answer within the timeout denies the call (the
     * model is told why, and the response goes on).
     */
    Mono<McpApproval> decide(McpApprovalRequest request);
}
