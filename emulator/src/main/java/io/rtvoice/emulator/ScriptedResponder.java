package io.rtvoice.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.event.Item;
import io.rtvoice.event.Tool;
import io.rtvoice.event.ToolChoice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Responder} that follows a script, so that a test knows, turn by turn, what the model will do:
 * <pre>{@code
 * Responder script = ScriptedResponder.builder()
 *         .onUserText("book a table").callTool("transfer_to_booking", "{}")
 *         .then().whenInstructionsContain("booking").say("Booking here. For how many?")
 *         .onToolOutput("get_weather").say("The weather: {output}.")
 *         .onUserTextMatching("table for (\\d+)").say("A table for {1}, done.")
 *         .otherwise(Responder.standard())
 *         .build();
 * }</pre>
 * The same rules can be written as a script file ({@link #parse}, {@link #load}; the emulator's {@code --script}).
 *
 * <p><b>A rule</b> starts on what the newest item of the conversation is: a user message whose words (its text,
 * or the transcript of its audio) contain some words, in any case ({@link Builder#onUserText}) or match a regular
 * expression ({@link Builder#onUserTextMatching}); the output of a call of a tool, function or MCP
 * ({@link Builder#onToolOutput}); or any turn ({@link Builder#onAnyTurn}). Conditions narrow it to a session whose
 * instructions contain some words ({@link Rule#whenInstructionsContain}: after a handoff changes the instructions,
 * the next agent answers by other rules) or that offers a tool ({@link Rule#whenToolOffered}). Its action is to say
 * something, to call a function tool, or to call an MCP server's tool.
 *
 * <p><b>A sequence:</b> after a call, {@link Builder#then()} writes the rule's next step, which answers the turn whose
 * newest item is that call's output (for an MCP call, the {@code mcp_call} item): "call {@code transfer_to_booking},
 * then, after its output, say …". The next step's conditions are checked in the turn it answers, so they see the
 * session as the client left it after the call; when they fail, the rule does not start over on that output but falls
 * through. The script keeps no state: the position in a sequence is read from the conversation, so one responder
 * serves every connection.
 *
 * <p><b>Which rule answers:</b> the first, in the order written, whose trigger and conditions hold and whose action can
 * run. A call can run only when the turn's session offers the tool ({@link Turn#session()}'s {@code tools}: a function
 * tool of that name, or an MCP server of that label whose {@code allowed_tools}, if it lists names, include the tool)
 * and its {@code tool_choice} is not {@code none}, since a real model cannot call a tool it was not given; otherwise the
 * rule falls through to the next. When no rule answers, the {@link Builder#otherwise} responder does (by default
 * {@link Responder#standard()}). An {@code mcp_approval_response} is always answered first as the standard responder
 * does (the approved call, or "not approved"), so that a scripted MCP call that needs approval completes.
 *
 * <p><b>Placeholders</b> in what is said and in call arguments: {@code {text}}, the newest user words of the
 * conversation; {@code {output}}, the output of the call the newest item answers; {@code {1}}…{@code {9}}, the groups of
 * the regular expression that started the rule. One with nothing to fill in (no such group, no output) becomes the
 * empty string; other braces stay as written. In arguments they belong inside JSON strings and are escaped as such.
 *
 * <p>Immutable and thread-safe; {@link #reply} runs on an event loop and does no I/O.
 */
public final class ScriptedResponder implements Responder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(text|output|[1-9])}");

    private final List<ScriptRule> rules;
    private final Responder otherwise;

    private ScriptedResponder(List<ScriptRule> rules, Responder otherwise) {
        this.rules = List.copyOf(rules);
        this.otherwise = otherwise;
    }

    /** A builder with no rules, and the {@link Responder#standard() standard} responder for every turn they leave. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The responder a script's text describes, with the {@link Responder#standard() standard} responder for the turns
     * its rules leave. The format, a directive per line ({@code #} starts a comment line):
     * <pre>
     * on user WORDS              a rule: the newest item is a user message containing WORDS (any case)
     * on user /REGEX/            ... whose words match REGEX (Java syntax, found anywhere; {1}.. its groups)
     * on output TOOL [WORDS]     ... the output of a call of TOOL [containing WORDS]
     * on any                     ... any turn
     * when instructions WORDS    the step only if the session's instructions contain WORDS (any case)
     * when tool NAME             the step only if the session offers function tool or MCP server NAME
     * say WORDS                  the step says WORDS
     * repeat N WORDS             the step says WORDS N times over (a long answer)
     * call TOOL [JSON]           the step calls function TOOL with JSON object arguments (default {})
     * mcp SERVER TOOL [JSON]     the step calls TOOL of MCP server SERVER
     * then                       the rule's next step, after its call's output
     * </pre>
     * WORDS run to the end of the line; one pair of double quotes around them is removed (to keep spaces at either end).
     *
     * @throws IllegalArgumentException for a malformed script, naming the line and what was expected there
     */
    public static ScriptedResponder parse(String script) {
        return ScriptParser.parse(Objects.requireNonNull(script, "script")).build();
    }

    /**
     * {@link #parse} of a UTF-8 file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException for a malformed script, naming the file and the line
     */
    public static ScriptedResponder load(Path file) throws IOException {
        String script = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parse(script);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " " + e.getMessage(), e);
        }
    }

    @Override
    public Reply reply(Turn turn) {
        Item last = turn.last();
        if (last != null && "mcp_approval_response".equals(last.type())) {
            Reply approved = McpReplies.after(turn.conversation(), last);
            if (approved != null) {
                return approved;
            }
        }
        for (ScriptRule rule : rules) {
            Reply reply = rule.reply(turn);
            if (reply != null) {
                return reply;
            }
        }
        return otherwise.reply(turn);
    }

    /** The script's rules, in order, as the script file would write them. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (ScriptRule rule : rules) {
            text.append(rule).append('\n');
        }
        return text.toString();
    }

    /**
     * Writes a script: each {@code on…} method starts a rule and returns it, for its conditions and its action; the
     * action returns this builder. Not thread-safe; {@link #build()} gives an immutable responder.
     */
    public static final class Builder {
        private final List<ScriptRule> rules = new ArrayList<>();
        private Responder otherwise = Responder.standard();
        private Rule open;

        private Builder() {
        }

        /** A rule for a turn whose newest item is a user message whose words contain {@code words}, in any case. */
        public Rule onUserText(String words) {
            return start(new Trigger.UserText(nonEmpty("words", words).toLowerCase(Locale.ROOT), words));
        }

        /**
         * A rule for a turn whose newest item is a user message whose words {@code regex} finds (Java syntax; add
         * {@code (?i)} for any case); its groups are the placeholders {@code {1}}…{@code {9}}.
         *
         * @throws java.util.regex.PatternSyntaxException for a malformed expression
         */
        public Rule onUserTextMatching(String regex) {
            return start(new Trigger.UserPattern(Pattern.compile(nonEmpty("regex", regex))));
        }

        /** A rule for a turn whose newest item is the output of a call of {@code tool} (a function's or an MCP server's). */
        public Rule onToolOutput(String tool) {
            return start(new Trigger.ToolOutput(nonEmpty("tool", tool), null, null));
        }

        /** {@link #onToolOutput(String)} whose output contains {@code words}, in any case. */
        public Rule onToolOutput(String tool, String words) {
            return start(new Trigger.ToolOutput(nonEmpty("tool", tool), nonEmpty("words", words).toLowerCase(Locale.ROOT), words));
        }

        /**
         * A rule for every turn: with conditions, say, or as a catch-all at the end. Every turn includes a call's
         * output: a one-step rule that calls a tool on any turn calls it again after its output, unless a condition
         * stops it.
         */
        public Rule onAnyTurn() {
            return start(new Trigger.AnyTurn());
        }

        /**
         * The next step of the last rule, whose last step was a call: it answers the turn whose newest item is that
         * call's output.
         *
         * @throws IllegalStateException if there is no rule yet, or its last step says something
         */
        public Rule then() {
            finishedOrFail();
            ScriptRule last = rules.isEmpty() ? null : rules.get(rules.size() - 1);
            if (last == null || last.steps().get(last.steps().size() - 1).action() instanceof Action.Say) {
                throw new IllegalStateException("then() follows a call (expected: a rule whose last step calls a tool)");
            }
            open = new Rule(this, null);
            return open;
        }

        /** Who answers the turns no rule answers (default {@link Responder#standard()}). */
        public Builder otherwise(Responder fallback) {
            finishedOrFail();
            this.otherwise = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /**
         * The responder.
         *
         * @throws IllegalStateException if a rule was started and given no action
         */
        public ScriptedResponder build() {
            finishedOrFail();
            return new ScriptedResponder(rules, otherwise);
        }

        private Rule start(Trigger trigger) {
            finishedOrFail();
            open = new Rule(this, trigger);
            return open;
        }

        private void finishedOrFail() {
            if (open != null) {
                throw new IllegalStateException("rule " + (open.trigger != null ? "'" + open.trigger + "'" : "step after 'then'")
                        + " has no action (expected: say, sayRepeated, callTool or callMcpTool)");
            }
        }

        private Builder add(Rule rule, Step step) {
            if (rule != open) {
                throw new IllegalStateException("this rule already has its action (expected: one action per step; then() for the next)");
            }
            open = null;
            if (rule.trigger != null) {
                rules.add(new ScriptRule(rule.trigger, List.of(step)));
            } else {
                ScriptRule last = rules.remove(rules.size() - 1);
                List<Step> steps = new ArrayList<>(last.steps());
                steps.add(step);
                rules.add(new ScriptRule(last.trigger(), List.copyOf(steps)));
            }
            return this;
        }
    }

    /**
     * A step of a rule being written: its conditions, then one action, which returns the {@link Builder}. Conditions
     * are checked in the turn the step answers.
     */
    public static final class Rule {
        private final Builder builder;
        private final Trigger trigger;
        private final List<Guard> guards = new ArrayList<>();

        private Rule(Builder builder, Trigger trigger) {
            this.builder = builder;
            this.trigger = trigger;
        }

        /** Only when the session's instructions contain {@code words}, in any case. */
        public Rule whenInstructionsContain(String words) {
            guards.add(new Guard.Instructions(nonEmpty("words", words).toLowerCase(Locale.ROOT), words));
            return this;
        }

        /** Only when the session offers a function tool named {@code name}, or an MCP server labelled so. */
        public Rule whenToolOffered(String name) {
            guards.add(new Guard.ToolOffered(nonEmpty("name", name)));
            return this;
        }

        /** The model says {@code words}, placeholders filled in (see {@link ScriptedResponder}). */
        public Builder say(String words) {
            return sayRepeated(words, 1);
        }

        /**
         * The model says {@code words} {@code times} times over, separated by a space: a long answer, for a test that
         * interrupts or checks an answer while it is being spoken (its audio lasts {@code times} as long).
         *
         * @throws IllegalArgumentException if {@code times} is not 1..10000
         */
        public Builder sayRepeated(String words, int times) {
            Objects.requireNonNull(words, "words");
            if (times < 1 || times > 10_000) {
                throw new IllegalArgumentException("times : " + times + " (expected: 1..10000)");
            }
            return builder.add(this, new Step(List.copyOf(guards), new Action.Say(words, times)));
        }

        /**
         * The model calls function tool {@code name} with {@code arguments}, a JSON object (placeholders inside its
         * strings are filled in); only when the session offers the tool.
         *
         * @throws IllegalArgumentException if {@code arguments} is not a JSON object
         */
        public Builder callTool(String name, String arguments) {
            return builder.add(this, new Step(List.copyOf(guards), new Action.Call(nonEmpty("name", name), jsonObject(arguments))));
        }

        /**
         * The model calls tool {@code name} of the MCP server labelled {@code serverLabel} with {@code arguments}, a JSON
         * object; only when the session offers that server (and, if its {@code allowed_tools} name tools, this one). The
         * service runs the call on the server, asking the client for approval first when the server's rule says so.
         *
         * @throws IllegalArgumentException if {@code arguments} is not a JSON object
         */
        public Builder callMcpTool(String serverLabel, String name, String arguments) {
            return builder.add(this, new Step(List.copyOf(guards),
                    new Action.McpCall(nonEmpty("serverLabel", serverLabel), nonEmpty("name", name), jsonObject(arguments))));
        }
    }

    private static String nonEmpty(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " : '' (expected: not empty)");
        }
        return value;
    }

    private static String jsonObject(String arguments) {
        Objects.requireNonNull(arguments, "arguments");
        try {
            if (JSON.readTree(arguments) instanceof com.fasterxml.jackson.databind.node.ObjectNode) {
                return arguments;
            }
        } catch (JsonProcessingException e) {
            // reported below, with the value
        }
        throw new IllegalArgumentException("arguments : " + arguments + " (expected: a JSON object, placeholders inside its strings)");
    }

    // ---------------------------------------------------------------- the rules, as run

    /** One rule: its trigger, and its steps, each after the previous one's call. */
    private record ScriptRule(Trigger trigger, List<Step> steps) {

        Reply reply(Turn turn) {
            List<Item> conversation = turn.conversation();
            Position next = after(conversation);
            if (next != null) { // the output of this rule's own call: go on or fall through, never start over (a loop)
                return steps.get(next.step()).reply(turn, next.groups());
            }
            List<String> groups = trigger.match(conversation);
            return groups == null ? null : steps.get(0).reply(turn, groups);
        }

        /**
         * The step that follows when the newest item answers a call this rule made, or {@code null}. Read back through
         * the conversation: the call's item, and before it the turn that made it, where the rule stood one step earlier.
         */
        private Position after(List<Item> conversation) {
            if (steps.size() < 2) {
                return null;
            }
            int call = answeredCall(conversation);
            if (call < 0) {
                return null;
            }
            List<Item> before = conversation.subList(0, call);
            Position made = after(before);
            if (made == null) {
                List<String> groups = trigger.match(before);
                made = groups == null ? null : new Position(0, groups);
            }
            if (made == null || made.step() + 1 >= steps.size() || !steps.get(made.step()).action().made(conversation.get(call))) {
                return null;
            }
            return new Position(made.step() + 1, made.groups());
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("on ").append(trigger);
            for (int i = 0; i < steps.size(); i++) {
                text.append(i == 0 ? "" : "\nthen");
                for (Guard guard : steps.get(i).guards()) {
                    text.append('\n').append(guard);
                }
                text.append('\n').append(steps.get(i).action());
            }
            return text.toString();
        }
    }

    private record Position(int step, List<String> groups) {
    }

    private record Step(List<Guard> guards, Action action) {

        /** The reply, or {@code null} when a condition fails or the call cannot run in this turn. */
        Reply reply(Turn turn, List<String> groups) {
            for (Guard guard : guards) {
                if (!guard.test(turn)) {
                    return null;
                }
            }
            return action.reply(turn, groups);
        }
    }

    private sealed interface Trigger {

        /** The groups the placeholders {@code {1}}.. name when this conversation's newest item starts the rule, else {@code null}. */
        List<String> match(List<Item> conversation);

        record UserText(String lower, String words) implements Trigger {
            @Override
            public List<String> match(List<Item> conversation) {
                String said = newestUserWords(conversation);
                return said != null && said.toLowerCase(Locale.ROOT).contains(lower) ? List.of() : null;
            }

            @Override
            public String toString() {
                return "user " + quoted(words);
            }
        }

        record UserPattern(Pattern pattern) implements Trigger {
            @Override
            public List<String> match(List<Item> conversation) {
                String said = newestUserWords(conversation);
                Matcher m = said == null ? null : pattern.matcher(said);
                if (m == null || !m.find()) {
                    return null;
                }
                List<String> groups = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    groups.add(m.group(i) == null ? "" : m.group(i));
                }
                return groups;
            }

            @Override
            public String toString() {
                return "user /" + pattern.pattern() + "/";
            }
        }

        record ToolOutput(String tool, String lower, String words) implements Trigger {
            @Override
            public List<String> match(List<Item> conversation) {
                int call = answeredCall(conversation);
                if (call < 0 || !tool.equals(conversation.get(call).name())) {
                    return null;
                }
                return lower == null || output(conversation).toLowerCase(Locale.ROOT).contains(lower) ? List.of() : null;
            }

            @Override
            public String toString() {
                return "output " + tool + (words == null ? "" : " " + quoted(words));
            }
        }

        record AnyTurn() implements Trigger {
            @Override
            public List<String> match(List<Item> conversation) {
                return List.of();
            }

            @Override
            public String toString() {
                return "any";
            }
        }
    }

    private sealed interface Guard {

        boolean test(Turn turn);

        record Instructions(String lower, String words) implements Guard {
            @Override
            public boolean test(Turn turn) {
                String instructions = turn.session().instructions();
                return instructions != null && instructions.toLowerCase(Locale.ROOT).contains(lower);
            }

            @Override
            public String toString() {
                return "when instructions " + quoted(words);
            }
        }

        record ToolOffered(String name) implements Guard {
            @Override
            public boolean test(Turn turn) {
                for (Tool tool : tools(turn)) {
                    if (("function".equals(tool.type()) && name.equals(tool.name()))
                            || ("mcp".equals(tool.type()) && name.equals(tool.serverLabel()))) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public String toString() {
                return "when tool " + name;
            }
        }
    }

    private sealed interface Action {

        /** The reply in this turn, or {@code null} when the model could not make it (a tool not offered). */
        Reply reply(Turn turn, List<String> groups);

        /** Whether {@code item}, a call the model made, is what this action makes. */
        boolean made(Item item);

        record Say(String words, int times) implements Action {
            @Override
            public Reply reply(Turn turn, List<String> groups) {
                String said = fill(words, turn, groups, false);
                return new Reply.Speech(times == 1 ? said : String.join(" ", java.util.Collections.nCopies(times, said)));
            }

            @Override
            public boolean made(Item item) {
                return false;
            }

            @Override
            public String toString() {
                return times == 1 ? "say " + quoted(words) : "repeat " + times + " " + quoted(words);
            }
        }

        record Call(String name, String arguments) implements Action {
            @Override
            public Reply reply(Turn turn, List<String> groups) {
                if (!callsAllowed(turn)) {
                    return null;
                }
                for (Tool tool : tools(turn)) {
                    if ("function".equals(tool.type()) && name.equals(tool.name())) {
                        return new Reply.FunctionCall(name, fill(arguments, turn, groups, true));
                    }
                }
                return null;
            }

            @Override
            public boolean made(Item item) {
                return "function_call".equals(item.type()) && name.equals(item.name());
            }

            @Override
            public String toString() {
                return "call " + name + " " + arguments;
            }
        }

        record McpCall(String serverLabel, String name, String arguments) implements Action {
            @Override
            public Reply reply(Turn turn, List<String> groups) {
                if (!callsAllowed(turn)) {
                    return null;
                }
                for (Tool tool : tools(turn)) {
                    if ("mcp".equals(tool.type()) && serverLabel.equals(tool.serverLabel()) && allows(tool.allowedTools())) {
                        return new Reply.McpCall(serverLabel, name, fill(arguments, turn, groups, true), null);
                    }
                }
                return null;
            }

            /** Whether {@code allowed_tools} lets this tool be called: absent, a filter it does not name tools in, or naming it. */
            private boolean allows(JsonNode allowed) {
                JsonNode names = allowed == null ? null : allowed.isArray() ? allowed : allowed.get("tool_names");
                if (names == null || !names.isArray()) {
                    return true;
                }
                for (JsonNode n : names) {
                    if (name.equals(n.asText())) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public boolean made(Item item) {
                return ("mcp_call".equals(item.type()) || "mcp_approval_request".equals(item.type()))
                        && name.equals(item.name()) && serverLabel.equals(item.serverLabel());
            }

            @Override
            public String toString() {
                return "mcp " + serverLabel + " " + name + " " + arguments;
            }
        }
    }

    // ---------------------------------------------------------------- reading the conversation

    private static List<Tool> tools(Turn turn) {
        return turn.session().tools() == null ? List.of() : turn.session().tools();
    }

    /** {@code tool_choice: none} forbids every call, as it does the model's. */
    private static boolean callsAllowed(Turn turn) {
        ToolChoice choice = turn.session().toolChoice();
        return choice == null || !"none".equals(choice.mode());
    }

    private static String newestUserWords(List<Item> conversation) {
        return conversation.isEmpty() ? null : UserWords.of(conversation.get(conversation.size() - 1));
    }

    /**
     * The index of the call the newest item answers: for a {@code function_call_output}, its {@code function_call};
     * for a finished {@code mcp_call}, the call itself, or the approval request it was asked in; else -1.
     */
    private static int answeredCall(List<Item> conversation) {
        if (conversation.isEmpty()) {
            return -1;
        }
        int newest = conversation.size() - 1;
        Item last = conversation.get(newest);
        String wanted;
        if ("function_call_output".equals(last.type()) && last.callId() != null) {
            wanted = "function_call";
        } else if ("mcp_call".equals(last.type()) && (last.output() != null || last.error() != null)) {
            if (last.approvalRequestId() == null) {
                return newest;
            }
            wanted = "mcp_approval_request";
        } else {
            return -1;
        }
        for (int i = newest - 1; i >= 0; i--) {
            Item item = conversation.get(i);
            if (wanted.equals(item.type()) && (wanted.equals("function_call") ? last.callId().equals(item.callId())
                    : last.approvalRequestId().equals(item.id()))) {
                return i;
            }
        }
        return -1;
    }

    /** The output of the newest item, when it is a call's output; else empty. */
    private static String output(List<Item> conversation) {
        Item last = conversation.isEmpty() ? null : conversation.get(conversation.size() - 1);
        boolean answer = last != null && ("function_call_output".equals(last.type()) || "mcp_call".equals(last.type()));
        return answer && last.output() != null ? last.output() : "";
    }

    private static String fill(String template, Turn turn, List<String> groups, boolean json) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = switch (name) {
                case "text" -> Objects.requireNonNullElse(UserWords.latest(turn.conversation()), "");
                case "output" -> output(turn.conversation());
                default -> {
                    int group = name.charAt(0) - '1';
                    yield group < groups.size() ? groups.get(group) : "";
                }
            };
            m.appendReplacement(out, Matcher.quoteReplacement(json ? new String(JsonStringEncoder.getInstance().quoteAsString(value)) : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String quoted(String words) {
        return words.strip().equals(words) ? words : "\"" + words + "\"";
    }
}
