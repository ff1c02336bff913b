package io.rtvoice.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the model chooses tools: a mode ({@code auto}, {@code none}, {@code required}) or a forced
 * function ({@code {"type":"function","name":…}}) or MCP tool ({@code {"type":"mcp","server_label":…}}).
 *
 * @param mode {@code auto}, {@code none} or {@code required}; {@code null} when a tool is forced
 * @param type {@code function} or {@code mcp} when a tool is forced
 * @param name the forced function or MCP tool name
 * @param serverLabel the MCP server label, for {@code type = mcp}
 */
public record ToolChoice(String mode, String type, String name, String serverLabel) {

    /** The model decides. */
    public static final ToolChoice AUTO = new ToolChoice("auto", null, null, null);
    /** The model calls no tool. */
    public static final ToolChoice NONE = new ToolChoice("none", null, null, null);
    /** The model must call a tool. */
    public static final ToolChoice REQUIRED = new ToolChoice("required", null, null, null);

    /** Forces the function {@code name}. */
    public static ToolChoice function(String name) {
        return new ToolChoice(null, "function", Objects.requireNonNull(name, "name"), null);
    }

    /** Forces a tool of the MCP server {@code serverLabel}; {@code name} may be {@code null}. */
    public static ToolChoice mcp(String serverLabel, String name) {
        return new ToolChoice(null, "mcp", name, Objects.requireNonNull(serverLabel, "serverLabel"));
    }

    @JsonValue
    Object json() {
        if (mode != null) {
            return mode;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", type);
        if (serverLabel != null) {
            map.put("server_label", serverLabel);
        }
        if (name != null) {
            map.put("name", name);
        }
        return map;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ToolChoice fromJson(JsonNode node) {
        if (node.isTextual()) {
            return new ToolChoice(node.textValue(), null, null, null);
        }
        if (node.isObject() && node.path("type").isTextual()) {
            return new ToolChoice(null, node.get("type").textValue(),
                    node.path("name").textValue(), node.path("server_label").textValue());
        }
        throw new IllegalArgumentException("tool_choice must be a string or an object with a type, got " + node.getNodeType());
    }
}
