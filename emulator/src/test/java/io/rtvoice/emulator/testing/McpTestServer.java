package io.rtvoice.emulator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import reactor.core.publisher.Mono;

/**
 * A real MCP server for tests, in process: the MCP Java SDK's server over its Streamable HTTP servlet
 * transport, in an embedded Tomcat on a free loopback port, at {@code /mcp}. Its tools:
 * <ul>
 *   <li>{@code echo {text: string}} answers {@code "echo: <text>"};</li>
 *   <li>{@code shout {text: string}} answers the text in capitals;</li>
 *   <li>{@code broken {text: string}} answers with {@code isError} ("the tool broke");</li>
 *   <li>{@code lookup {id: integer}} answers {@code "item <id>"}, and is read-only.</li>
 * </ul>
 * It records every call (tool name and arguments) and the {@code Authorization} header of every request,
 * so that tests can say what reached it. {@link #close()} stops it; a URL of a stopped server refuses
 * connections.
 */
public final class McpTestServer implements AutoCloseable {

    /** One call as the server received it. */
    public record Call(String tool, Map<String, Object> arguments) {
    }

    private final Tomcat tomcat;
    private final Path baseDir;
    private final McpAsyncServer server;
    private final int port;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private McpTestServer() throws IOException, LifecycleException {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
                .mcpEndpoint("/mcp")
                .build();
        server = McpServer.async(transport)
                .serverInfo("rtvoice-test-mcp", "1")
                .tools(text("echo", "Echoes the text back.", t -> "echo: " + t, false),
                        text("shout", "Says the text in capitals.", t -> t.toUpperCase(Locale.ROOT), false),
                        text("broken", "Always fails.", t -> "the tool broke", true),
                        lookup())
                .build();
        baseDir = Files.createTempDirectory("rtvoice-mcp-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        Wrapper wrapper = Tomcat.addServlet(context, "mcp", new Recording(transport));
        wrapper.setAsyncSupported(true); // the transport answers with server-sent events, asynchronously
        wrapper.addMapping("/mcp");
        tomcat.start();
        port = connector.getLocalPort();
    }

    /** Starts a server on a free loopback port. */
    public static McpTestServer start() {
        try {
            return new McpTestServer();
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException("the test MCP server did not start", e);
        }
    }

    /** {@code http://127.0.0.1:<port>/mcp}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    /** The calls received so far, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The {@code Authorization} header of each request received (an empty string when absent). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private McpServerFeatures.AsyncToolSpecification text(String name, String description,
            java.util.function.UnaryOperator<String> answer, boolean error) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name)
                .description(description)
                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")),
                        "required", List.of("text")))
                .build();
        return McpServerFeatures.AsyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            calls.add(new Call(name, request.arguments()));
            String text = String.valueOf(request.arguments().get("text"));
            return Mono.just(McpSchema.CallToolResult.builder().addTextContent(answer.apply(text)).isError(error).build());
        }).build();
    }

    private McpServerFeatures.AsyncToolSpecification lookup() {
        McpSchema.Tool tool = McpSchema.Tool.builder().name("lookup")
                .description("Looks an item up by id.")
                .inputSchema(Map.of("type", "object", "properties", Map.of("id", Map.of("type", "integer")),
                        "required", List.of("id")))
                .annotations(new McpSchema.ToolAnnotations("Lookup", true, false, true, false, false))
                .build();
        return McpServerFeatures.AsyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            calls.add(new Call("lookup", request.arguments()));
            return Mono.just(McpSchema.CallToolResult.builder().addTextContent("item " + request.arguments().get("id")).build());
        }).build();
    }

    /** The SDK's servlet, recording each request's {@code Authorization} header first. */
    private final class Recording extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient HttpServlet transport;

        Recording(HttpServlet transport) {
            this.transport = transport;
        }

        @Override
        public void init() throws ServletException {
            transport.init(getServletConfig());
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
            String authorization = request.getHeader("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            transport.service((jakarta.servlet.ServletRequest) request, (jakarta.servlet.ServletResponse) response);
        }
    }

    @Override
    public void close() {
        try {
            server.closeGracefully().block(java.time.Duration.ofSeconds(10));
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("the test MCP server did not stop", e);
        } finally {
            try (var files = Files.walk(baseDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is no failure
            }
        }
    }
}
