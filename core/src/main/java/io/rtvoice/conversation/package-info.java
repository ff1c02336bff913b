/**
 * A conversation over a session: {@link io.rtvoice.conversation.Conversation} sends input, asks for
 * responses ({@link io.rtvoice.conversation.ConversationResponse}), runs function tools
 * ({@link io.rtvoice.conversation.ToolHandler}) and answers MCP approval requests
 * ({@link io.rtvoice.conversation.McpApprovalHandler}).
 */
package io.rtvoice.conversation;
