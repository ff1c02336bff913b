package io.rtvoice.emulator;

import io.rtvoice.event.Item;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import io.rtvoice.event.ToolChoice;
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
     * @param session the configuration this response runs with: the session's, with what {@code response.create}
     *        set for this response only (instructions, tools, tool_choice, max_output_tokens, modalities) in its place;
     *        the conversation is {@code response.create}'s {@code input} when it gave one
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
     *   <li>Tools, after a user message, by {@code tool_choice}: {@code auto} (the default) calls the first function
     *       tool whose name, or a distinctive word of it ({@code weather} in {@code get_weather}), the user's text (or
     *       transcript) contains; {@code required} calls that tool, else the first function tool; a named function
     *       calls that function; {@code none} calls nothing. A forced call ({@code required}, named) needs no user
     *       message last and takes the latest user words; after a function call output the model speaks, whatever
     *       the choice, so a client that answers every output with a response does not loop. The arguments satisfy the tool's {@code parameters}
     *       schema, their values drawn from the user's words where they fit (a place property gets the place the
     *       user named, an enum the value they said); a schema without properties gets
     *       {@code {"input":"<that text>"}}.</li>
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
            String said = UserWords.of(last);
            // A forced call (required, or a named function) happens whatever came last; its words are the user's latest.
            String heard = said != null ? said : UserWords.latest(turn.conversation());
            Tool tool = chooseTool(turn.session(), said, heard == null ? "" : heard);
            if (tool != null) {
                return new Reply.FunctionCall(tool.name(), ToolArguments.generate(tool.parameters(), heard == null ? "" : heard));
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

    /** The function tool the standard responder calls for {@code said}, by the session's tool choice, or {@code null}. */
    private static Tool chooseTool(SessionConfig session, String said, String heard) {
        List<Tool> functions = session.tools() == null ? List.of()
                : session.tools().stream().filter(t -> "function".equals(t.type()) && t.name() != null).toList();
        ToolChoice choice = session.toolChoice() == null ? ToolChoice.AUTO : session.toolChoice();
        if (functions.isEmpty() || "none".equals(choice.mode())) {
            return null;
        }
        if ("function".equals(choice.type())) {
            return functions.stream().filter(t -> t.name().equals(choice.name())).findFirst().orElse(null);
        }
        if (said == null && !"required".equals(choice.mode())) {
            return null; // auto: only a user's message can ask for a tool
        }
        Tool named = null;
        String lower = heard.toLowerCase(Locale.ROOT);
        for (Tool tool : functions) { // the name itself first, then a word of it
            if (lower.contains(tool.name().toLowerCase(Locale.ROOT))) {
                named = tool;
                break;
            }
        }
        for (int i = 0; named == null && i < functions.size(); i++) {
            for (String part : ToolArguments.nameParts(functions.get(i).name())) {
                if (part.length() >= 4 && !ToolArguments.GENERIC_VERBS.contains(part)
                        && java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(part) + "\\b").matcher(lower).find()) {
                    named = functions.get(i);
                    break;
                }
            }
        }
        if (named == null && "required".equals(choice.mode())) {
            return functions.get(0);
        }
        return named;
    }
}
