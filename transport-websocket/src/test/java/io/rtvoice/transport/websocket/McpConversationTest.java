package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.conversation.McpApproval;
import io.rtvoice.conversation.McpApprovalRequest;
import io.rtvoice.conversation.McpCall;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.emulator.testing.McpTestServer;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * MCP tools end to end: rtvoice's conversation → the emulator (as the service) → a real MCP server (the
 * SDK's, over Streamable HTTP) → the output back through the conversation; with and without approval.
 */
class McpConversationTest {

    static final String KEY = "sk-mcp-conversation-test";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));

    private static McpTestServer server;

    @BeforeAll
    static void startServer() {
        server = McpTestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** A GA conversation whose session has {@code tool}, once the service has listed its tools (or failed to). */
    private static Conversation configured(Tool tool) {
        Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT);
        Mono<ServerEvent> listed = conversation.events()
                .filter(e -> e instanceof ServerEvent.McpListToolsCompleted || e instanceof ServerEvent.McpListToolsFailed)
                .next().cache();
        listed.subscribe();
        conversation.configure(SessionConfig.builder().outputModalities("text").tools(List.of(tool)).build()).block(TIMEOUT);
        listed.block(TIMEOUT);
        return conversation;
    }

    private static Tool docs() {
        return Tool.mcp("docs", server.url().toString());
    }

    /**
     * The response the conversation creates after answering the next one's approval request; listened for
     * before asking, so that a fast answer cannot come unheard.
     */
    private static Mono<ConversationResponse> secondResponse(Conversation conversation) {
        Mono<ConversationResponse> second = conversation.responses().skip(1).next().cache();
        second.subscribe();
        return second;
    }

    private static String text(ConversationResponse response) {
        return String.join("", response.items().blockFirst(TIMEOUT).text().collectList().block(TIMEOUT));
    }

    @Test
    void aCallThatNeedsNoApprovalComesBackWithTheServersOutput() {
        try (Conversation conversation = configured(docs().withRequireApproval("never"))) {
            int before = server.calls().size();
            conversation.addUserText("Please echo hello world");
            ConversationResponse response = conversation.respond().block(TIMEOUT);

            List<McpCall> calls = response.mcpCalls().collectList().block(TIMEOUT);
            assertThat(calls).hasSize(1);
            McpCall call = calls.get(0);
            assertThat(call.serverLabel()).isEqualTo("docs");
            assertThat(call.toolName()).isEqualTo("echo");
            assertThat(call.arguments()).isEqualTo("{\"text\":\"hello world\"}");
            assertThat(call.output()).isEqualTo("echo: hello world");
            assertThat(call.failed()).isFalse();
            assertThat(server.calls().subList(before, server.calls().size()))
                    .containsExactly(new McpTestServer.Call("echo", Map.of("text", "hello world")));
        }
    }

    @Test
    void anApprovedCallRunsInTheResponseAfterTheApproval() {
        try (Conversation conversation = configured(docs())) { // no rule: the service asks every time
            List<McpApprovalRequest> asked = new CopyOnWriteArrayList<>();
            conversation.mcpApproval(request -> {
                asked.add(request);
                return Mono.just(McpApproval.approve());
            });
            int before = server.calls().size();
            conversation.addUserText("shout this");
            Mono<ConversationResponse> second = secondResponse(conversation); // created after the approval
            ConversationResponse first = conversation.respond().block(TIMEOUT);
            ConversationResponse continued = second.block(TIMEOUT);

            assertThat(first.items().blockFirst(TIMEOUT).type()).isEqualTo("mcp_approval_request");
            assertThat(first.mcpCalls().collectList().block(TIMEOUT)).isEmpty();
            List<McpCall> calls = continued.mcpCalls().collectList().block(TIMEOUT);
            assertThat(asked).hasSize(1);
            assertThat(asked.get(0).toolName()).isEqualTo("shout");
            assertThat(asked.get(0).arguments()).isEqualTo("{\"text\":\"this\"}");
            assertThat(calls).singleElement().satisfies(call -> {
                assertThat(call.output()).isEqualTo("THIS");
                assertThat(call.approvalRequestId()).isEqualTo(asked.get(0).id());
            });
            assertThat(server.calls()).hasSize(before + 1);
        }
    }

    @Test
    void aDeniedCallNeverReachesTheServerAndTheModelIsTold() {
        try (Conversation conversation = configured(docs().withRequireApproval("always"))) {
            conversation.mcpApproval(request -> Mono.just(McpApproval.deny("not today")));
            int before = server.calls().size();
            conversation.addUserText("echo the launch codes");
            Mono<ConversationResponse> second = secondResponse(conversation);
            conversation.respond().block(TIMEOUT);
            ConversationResponse continued = second.block(TIMEOUT);

            assertThat(text(continued)).isEqualTo("The call to echo was not approved.");
            assertThat(continued.mcpCalls().collectList().block(TIMEOUT)).isEmpty();
            assertThat(server.calls()).hasSize(before);
        }
    }

    @Test
    void withoutAnApprovalHandlerEveryCallAskedAboutIsDenied() {
        try (Conversation conversation = configured(docs())) {
            Mono<Item> answer = conversation.events().ofType(ServerEvent.ConversationItemAdded.class)
                    .map(ServerEvent.ConversationItemAdded::item)
                    .filter(i -> "mcp_approval_response".equals(i.type())).next().cache();
            answer.subscribe();
            int before = server.calls().size();
            conversation.addUserText("echo something");
            Mono<ConversationResponse> second = secondResponse(conversation);
            conversation.respond().block(TIMEOUT);
            ConversationResponse continued = second.block(TIMEOUT);

            Item denial = answer.block(TIMEOUT);
            assertThat(denial.approve()).isFalse();
            assertThat(denial.reason()).isEqualTo("no approval handler is set");
            assertThat(text(continued)).isEqualTo("The call to echo was not approved.");
            assertThat(server.calls()).hasSize(before);
        }
    }

    @Test
    void aHandlerThatDoesNotDecideInTimeDenies() {
        try (Conversation conversation = configured(docs())) {
            conversation.mcpApproval(request -> Mono.never()).mcpApprovalTimeout(Duration.ofMillis(200));
            int before = server.calls().size();
            conversation.addUserText("echo late");
            Mono<ConversationResponse> second = secondResponse(conversation);
            conversation.respond().block(TIMEOUT);
            ConversationResponse continued = second.block(TIMEOUT);

            assertThat(text(continued)).isEqualTo("The call to echo was not approved.");
            assertThat(server.calls()).hasSize(before);
        }
    }

    @Test
    void aServerThatIsDownFailsTheListingAndTheModelAnswersWithoutIt() {
        McpTestServer gone = McpTestServer.start();
        String url = gone.url().toString();
        gone.close();
        Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT);
        try (conversation) {
            Mono<ServerEvent.McpListToolsFailed> failed = conversation.events().ofType(ServerEvent.McpListToolsFailed.class)
                    .next().cache();
            failed.subscribe();
            conversation.configure(SessionConfig.builder().outputModalities("text")
                    .tools(List.of(Tool.mcp("gone", url).withRequireApproval("never"))).build()).block(TIMEOUT);
            assertThat(failed.block(TIMEOUT).itemId()).isNotNull();

            conversation.addUserText("please echo hi");
            ConversationResponse response = conversation.respond().block(TIMEOUT);
            assertThat(text(response)).isEqualTo("You said: please echo hi.");
            assertThat(response.mcpCalls().collectList().block(TIMEOUT)).isEmpty();
        }
    }
}
