package io.rtvoice.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool the model may call: a function ({@code type = function}) or a remote MCP server
 * ({@code type = mcp}, GA). One flat record mirrors the wire; factories build the usual shapes.
 * {@link #toString()} never shows {@code authorization} or {@code headers}, which carry credentials.
 *
 * @param type {@code function} or {@code mcp}
 * @param name function name
 * @param description what the function does (the service allows 1024 characters)
 * @param parameters JSON Schema of the function's arguments
 * @param serverLabel MCP: label of the server
 * @param serverUrl MCP: URL of the server
 * @param connectorId MCP: a service connector instead of a URL
 * @param tunnelId MCP: tunnel id
 * @param authorization MCP: OAuth token for the server (a secret)
 * @param serverDescription MCP: description of the server
 * @param headers MCP: extra HTTP headers (may hold secrets)
 * @param allowedTools MCP: which tools may be used (list of names or filter object)
 * @param allowedCallers MCP: who may call the tools
 * @param requireApproval MCP: {@code always}, {@code never} or a filter object
 * @param deferLoading MCP: load tools lazily
 */
public record Tool(
        String type,
        String name,
        String description,
        JsonNode parameters,
        String serverLabel,
        String serverUrl,
        String connectorId,
        String tunnelId,
        String authorization,
        String serverDescription,
        JsonNode headers,
        JsonNode allowedTools,
        JsonNode allowedCallers,
        JsonNode requireApproval,
        Boolean deferLoading) {

    /** A function tool; {@code parameters} is its JSON Schema. */
    public static Tool function(String name, String description, JsonNode parameters) {
        return new Tool("function", Objects.requireNonNull(name, "name"), description, parameters,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    /** An MCP server tool (GA). */
    public static Tool mcp(String serverLabel, String serverUrl) {
        return new Tool("mcp", null, null, null, Objects.requireNonNull(serverLabel, "serverLabel"), serverUrl,
                null, null, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
        return "function".equals(type)
                ? "Tool[function " + name + "]"
                : "Tool[" + type + " " + serverLabel + (serverUrl != null ? " " + serverUrl : "")
                        + (authorization != null || headers != null ? ", credentials=<redacted>" : "") + "]";
    }
}
