package io.rtvoice.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.event.Item;
import io.rtvoice.event.Tool;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standard responder's MCP moves: which listed tool a user's words name, the arguments it makes from
 * the tool's input schema, and what it says after an approval response or a call.
 */
final class McpReplies {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private McpReplies() {
    }

    /** The reply to an MCP item just added ({@code mcp_approval_response}, {@code mcp_call}), or {@code null}. */
    static Responder.Reply after(List<Item> conversation, Item last) {
        if ("mcp_call".equals(last.type())) {
            return new Responder.Reply.Speech(last.error() == null ? "The tool answered: " + last.output() + "."
                    : "The tool failed.");
        }
        if (!"mcp_approval_response".equals(last.type()) || last.approvalRequestId() == null) {
            return null;
        }
        for (Item item : conversation) {
            if ("mcp_approval_request".equals(item.type()) && last.approvalRequestId().equals(item.id())) {
                return Boolean.TRUE.equals(last.approve())
                        ? new Responder.Reply.McpCall(item.serverLabel(), item.name(), item.arguments(), item.id())
                        : new Responder.Reply.Speech("The call to " + item.name() + " was not approved.");
            }
        }
        return null;
    }

    /**
     * A call of the first listed tool whose name {@code said} contains (newest listing first, of the servers
     * the session still has), or {@code null}.
     */
    static Responder.Reply call(List<Item> conversation, List<Tool> sessionTools, String said) {
        String lower = said.toLowerCase(Locale.ROOT);
        for (int i = conversation.size() - 1; i >= 0; i--) {
            Item item = conversation.get(i);
            if (!"mcp_list_tools".equals(item.type()) || item.tools() == null || !configured(sessionTools, item.serverLabel())) {
                continue;
            }
            for (JsonNode tool : item.tools()) {
                String name = tool.path("name").asText("");
                int at = name.isEmpty() ? -1 : lower.indexOf(name.toLowerCase(Locale.ROOT));
                if (at >= 0) {
                    String rest = said.substring(at + name.length()).strip();
                    return new Responder.Reply.McpCall(item.serverLabel(), name,
                            arguments(tool.path("input_schema"), rest.isEmpty() ? said : rest).toString(), null);
                }
            }
        }
        return null;
    }

    private static boolean configured(List<Tool> tools, String serverLabel) {
        if (tools != null) {
            for (Tool tool : tools) {
                if ("mcp".equals(tool.type()) && java.util.Objects.equals(tool.serverLabel(), serverLabel)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Arguments valid against a simple input schema: each required property gets a value of its type
     * (a string: the words after the tool's name; a number: the first number in them, else 1; a boolean:
     * {@code true}; an enum: its first value; an array or object: empty).
     */
    static ObjectNode arguments(JsonNode schema, String words) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            String name = required.asText();
            JsonNode property = properties.path(name);
            if (property.path("enum").isArray() && property.path("enum").size() > 0) {
                args.set(name, property.path("enum").get(0));
                continue;
            }
            Matcher number = NUMBER.matcher(words);
            switch (property.path("type").asText("string")) {
                case "integer" -> args.put(name, number.find() ? (long) Double.parseDouble(number.group()) : 1L);
                case "number" -> args.put(name, number.find() ? Double.parseDouble(number.group()) : 1.0);
                case "boolean" -> args.put(name, true);
                case "array" -> args.putArray(name);
                case "object" -> args.putObject(name);
                default -> args.put(name, words);
            }
        }
        return args;
    }
}
