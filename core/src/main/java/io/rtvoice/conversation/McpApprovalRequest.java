package io.rtvoice.conversation;

/**
 * The service asks before it calls a tool of an MCP server (an {@code mcp_approval_request} item): the
 * session's {@code mcp} tool says {@code require_approval} for it. A {@link McpApprovalHandler} decides.
 *
 * @param id the request's item id, which the answer names
 * @param serverLabel the label of the MCP server
 * @param toolName the tool the model wants to call
 * @param arguments the arguments it would call it with, a JSON object as text
 */
public record McpApprovalRequest(String id, String serverLabel, String toolName, String arguments) {
}
