package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.rtvoice.Dialect;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.Tool;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One session's MCP servers, as the service keeps them: a {@code session.update} that brings an MCP tool
 * (a new {@code server_label}, or a new URL for one) lists the server's tools over Streamable HTTP with the
 * MCP Java SDK and adds an {@code mcp_list_tools} item to the conversation:
 * <pre>
 *   conversation.item.added (mcp_list_tools, no tools) ─▶ mcp_list_tools.in_progress
 *       ─▶ mcp_list_tools.completed + conversation.item.done (the tools)   or   mcp_list_tools.failed
 * </pre>
 * and {@link McpCallRun} calls them for responses. {@code allowed_tools} (names, or {@code {tool_names,
 * read_only}}) filters the listing; {@code headers} and {@code authorization} ({@code Bearer}) go with
 * every request to the server and are never printed.
 *
 * <p>Threads: the SDK's client is built, and its work subscribed, on Reactor's bounded-elastic scheduler
 * (building one starts the JDK HttpClient's selector thread); every outcome comes back to the connection's
 * event loop before it touches the session. Not thread-safe otherwise: it runs on that event loop.
 */
final class McpTools {

    /** How long listing or one call may take before it fails (the SDK's own default is 20 s). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    /** The SDK's JSON: its own records, with their own names (not the wire's snake_case of {@link WireJson}). */
    private static final com.fasterxml.jackson.databind.ObjectMapper SDK_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final EmulatedSession session;
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private boolean closed;

    McpTools(EmulatedSession session) {
        this.session = session;
    }

    /** One configured server: its tool definition and, once connected, its client and listed tools. */
    private static final class Server {
        final Tool tool;
        final String listItemId;
        Mono<McpAsyncClient> client;
        /** Listed tools by name, as the SDK describes them; empty until listed. */
        final Map<String, McpSchema.Tool> listed = new HashMap<>();

        Server(Tool tool, String listItemId) {
            this.tool = tool;
            this.listItemId = listItemId;
        }
    }

    /** The session's tools changed: lists each MCP server that is new or moved; forgets those removed. */
    void configured(List<Tool> tools) {
        if (session.dialect() != Dialect.GA || closed) {
            return; // MCP tools are GA only (core's codec refuses them in the preview dialect)
        }
        Map<String, Tool> wanted = new LinkedHashMap<>();
        for (Tool tool : tools == null ? List.<Tool>of() : tools) {
            if ("mcp".equals(tool.type()) && tool.serverLabel() != null) {
                wanted.put(tool.serverLabel(), tool);
            }
        }
        servers.entrySet().removeIf(e -> {
            Tool now = wanted.get(e.getKey());
            boolean gone = now == null || !Objects.equals(now.serverUrl(), e.getValue().tool.serverUrl());
            if (gone) {
                close(e.getValue());
            }
            return gone;
        });
        wanted.forEach((label, tool) -> {
            Server known = servers.get(label);
            if (known == null) {
                Server server = new Server(tool, session.nextId("mcpl"));
                servers.put(label, server);
                list(server);
            }
        });
    }

    private void list(Server server) {
        String label = server.tool.serverLabel();
        String previous = session.items().lastItemId();
        Item pending = new Item(server.listItemId, "mcp_list_tools", null, null, null, null, null, null, null, null,
                label, List.of(), null, null, null, null);
        session.items().add(pending);
        session.emit(new ServerEvent.ConversationItemAdded(session.nextEventId(), previous, pending));
        session.emit(new ServerEvent.McpListToolsInProgress(session.nextEventId(), server.listItemId));
        server.client = connect(server.tool).cache();
        onLoop(server.client.flatMap(c -> c.listTools()).timeout(REQUEST_TIMEOUT), result -> {
            if (servers.get(label) != server) {
                return; // reconfigured meanwhile
            }
            List<JsonNode> described = new ArrayList<>();
            for (McpSchema.Tool t : result.tools()) {
                if (allowed(server.tool.allowedTools(), t)) {
                    server.listed.put(t.name(), t);
                    described.add(describe(t));
                }
            }
            Item done = new Item(server.listItemId, "mcp_list_tools", null, null, null, null, null, null, null, null,
                    label, List.copyOf(described), null, null, null, null);
            session.items().replace(done);
            session.emit(new ServerEvent.McpListToolsCompleted(session.nextEventId(), server.listItemId));
            session.emit(new ServerEvent.ConversationItemDone(session.nextEventId(), previous, done));
        }, error -> {
            if (servers.get(label) == server) {
                session.emit(new ServerEvent.McpListToolsFailed(session.nextEventId(), server.listItemId));
            }
        });
    }

    /** The MCP server's tool as the {@code mcp_list_tools} item shows it ({@code MCPListToolsTool}). */
    private static JsonNode describe(McpSchema.Tool tool) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", tool.name());
        node.put("description", tool.description());
        node.set("input_schema", WireJson.mapper().valueToTree(tool.inputSchema() != null ? tool.inputSchema() : Map.of()));
        if (tool.annotations() != null) {
            ObjectNode annotations = node.putObject("annotations");
            if (tool.annotations().readOnlyHint() != null) {
                annotations.put("read_only_hint", tool.annotations().readOnlyHint());
            }
        }
        return node;
    }

    private static boolean allowed(JsonNode allowedTools, McpSchema.Tool tool) {
        if (allowedTools == null || allowedTools.isNull()) {
            return true;
        }
        if (allowedTools.isArray()) {
            return contains(allowedTools, tool.name());
        }
        JsonNode names = allowedTools.path("tool_names");
        if (names.isArray() && !contains(names, tool.name())) {
            return false;
        }
        JsonNode readOnly = allowedTools.path("read_only");
        return !readOnly.isBoolean() || readOnly.asBoolean() == (tool.annotations() != null
                && Boolean.TRUE.equals(tool.annotations().readOnlyHint()));
    }

    private static boolean contains(JsonNode names, String name) {
        for (JsonNode n : names) {
            if (n.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether calling {@code name} on {@code serverLabel} needs the client's approval first:
     * {@code "never"} no, {@code "always"} yes; the object form {@code {"always":{"tool_names":[…]},
     * "never":{"tool_names":[…]}}} names tools each way. Absent, or a tool the object does not name: yes,
     * as the service does by default.
     */
    boolean approvalRequired(String serverLabel, String name) {
        Server server = servers.get(serverLabel);
        JsonNode rule = server == null ? null : server.tool.requireApproval();
        if (rule == null || rule.isNull()) {
            return true;
        }
        if (rule.isTextual()) {
            return !"never".equals(rule.asText());
        }
        return !contains(rule.path("never").path("tool_names"), name);
    }

    /** Calls a listed tool; the outcome arrives on the event loop, as output text or as the item's error. */
    void call(String serverLabel, String name, String arguments, Consumer<String> output, Consumer<JsonNode> error) {
        Server server = servers.get(serverLabel);
        if (server == null || server.client == null || !server.listed.containsKey(name)) {
            error.accept(protocolError(-32602, "Tool " + name + " is not available on server " + serverLabel));
            return;
        }
        Map<String, Object> args;
        try {
            args = WireJson.mapper().readValue(arguments == null || arguments.isBlank() ? "{}" : arguments,
                    WireJson.mapper().getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        } catch (java.io.IOException | RuntimeException e) {
            error.accept(protocolError(-32602, "The arguments are not a JSON object"));
            return;
        }
        onLoop(server.client.flatMap(c -> c.callTool(McpSchema.CallToolRequest.builder(name).arguments(args).build())).timeout(REQUEST_TIMEOUT),
                result -> {
                    String text = text(result);
                    if (Boolean.TRUE.equals(result.isError())) {
                        ObjectNode e = JsonNodeFactory.instance.objectNode();
                        e.put("type", "tool_execution_error").put("message", text);
                        error.accept(e);
                    } else {
                        output.accept(text);
                    }
                }, e -> error.accept(errorOf(e)));
    }

    private static String text(McpSchema.CallToolResult result) {
        StringBuilder text = new StringBuilder();
        if (result.content() != null) {
            for (McpSchema.Content content : result.content()) {
                if (content instanceof McpSchema.TextContent t) {
                    text.append(text.length() > 0 ? "\n" : "").append(t.text());
                }
            }
        }
        if (text.length() == 0 && result.structuredContent() != null) {
            return WireJson.mapper().valueToTree(result.structuredContent()).toString();
        }
        return text.toString();
    }

    /** The {@code mcp_call} item's error for a failed call: the server's JSON-RPC error, or the HTTP exchange's. */
    private static JsonNode errorOf(Throwable e) {
        if (e instanceof McpError m && m.getJsonRpcError() != null) {
            return protocolError(m.getJsonRpcError().code() != null ? m.getJsonRpcError().code() : -32603,
                    m.getJsonRpcError().message());
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        // The SDK's message may carry the server's address, never a header: safe to show.
        node.put("type", "http_error").put("code", 502).put("message", String.valueOf(e.getMessage()));
        return node;
    }

    private static JsonNode protocolError(int code, String message) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "protocol_error").put("code", code).put("message", message);
        return node;
    }

    /** A client of the server, initialized, built and subscribed off the event loop. */
    private static Mono<McpAsyncClient> connect(Tool tool) {
        return Mono.fromCallable(() -> client(tool))
                .flatMap(client -> client.initialize().timeout(REQUEST_TIMEOUT).thenReturn(client)
                        .onErrorResume(e -> client.closeGracefully().onErrorResume(x -> Mono.empty()).then(Mono.error(e))))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static McpAsyncClient client(Tool tool) {
        URI url = URI.create(Objects.requireNonNull(tool.serverUrl(), "server_url"));
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() != null ? "?" + url.getRawQuery() : "");
        Map<String, String> headers = new LinkedHashMap<>();
        if (tool.headers() != null) {
            tool.headers().properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        }
        if (tool.authorization() != null) {
            headers.put("Authorization", "Bearer " + tool.authorization());
        }
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint)
                .jsonMapper(new JacksonMcpJsonMapper(SDK_JSON))
                .addHttpRequestCustomizer((request, method, uri, body, context) -> headers.forEach(request::header))
                .build();
        return McpClient.async(transport)
                .clientInfo(McpSchema.Implementation.builder("rtvoice-emulator", "1").build())
                .requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT)
                .build();
    }

    /** Runs {@code work} and hands its outcome to the connection's event loop, unless the session closed. */
    private <T> void onLoop(Mono<T> work, Consumer<T> value, Consumer<Throwable> failure) {
        work.subscribe(
                v -> session.out().executor().execute(() -> {
                    if (!closed) {
                        value.accept(v);
                    }
                }),
                e -> session.out().executor().execute(() -> {
                    if (!closed) {
                        failure.accept(e);
                    }
                }));
    }

    /** The connection is gone: closes every server's client, without waiting. */
    void close() {
        closed = true;
        servers.values().forEach(McpTools::close);
        servers.clear();
    }

    private static void close(Server server) {
        if (server.client != null) {
            server.client.flatMap(McpAsyncClient::closeGracefully)
                    .onErrorResume(e -> Mono.empty())
                    .subscribeOn(Schedulers.boundedElastic())
                    .subscribe();
        }
    }
}
