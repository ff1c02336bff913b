package io.rtvoice.transport.websocket;

import static io.rtvoice.transport.websocket.AgentFixtures.TIMEOUT;
import static io.rtvoice.transport.websocket.AgentFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.agent.Agent;
import io.rtvoice.agent.AgentEvent;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.conversation.McpCall;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.emulator.testing.McpTestServer;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.Tool;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An agent's MCP server, which the service (the emulator) calls: the calls it asks about go through the runner's
 * approval, as a function's do, and the approved call reaches a real MCP server.
 */
class AgentMcpApprovalTest {

    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(AgentFixtures.KEY).configure(b -> b.pace(0));
    private static McpTestServer server;

    @BeforeAll
    static void startServer() {
        server = McpTestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void anMcpCallTheServiceAsksAboutWaitsForTheAppAndRunsOnceApproved() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            Agent librarian = Agent.builder("librarian").instructions("You look things up.")
                    .tool(Tool.mcp("docs", server.url().toString())) // no rule: the service asks every time
                    .build();
            AgentRunner runner = AgentRunner.builder().conversation(conversation).agents(librarian).build();
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            events.ofType(AgentEvent.ApprovalRequested.class).subscribe(r -> runner.approve(r.id()));
            Mono<ServerEvent> listed = conversation.events()
                    .filter(e -> e instanceof ServerEvent.McpListToolsCompleted || e instanceof ServerEvent.McpListToolsFailed)
                    .next().cache();
            listed.subscribe();
            runner.start().block(TIMEOUT);
            assertThat(listed.block(TIMEOUT)).isInstanceOf(ServerEvent.McpListToolsCompleted.class);

            conversation.addUserText("shout this");
            Mono<ConversationResponse> second = conversation.responses().skip(1).next().cache();
            second.subscribe();
            ConversationResponse first = conversation.respond().block(TIMEOUT);
            ConversationResponse continued = second.block(TIMEOUT);

            String requestId = first.items().blockFirst(TIMEOUT).id();
            assertThat(await(events, AgentEvent.ApprovalRequested.class, e -> true)).isEqualTo(
                    new AgentEvent.ApprovalRequested("librarian", requestId, "docs/shout", "{\"text\":\"this\"}"));
            List<McpCall> calls = continued.mcpCalls().collectList().block(TIMEOUT);
            assertThat(calls).singleElement().satisfies(call -> {
                assertThat(call.output()).isEqualTo("THIS");
                assertThat(call.approvalRequestId()).isEqualTo(requestId);
            });
            runner.close();
        }
    }
}
