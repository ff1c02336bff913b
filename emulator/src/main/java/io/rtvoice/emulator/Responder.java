package io.rtvoice.emulator;

import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The emulator's "model": decides, deterministically, what a response says. The reply's audio is the
 * {@link SyntheticVoice} rendering of its transcript.
 */
@FunctionalInterface
public interface Responder {

    /** The reply to the conversation so far. Called on the connection's event loop: do not block. */
    Reply reply(Turn turn);

    /**
     * What a response is asked to answer.
     *
     * @param conversation the conversation's items, oldest first
     * @param inputAudioMs duration in ms of each user audio item, by item id
     * @param session the session configuration in force
     */
    record Turn(List<Item> conversation, Map<String, Integer> inputAudioMs, SessionConfig session) {

        /** The newest item, or {@code null}. */
        public Item last() {
            return conversation.isEmpty() ? null : conversation.get(conversation.size() - 1);
        }
    }

    /** A reply: speech (or text) with a transcript, a function call, or a call of an MCP server's tool. */
    sealed interface Reply {
        /** The model says {@code transcript}. */
        record Speech(String transcript) implements Reply {
        }

        /** The model calls {@code name} with JSON {@code arguments}. */
        record FunctionCall(String name, String arguments) implements Reply {
        }

        /**
         * The model calls tool {@code name} of the session's MCP server {@code serverLabel} with JSON
         * {@code arguments}. The service, not the model, then asks the client for approval first when the
         * server's {@code require_approval} says so, unless {@code approvalRequestId} names a request the client
         * approved.
         */
        record McpCall(String serverLabel, String name, String arguments, String approvalRequestId) implements Reply {
        }
    }

    /**
     * The default responder.
     * <ul>
     *   <li>After a user text message: {@code "You said: <text>."}</li>
     *   <li>After user audio: {@code "I heard <n.n> seconds of audio."}, or {@code "You said: <transcript>."}
     *       when the item has a transcript.</li>
     *   <li>After a function call output: {@code "The tool answered: <output>."}</li>
     *   <li>Tools: when a function tool is configured and the newest user text (or transcript) contains its
     *       name, the model calls it with {@code {"input":"<that text>"}}.</li>
     *   <li>MCP tools: when the text names a tool an MCP server listed (an {@code mcp_list_tools} item), the
     *       model calls it with arguments made from its input schema (see {@link Reply.McpCall}); after an
     *       approved {@code mcp_approval_response} it makes the call it asked about; after a denied one it says
     *       {@code "The call to <tool> was not approved."}; after an {@code mcp_call}, {@code "The tool
     *       answered: <output>."} (or {@code "The tool failed."}).</li>
     *   <li>Otherwise: {@code "Hello, how can I help you today?"}</li>
     * </ul>
     */
    static Responder standard() {
        return turn -> {
            Item last = turn.last();
            if (last == null) {
                return new Reply.Speech("Hello, how can I help you today?");
            }
            if ("function_call_output".equals(last.type())) {
                return new Reply.Speech("The tool answered: " + last.output() + ".");
            }
            Reply mcp = McpReplies.after(turn.conversation(), last);
            if (mcp != null) {
                return mcp;
            }
            String said = userText(last);
            if (said != null && turn.session().tools() != null) {
                for (Tool tool : turn.session().tools()) {
                    if ("function".equals(tool.type()) && tool.name() != null
                            && said.toLowerCase(Locale.ROOT).contains(tool.name().toLowerCase(Locale.ROOT))) {
                        return new Reply.FunctionCall(tool.name(), "{\"input\":" + jsonString(said) + "}");
                    }
                }
            }
            Reply mcpCall = said == null ? null : McpReplies.call(turn.conversation(), turn.session().tools(), said);
            if (mcpCall != null) {
                return mcpCall;
            }
            if (said != null) {
                return new Reply.Speech("You said: " + said + ".");
            }
            Integer ms = turn.inputAudioMs().get(last.id());
            if (ms != null) {
                return new Reply.Speech(String.format(Locale.ROOT, "I heard %.1f seconds of audio.", ms / 1000.0));
            }
            return new Reply.Speech("Hello, how can I help you today?");
        };
    }

    private static String userText(Item item) {
        if (!"message".equals(item.type()) || !"user".equals(item.role()) || item.content() == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (ContentPart part : item.content()) {
            String t = "input_text".equals(part.type()) ? part.text() : part.transcript();
            if (t != null && !t.isBlank()) {
                text.append(text.length() > 0 ? " " : "").append(t.strip());
            }
        }
        return text.length() > 0 ? text.toString() : null;
    }

    private static String jsonString(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString(); // quoted and escaped by Jackson
    }
}
