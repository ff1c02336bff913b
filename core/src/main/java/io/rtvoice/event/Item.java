package io.rtvoice.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A conversation item. Types: {@code message} (with a {@code role} and {@link ContentPart}s),
 * {@code function_call}, {@code function_call_output}, and the GA MCP items {@code mcp_call},
 * {@code mcp_list_tools}, {@code mcp_approval_request}, {@code mcp_approval_response}. One flat record
 * mirrors the wire (the preview schema is flat too), so nothing the service sends is lost.
 *
 * @param id item id {@code item_…}
 * @param type item type
 * @param object {@code realtime.item} (sent by some servers, optional)
 * @param status {@code completed}, {@code incomplete} or {@code in_progress}
 * @param role message role: {@code user}, {@code assistant} or {@code system}
 * @param content message content
 * @param callId function call id {@code call_…}
 * @param name function or MCP tool name
 * @param arguments function or MCP call arguments, a JSON string
 * @param output function or MCP call output
 * @param serverLabel MCP server label
 * @param tools MCP: listed tools, as JSON
 * @param approvalRequestId MCP: approval request id
 * @param approve MCP approval response: whether approved
 * @param reason MCP approval response: reason
 * @param error MCP call error, as JSON
 */
public record Item(
        String id,
        String type,
        String object,
        String status,
        String role,
        List<ContentPart> content,
        String callId,
        String name,
        String arguments,
        String output,
        String serverLabel,
        List<JsonNode> tools,
        String approvalRequestId,
        Boolean approve,
        String reason,
        JsonNode error) {

    /** A message item with the given role and content. */
    public static Item message(String role, List<ContentPart> content) {
        return new Item(null, "message", null, null, Objects.requireNonNull(role, "role"), List.copyOf(content),
                null, null, null, null, null, null, null, null, null, null);
    }

    /** A user message with one text part. */
    public static Item userText(String text) {
        return message("user", List.of(ContentPart.inputText(text)));
    }

    /** A system message with one text part. */
    public static Item systemText(String text) {
        return message("system", List.of(ContentPart.inputText(text)));
    }

    /**
     * A reference to an item already in the conversation, for the {@code input} of an out-of-band
     * response ({@link ResponseParams.Builder#input}): the model sees that item without it being copied.
     */
    public static Item reference(String itemId) {
        return new Item(Objects.requireNonNull(itemId, "itemId"), "item_reference", null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** The output of a function call, sent back to the model. */
    public static Item functionCallOutput(String callId, String output) {
        return new Item(null, "function_call_output", null, null, null, null, Objects.requireNonNull(callId, "callId"),
                null, null, Objects.requireNonNull(output, "output"), null, null, null, null, null, null);
    }

    /** A copy with the given content. */
    public Item withContent(List<ContentPart> content) {
        return new Item(id, type, object, status, role, content, callId, name, arguments, output, serverLabel, tools,
                approvalRequestId, approve, reason, error);
    }

    /** A copy with the given status. */
    public Item withStatus(String status) {
        return new Item(id, type, object, status, role, content, callId, name, arguments, output, serverLabel, tools,
                approvalRequestId, approve, reason, error);
    }

    /** A copy with the given id. */
    public Item withId(String id) {
        return new Item(id, type, object, status, role, content, callId, name, arguments, output, serverLabel, tools,
                approvalRequestId, approve, reason, error);
    }
}
