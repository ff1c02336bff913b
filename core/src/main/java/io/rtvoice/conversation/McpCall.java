package io.rtvoice.conversation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A call the service made to a tool of an MCP server during a response (an {@code mcp_call} item, as
 * {@code response.output_item.done} reports it): the model chose the tool and its arguments, the service
 * ran it, and its output (or error) went back to the model. See {@link ConversationResponse#mcpCalls()}.
 *
 * @param itemId the {@code mcp_call} item's id
 * @param serverLabel the label of the MCP server, as configured in the session's {@code mcp} tool
 * @param toolName the name of the server's tool
 * @param arguments the arguments, a JSON object as text
 * @param output what the tool answered, or {@code null} when it failed
 * @param error why it failed ({@code {"type":"tool_execution_error"|"protocol_error"|"http_error", …}}), or
 *              {@code null} when it answered
 * @param approvalRequestId the {@code mcp_approval_request} the call was approved through, or {@code null}
 */
public record McpCall(String itemId, String serverLabel, String toolName, String arguments, String output,
        JsonNode error, String approvalRequestId) {

    /** Whether the call failed ({@link #error()} says why). */
    public boolean failed() {
        return error != null;
    }
}
