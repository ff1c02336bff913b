package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.event.Item;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standard responder's MCP moves, on conversations built by hand. */
class McpRepliesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static Item listing(String label, JsonNode... tools) {
        return new Item("mcpl_1", "mcp_list_tools", null, null, null, null, null, null, null, null, label, List.of(tools),
                null, null, null, null);
    }

    private static Responder.Reply reply(List<Item> conversation, List<Tool> tools) {
        return Responder.standard().reply(new Responder.Turn(conversation, Map.of(),
                SessionConfig.builder().tools(tools).build()));
    }

    @Test
    void argumentsGiveEachRequiredPropertyAValueOfItsType() throws Exception {
        JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"},"
                + "\"x\":{\"type\":\"number\"},\"b\":{\"type\":\"boolean\"},\"unit\":{\"type\":\"string\",\"enum\":[\"c\",\"f\"]},"
                + "\"tags\":{\"type\":\"array\"},\"opt\":{\"type\":\"string\"}},\"required\":[\"q\",\"n\",\"x\",\"b\",\"unit\",\"tags\"]}");
        assertThat(McpReplies.arguments(schema, "top 3 results").toString())
                .isEqualTo("{\"q\":\"top 3 results\",\"n\":3,\"x\":3.0,\"b\":true,\"unit\":\"c\",\"tags\":[]}");
        assertThat(McpReplies.arguments(json("{\"type\":\"object\"}"), "anything").toString()).isEqualTo("{}");
    }

    @Test
    void aListedToolNamedInTheUsersTextIsCalledOnlyWhileItsServerIsConfigured() throws Exception {
        JsonNode echo = json("{\"name\":\"echo\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
                + "\"required\":[\"text\"]}}");
        List<Item> conversation = List.of(listing("docs", echo), Item.userText("Please ECHO good news"));

        assertThat(reply(conversation, List.of(Tool.mcp("docs", "http://127.0.0.1:1/mcp"))))
                .isEqualTo(new Responder.Reply.McpCall("docs", "echo", "{\"text\":\"good news\"}", null));
        assertThat(reply(conversation, List.of())).isEqualTo(new Responder.Reply.Speech("You said: Please ECHO good news."));
    }

    @Test
    void anApprovalResponseRepeatsTheRequestedCallOrSaysItWasNotApproved() {
        Item request = new Item("mcpr_1", "mcp_approval_request", null, null, null, null, null, "echo", "{\"text\":\"hi\"}",
                null, "docs", null, null, null, null, null);
        assertThat(reply(List.of(request, Item.mcpApprovalResponse("mcpr_1", true, null).withId("i2")), List.of()))
                .isEqualTo(new Responder.Reply.McpCall("docs", "echo", "{\"text\":\"hi\"}", "mcpr_1"));
        assertThat(reply(List.of(request, Item.mcpApprovalResponse("mcpr_1", false, "no").withId("i2")), List.of()))
                .isEqualTo(new Responder.Reply.Speech("The call to echo was not approved."));
    }
}
