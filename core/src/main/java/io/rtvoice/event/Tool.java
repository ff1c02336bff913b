package io.rtvoice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
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

    /**
     * An MCP server tool (GA): the service lists the server's tools when the session is configured with it
     * ({@code mcp_list_tools.*} events and an {@code mcp_list_tools} item) and calls them for the model; the
     * {@code with…} methods add its approval rule, allowed tools and credentials.
     */
    public static Tool mcp(String serverLabel, String serverUrl) {
        return new Tool("mcp", null, null, null, Objects.requireNonNull(serverLabel, "serverLabel"), serverUrl,
                null, null, null, null, null, null, null, null, null);
    }

    /**
     * MCP: whether the service asks the client before each call: {@code "always"} or {@code "never"}. Without
     * this setting the service asks for every call.
     */
    public Tool withRequireApproval(String rule) {
        Objects.requireNonNull(rule, "rule");
        if (!rule.equals("always") && !rule.equals("never")) {
            throw new IllegalArgumentException("requireApproval : " + rule + " (expected: always or never)");
        }
        return withRequireApproval(JsonNodeFactory.instance.textNode(rule));
    }

    /**
     * MCP: the approval rule in any wire form, for example per tool:
     * {@code {"never":{"tool_names":["lookup"]},"always":{"tool_names":["delete"]}}}.
     */
    public Tool withRequireApproval(JsonNode rule) {
        return new Tool(type, name, description, parameters, serverLabel, serverUrl, connectorId, tunnelId, authorization,
                serverDescription, headers, allowedTools, allowedCallers, rule, deferLoading);
    }

    /** MCP: only these of the server's tools are listed and may be called. */
    public Tool withAllowedTools(String... toolNames) {
        ArrayNode names = JsonNodeFactory.instance.arrayNode();
        for (String n : toolNames) {
            names.add(Objects.requireNonNull(n, "toolNames[i]"));
        }
        return new Tool(type, name, description, parameters, serverLabel, serverUrl, connectorId, tunnelId, authorization,
                serverDescription, headers, names, allowedCallers, requireApproval, deferLoading);
    }

    /** MCP: HTTP headers the service sends with each request to the server (may hold secrets; never printed). */
    public Tool withHeaders(Map<String, String> httpHeaders) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        httpHeaders.forEach(node::put);
        return new Tool(type, name, description, parameters, serverLabel, serverUrl, connectorId, tunnelId, authorization,
                serverDescription, node, allowedTools, allowedCallers, requireApproval, deferLoading);
    }

    /** MCP: an OAuth access token the service sends to the server as {@code Authorization: Bearer …} (a secret; never printed). */
    public Tool withAuthorization(String token) {
        return new Tool(type, name, description, parameters, serverLabel, serverUrl, connectorId, tunnelId, token,
                serverDescription, headers, allowedTools, allowedCallers, requireApproval, deferLoading);
    }

    /** MCP: what the server is for, told to the model. */
    public Tool withServerDescription(String text) {
        return new Tool(type, name, description, parameters, serverLabel, serverUrl, connectorId, tunnelId, authorization,
                text, headers, allowedTools, allowedCallers, requireApproval, deferLoading);
    }

    @Override
    public String toString() {
        return "function".equals(type)
                ? "Tool[function " + name + "]"
                : "Tool[" + type + " " + serverLabel + (serverUrl != null ? " " + serverUrl : "")
                        + (authorization != null || headers != null ? ", credentials=<redacted>" : "") + "]";
    }
}
