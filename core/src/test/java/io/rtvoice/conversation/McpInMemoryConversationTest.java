package io.rtvoice.conversation;

import static io.rtvoice.testing.InMemoryTransport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.testing.InMemoryTransport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** {@link Conversation}'s MCP side over the in-memory transport: calls reported per response, approvals answered. */
class McpInMemoryConversationTest {

    final InMemoryTransport transport = InMemoryTransport.realtime();

    @AfterEach
    void stop() {
        transport.close();
    }

    Conversation connect() {
        return Conversation.connect(transport.client()).block(TIMEOUT);
    }

    /** The first {@code response.create} is answered with a response whose output is {@code items}, each also reported done. */
    void respondOnceWith(String... items) {
        transport.answer("response.create", (server, create) -> {
            if (server.receivedTypes().stream().filter("response.create"::equals).count() == 1) {
                server.push(InMemoryTransport.responseCreated("resp_1"));
                for (String item : items) {
                    server.push("{\"type\":\"response.output_item.done\",\"event_id\":\"event_d\",\"response_id\":\"resp_1\","
                            + "\"output_index\":0,\"item\":" + item + "}");
                }
                server.push(InMemoryTransport.responseDone("resp_1", items));
            }
        });
    }

    static String approvalRequest(String id, String tool) {
        return "{\"id\":\"" + id + "\",\"type\":\"mcp_approval_request\",\"server_label\":\"docs\",\"name\":\"" + tool
                + "\",\"arguments\":\"{\\\"text\\\":\\\"hi\\\"}\"}";
    }

    /** What the client sent after the response: its items (type and the fields that matter), then the event that asked the model on. */
    static List<String> answers(InMemoryTransport.Server server, int count) {
        List<String> sent = server.received().filter(n -> n.path("type").asText().equals("conversation.item.create"))
                .take(count).map(n -> {
                    JsonNode item = n.path("item");
                    return item.path("type").asText().equals("function_call_output")
                            ? item.path("call_id").asText() + "=" + item.path("output").asText()
                            : item.path("approval_request_id").asText() + " approve=" + item.path("approve").asBoolean()
                                    + (item.has("reason") ? " reason=" + item.path("reason").asText() : "");
                }).collectList().block(TIMEOUT);
        assertThat(server.received().map(n -> n.path("type").asText()).skip(1 + count).blockFirst(TIMEOUT)).isEqualTo("response.create");
        return sent;
    }

    @Test
    void mcpCallsAreReportedWithTheirResponseAsTheirItemsAreDone() {
        respondOnceWith("{\"id\":\"mcp_1\",\"type\":\"mcp_call\",\"server_label\":\"docs\",\"name\":\"echo\","
                        + "\"arguments\":\"{\\\"text\\\":\\\"hi\\\"}\",\"output\":\"echo: hi\"}",
                "{\"id\":\"mcp_2\",\"type\":\"mcp_call\",\"server_label\":\"docs\",\"name\":\"broken\",\"arguments\":\"{}\","
                        + "\"approval_request_id\":\"mcpr_1\",\"error\":{\"type\":\"tool_execution_error\",\"message\":\"it broke\"}}");
        Conversation conversation = connect();
        ConversationResponse response = conversation.respond().block(TIMEOUT);
        List<McpCall> calls = response.mcpCalls().collectList().block(TIMEOUT);

        assertThat(calls).containsExactly(
                new McpCall("mcp_1", "docs", "echo", "{\"text\":\"hi\"}", "echo: hi", null, null),
                new McpCall("mcp_2", "docs", "broken", "{}", null,
                        JsonNodeFactory.instance.objectNode().put("type", "tool_execution_error").put("message", "it broke"), "mcpr_1"));
        assertThat(calls.get(1).failed()).isTrue();
        // a response of MCP calls only is the service's to go on with: the client asks for nothing
        assertThat(transport.connection(0).receivedTypes()).doesNotContain("conversation.item.create");
    }

    @Test
    void approvalRequestsAndFunctionCallsOfOneResponseAreAnsweredInItemOrderThenTheModelGoesOnOnce() {
        respondOnceWith(approvalRequest("mcpr_1", "echo"),
                "{\"id\":\"item_f\",\"type\":\"function_call\",\"name\":\"weather\",\"call_id\":\"call_1\",\"arguments\":\"{}\"}",
                approvalRequest("mcpr_2", "shout"));
        Conversation conversation = connect();
        conversation.tool("weather", "The weather", JsonNodeFactory.instance.objectNode(), args -> Mono.just("{\"sky\":\"clear\"}"));
        conversation.mcpApproval(request -> Mono.just(request.toolName().equals("echo")
                ? McpApproval.approve() : McpApproval.deny("too loud")));
        conversation.respond().block(TIMEOUT);

        assertThat(answers(transport.connection(0), 3)).containsExactly(
                "mcpr_1 approve=true", "call_1={\"sky\":\"clear\"}", "mcpr_2 approve=false reason=too loud");
        assertThat(transport.connection(0).receivedTypes().stream().filter("response.create"::equals)).hasSize(2);
    }

    @Test
    void aHandlerThatFailsOrAnswersNothingDeniesAndNoHandlerDeniesToo() {
        respondOnceWith(approvalRequest("mcpr_1", "fails"), approvalRequest("mcpr_2", "silent"));
        Conversation conversation = connect();
        conversation.mcpApproval(request -> request.toolName().equals("fails")
                ? Mono.error(new IllegalStateException("approval service down")) : Mono.empty());
        conversation.respond().block(TIMEOUT);
        assertThat(answers(transport.connection(0), 2)).containsExactly(
                "mcpr_1 approve=false reason=the approval handler failed", "mcpr_2 approve=false reason=no decision");

        InMemoryTransport other = InMemoryTransport.realtime();
        try {
            other.answer("response.create", (server, create) -> {
                server.push(InMemoryTransport.responseCreated("resp_9"));
                server.push(InMemoryTransport.responseDone("resp_9", approvalRequest("mcpr_9", "echo")));
            });
            Conversation unhandled = Conversation.connect(other.client()).block(TIMEOUT);
            unhandled.respond().block(TIMEOUT);
            assertThat(answers(other.connection(0), 1)).containsExactly("mcpr_9 approve=false reason=no approval handler is set");
        } finally {
            other.close();
        }
    }

    @Test
    void theApprovalTimeoutIsPositiveAndSixtySecondsByDefault() {
        Conversation conversation = connect();
        assertThat(Conversation.DEFAULT_MCP_APPROVAL_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> conversation.mcpApprovalTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("mcpApprovalTimeout : PT0S (expected: > 0)");
    }
}
