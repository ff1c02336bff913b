package io.rtvoice.conversation;

import java.util.Objects;

/**
 * A decision on a {@link McpApprovalRequest}: the call runs, or it does not; the reason, if any, goes to
 * the model with the decision (an {@code mcp_approval_response} item).
 *
 * @param approved whether the call may run
 * @param reason why, or {@code null}
 */
public record McpApproval(boolean approved, String reason) {

    /** The call may run. */
    public static McpApproval approve() {
        return new McpApproval(true, null);
    }

    /** The call may not run, for {@code reason} (told to the model). */
    public static McpApproval deny(String reason) {
        return new McpApproval(false, Objects.requireNonNull(reason, "reason"));
    }
}
