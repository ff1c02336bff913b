package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.emulator.testing.McpTestServer;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The emulator as the service of MCP tools, against a real MCP server (the SDK's, over Streamable HTTP). */
class McpToolsTest {

    /** Shaped like a test secret, so that SuiteGuard fails the class if it is ever printed. */
    private static final String TOKEN = "sk-mcp-test-token";

    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.anyKey().configure(b -> b.pace(0));

    @RegisterExtension
    static final EmulatorExtension callsAnyway = EmulatorExtension.anyKey().configure(b -> b.pace(0)
            .responder(turn -> new Responder.Reply.McpCall("docs", "echo", "{\"text\":\"hi\"}", null)));

    private static McpTestServer server;

    @BeforeAll
    static void startServer() {
        server = McpTestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static WsClient configured(Tool tool) throws Exception {
        WsClient c = WsClient.connect(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA,
                Map.of("Authorization", "Bearer emulator"));
        c.await(ServerEvent.SessionCreated.class); // GA sends nothing more until asked
        c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type("realtime").outputModalities("text")
                .tools(List.of(tool)).build()));
        c.await(ServerEvent.SessionUpdated.class);
        return c;
    }

    private static Item listedItem(WsClient c) throws Exception {
        ServerEvent.McpListToolsInProgress progress = c.await(ServerEvent.McpListToolsInProgress.class);
        c.await(ServerEvent.McpListToolsCompleted.class);
        ServerEvent.ConversationItemDone done = c.await(ServerEvent.ConversationItemDone.class);
        assertThat(done.item().id()).isEqualTo(progress.itemId());
        return done.item();
    }

    private static List<String> names(Item listed) {
        return listed.tools().stream().map(t -> t.path("name").asText()).toList();
    }

    @Test
    void aSessionOpenedWithAnEphemeralKeyListsTheMcpServersItWasMintedWith() throws Exception {
        java.net.http.HttpResponse<String> minted = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + emulator.port() + "/v1/realtime/client_secrets"))
                .header("Authorization", "Bearer emulator")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"session\":{\"type\":\"realtime\",\"tools\":[{\"type\":\"mcp\","
                        + "\"server_label\":\"docs\",\"server_url\":\"" + server.url() + "\",\"require_approval\":\"never\"}]}}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        String key = new ObjectMapper().readTree(minted.body()).get("value").asText();

        try (WsClient c = WsClient.connect(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA,
                Map.of("Authorization", "Bearer " + key))) {
            assertThat(c.await(ServerEvent.SessionCreated.class).session().tools()).extracting(Tool::serverLabel).containsExactly("docs");
            assertThat(names(listedItem(c))).contains("echo");
        }
    }

    @Test
    void sessionUpdateListsTheServersAllowedToolsIntoAnMcpListToolsItem() throws Exception {
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()).withAllowedTools("echo", "lookup")
                .withAuthorization(TOKEN))) {
            ServerEvent.ConversationItemAdded added = c.await(ServerEvent.ConversationItemAdded.class);
            assertThat(added.item().type()).isEqualTo("mcp_list_tools");
            assertThat(added.item().tools()).isEmpty();
            Item listed = listedItem(c);
            assertThat(listed.serverLabel()).isEqualTo("docs");
            assertThat(names(listed)).containsExactlyInAnyOrder("echo", "lookup");
            JsonNode echo = listed.tools().stream().filter(t -> t.path("name").asText().equals("echo")).findFirst().orElseThrow();
            assertThat(echo.path("input_schema").path("required").get(0).asText()).isEqualTo("text");
            assertThat(server.authorizations()).contains("Bearer " + TOKEN);
        }
    }

    @Test
    void aServerThatIsDownFailsTheListing() throws Exception {
        McpTestServer gone = McpTestServer.start();
        String url = gone.url().toString();
        gone.close();
        try (WsClient c = configured(Tool.mcp("gone", url))) {
            ServerEvent.McpListToolsInProgress progress = c.await(ServerEvent.McpListToolsInProgress.class);
            ServerEvent.McpListToolsFailed failed = c.await(ServerEvent.McpListToolsFailed.class);
            assertThat(failed.itemId()).isEqualTo(progress.itemId());
            // and the model, knowing no tools of it, just answers
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("please echo hi")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().output().get(0).type()).isEqualTo("message");
        }
    }

    @Test
    void aCallWithoutApprovalRunsOnTheServerAndItsOutputEndsTheResponse() throws Exception {
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()).withRequireApproval("never"))) {
            listedItem(c);
            int before = server.calls().size();
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Please echo hello world")));
            c.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder().build()));
            ServerEvent.ResponseMcpCallArgumentsDone args = c.await(ServerEvent.ResponseMcpCallArgumentsDone.class);
            assertThat(args.arguments()).isEqualTo("{\"text\":\"hello world\"}");
            c.await(ServerEvent.ResponseMcpCallInProgress.class);
            c.await(ServerEvent.ResponseMcpCallCompleted.class);
            ServerEvent.ResponseOutputItemDone item = c.await(ServerEvent.ResponseOutputItemDone.class);
            assertThat(item.item().type()).isEqualTo("mcp_call");
            assertThat(item.item().name()).isEqualTo("echo");
            assertThat(item.item().output()).isEqualTo("echo: hello world");
            c.await(ServerEvent.ResponseDone.class);
            assertThat(server.calls().subList(before, server.calls().size()))
                    .containsExactly(new McpTestServer.Call("echo", Map.of("text", "hello world")));
            assertThat(c.types()).containsSubsequence("response.created", "response.output_item.added",
                    "response.mcp_call_arguments.delta", "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done",
                    "response.mcp_call.in_progress", "response.mcp_call.completed", "response.output_item.done", "response.done");
        }
    }

    @Test
    void aToolThatReportsAnErrorFailsTheCallWithATypedError() throws Exception {
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()).withRequireApproval("never"))) {
            listedItem(c);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("broken thing")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseMcpCallFailed.class);
            ServerEvent.ResponseOutputItemDone item = c.await(ServerEvent.ResponseOutputItemDone.class);
            assertThat(item.item().error().path("type").asText()).isEqualTo("tool_execution_error");
            assertThat(item.item().error().path("message").asText()).isEqualTo("the tool broke");
        }
    }

    @Test
    void approvalIsAskedFirstAndTheApprovedCallRunsInTheNextResponse() throws Exception {
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()))) { // no rule: always ask
            listedItem(c);
            int before = server.calls().size();
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("shout this")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone first = c.await(ServerEvent.ResponseDone.class);
            Item request = first.response().output().get(0);
            assertThat(request.type()).isEqualTo("mcp_approval_request");
            assertThat(request.name()).isEqualTo("shout");
            assertThat(request.arguments()).isEqualTo("{\"text\":\"this\"}");
            assertThat(server.calls()).hasSize(before);

            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.mcpApprovalResponse(request.id(), true, null)));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone second = c.await(ServerEvent.ResponseDone.class);
            Item call = second.response().output().get(0);
            assertThat(call.type()).isEqualTo("mcp_call");
            assertThat(call.approvalRequestId()).isEqualTo(request.id());
            assertThat(call.output()).isEqualTo("THIS");
            assertThat(server.calls()).hasSize(before + 1);
        }
    }

    @Test
    void aDeniedCallNeverReachesTheServer() throws Exception {
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()).withRequireApproval("always"))) {
            listedItem(c);
            int before = server.calls().size();
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("echo secret plans")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            Item request = c.await(ServerEvent.ResponseDone.class).response().output().get(0);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.mcpApprovalResponse(request.id(), false, "not now")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            Item said = c.await(ServerEvent.ResponseDone.class).response().output().get(0);
            assertThat(said.type()).isEqualTo("message");
            assertThat(said.content().get(0).text()).isEqualTo("The call to echo was not approved.");
            assertThat(server.calls()).hasSize(before);
        }
    }

    @Test
    void aReadOnlyFilterListsOnlyReadOnlyToolsAndHeadersGoWithEveryRequest() throws Exception {
        try (McpTestServer own = McpTestServer.start()) { // its own: no other test's requests among those it records
            Tool tool = new Tool("mcp", null, null, null, "ro", own.url().toString(), null, null, null, null,
                    JsonNodeFactory.instance.objectNode().put("Authorization", "Bearer sk-mcp-header-token"),
                    JsonNodeFactory.instance.objectNode().put("read_only", true), null,
                    JsonNodeFactory.instance.textNode("never"), null);
            try (WsClient c = configured(tool)) {
                assertThat(names(listedItem(c))).containsExactly("lookup");
                c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("lookup 42 please")));
                c.send(new ClientEvent.ResponseCreate(null, null));
                Item call = c.await(ServerEvent.ResponseDone.class).response().output().get(0);
                assertThat(call.arguments()).isEqualTo("{\"id\":42}");
                assertThat(call.output()).isEqualTo("item 42");
            }
            // counted, not compared: a failure message must not print the token
            assertThat(own.authorizations()).isNotEmpty();
            assertThat(own.authorizations().stream().filter(a -> !a.equals("Bearer sk-mcp-header-token")).count())
                    .as("requests without the configured header").isZero();
        }
    }

    @Test
    void aServerThatGoesDownAfterListingFailsTheCallWithAnHttpError() throws Exception {
        McpTestServer shortLived = McpTestServer.start();
        try (WsClient c = configured(Tool.mcp("brief", shortLived.url().toString()).withRequireApproval("never"))) {
            listedItem(c);
            shortLived.close();
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("echo into the void")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseMcpCallFailed.class);
            Item call = c.await(ServerEvent.ResponseDone.class).response().output().get(0);
            assertThat(call.type()).isEqualTo("mcp_call");
            assertThat(call.output()).isNull();
            assertThat(call.error().path("type").asText()).isIn("http_error", "protocol_error");
            assertThat(call.error().path("message").asText()).isNotBlank();
        }
    }

    @Test
    void inThePreviewDialectAnMcpCallEndsTheResponseWithNothing() throws Exception {
        try (WsClient c = WsClient.connect(callsAnyway.uri("/v1/realtime?model=gpt-4o-realtime-preview"), Dialect.PREVIEW,
                Map.of("Authorization", "Bearer emulator", "OpenAI-Beta", "realtime=v1"))) {
            c.await(ServerEvent.SessionCreated.class); // GA sends nothing more until asked
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().status()).isEqualTo("completed");
            assertThat(done.response().output()).isEmpty();
        }
    }

    @Test
    void aPerToolRuleAsksOnlyAboutTheToolsItDoesNotExempt() throws Exception {
        JsonNode rule = new ObjectMapper().readTree("{\"never\":{\"tool_names\":[\"echo\"]}}");
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()).withRequireApproval(rule))) {
            listedItem(c);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("echo free")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            assertThat(c.await(ServerEvent.ResponseDone.class).response().output().get(0).type()).isEqualTo("mcp_call");
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("shout guarded")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            assertThat(c.await(ServerEvent.ResponseDone.class).response().output().get(0).type()).isEqualTo("mcp_approval_request");
        }
    }

    @Test
    void theResponseAfterACallSaysWhatTheToolAnswered() throws Exception {
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()).withRequireApproval("never"))) {
            listedItem(c);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("echo twice")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseDone.class);
            c.send(new ClientEvent.ResponseCreate(null, null));
            Item said = c.await(ServerEvent.ResponseDone.class).response().output().get(0);
            assertThat(said.content().get(0).text()).isEqualTo("The tool answered: echo: twice.");
        }
    }

    /**
     * Every frame of listing, a call and an approval request has what the official schemas require: the
     * event (the GA catalog) and the MCP item it carries ({@code RealtimeMCPListTools}, {@code
     * RealtimeMCPToolCall}, {@code RealtimeMCPApprovalRequest}).
     */
    @Test
    void everyMcpEventAndItemHasWhatTheOfficialSchemasRequire() throws Exception {
        Path spec = Path.of(System.getProperty("rtvoice.spec.dir", "../../shared/reference/spec"));
        ObjectMapper json = new ObjectMapper();
        JsonNode catalog = json.readTree(Files.readString(spec.resolve("realtime-event-catalog.json"))).get("ga_head").get("server");
        JsonNode schemas = json.readTree(Files.readString(spec.resolve("openai-openapi-HEAD-f85dbe2.realtime-schemas.json"))).get("schemas");
        Map<String, JsonNode> itemSchemas = Map.of("mcp_list_tools", schemas.get("RealtimeMCPListTools"),
                "mcp_call", schemas.get("RealtimeMCPToolCall"), "mcp_approval_request", schemas.get("RealtimeMCPApprovalRequest"));
        List<String> raw = new ArrayList<>();
        try (WsClient c = configured(Tool.mcp("docs", server.url().toString()).withRequireApproval(
                json.readTree("{\"never\":{\"tool_names\":[\"echo\"]}}")))) {
            listedItem(c);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("echo checked")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseDone.class);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("shout checked")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseDone.class);
            c.send(new ClientEvent.ConversationItemRetrieve(null, "item_unknown")); // a marker: its error ends the script
            c.await(ServerEvent.Error.class);
            for (ServerEvent e : c.events()) { // re-encoded by core's codec, whose records keep every field of these events
                raw.add(new String(io.rtvoice.event.EventCodec.of(Dialect.GA).encode(e), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        List<String> problems = new ArrayList<>();
        List<String> mcpTypes = new ArrayList<>();
        for (String frame : raw) {
            JsonNode event = json.readTree(frame);
            String type = event.get("type").asText();
            for (JsonNode entry : catalog) {
                if (entry.get("type").asText().equals(type)) {
                    entry.get("required").forEach(r -> {
                        if (!event.has(r.asText())) {
                            problems.add(type + ": missing '" + r.asText() + "'");
                        }
                    });
                }
            }
            JsonNode item = event.path("item").isObject() ? event.get("item") : null;
            JsonNode schema = item == null ? null : itemSchemas.get(item.path("type").asText());
            if (schema != null) {
                mcpTypes.add(type + " " + item.path("type").asText());
                schema.get("required").forEach(r -> {
                    if (!item.has(r.asText())) {
                        problems.add(type + " " + item.path("type").asText() + ": item missing '" + r.asText() + "'");
                    }
                });
            }
            if (type.startsWith("mcp_") || type.startsWith("response.mcp_")) {
                mcpTypes.add(type);
            }
        }
        assertThat(mcpTypes).contains("mcp_list_tools.in_progress", "mcp_list_tools.completed",
                "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done", "response.mcp_call.in_progress",
                "response.mcp_call.completed", "response.output_item.done mcp_call", "conversation.item.done mcp_list_tools",
                "response.output_item.done mcp_approval_request");
        assertThat(problems).isEmpty();
    }
}
