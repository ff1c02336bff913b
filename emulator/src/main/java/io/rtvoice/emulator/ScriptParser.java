package io.rtvoice.emulator;

import java.util.regex.PatternSyntaxException;

/**
 * Reads a script file's text into a {@link ScriptedResponder.Builder}, a directive per line (the format is on
 * {@link ScriptedResponder#parse}). Every mistake names its line: a script is written by hand, and a test that fails on
 * one should say where.
 */
final class ScriptParser {

    private static final String DIRECTIVES = "on, when, say, repeat, call, mcp, then, or # for a comment";

    private final ScriptedResponder.Builder builder = ScriptedResponder.builder();
    /** The step being written (after {@code on} or {@code then}, before its action), else {@code null}. */
    private ScriptedResponder.Rule open;
    private int openedAt;
    private int line;

    private ScriptParser() {
    }

    static ScriptedResponder.Builder parse(String script) {
        ScriptParser parser = new ScriptParser();
        String[] lines = script.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            parser.line = i + 1;
            parser.directive(lines[i].strip());
        }
        if (parser.open != null) {
            throw parser.unfinished();
        }
        return parser.builder;
    }

    private void directive(String text) {
        if (text.isEmpty() || text.startsWith("#")) {
            return;
        }
        String keyword = firstWord(text);
        String rest = text.substring(keyword.length()).strip();
        try {
            switch (keyword) {
                case "on" -> on(rest);
                case "when" -> when(rest);
                case "then" -> then(rest);
                case "say" -> {
                    ScriptedResponder.Rule step = step(keyword);
                    step.say(words(rest, "say WORDS"));
                }
                case "repeat" -> repeat(rest);
                case "call" -> {
                    ScriptedResponder.Rule step = step(keyword);
                    String tool = need(firstWord(rest), "call TOOL [JSON]");
                    step.callTool(tool, arguments(rest.substring(tool.length())));
                }
                case "mcp" -> {
                    ScriptedResponder.Rule step = step(keyword);
                    String server = need(firstWord(rest), "mcp SERVER TOOL [JSON]");
                    String afterServer = rest.substring(server.length()).strip();
                    String tool = need(firstWord(afterServer), "mcp SERVER TOOL [JSON]");
                    step.callMcpTool(server, tool, arguments(afterServer.substring(tool.length())));
                }
                default -> throw error("unknown directive '" + keyword + "' (expected: " + DIRECTIVES + ")");
            }
        } catch (PatternSyntaxException e) {
            throw error("bad regular expression: " + e.getDescription() + " at index " + e.getIndex() + " of /" + e.getPattern() + "/");
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("line ") ? e : error(e.getMessage());
        }
    }

    private void on(String rest) {
        if (open != null) {
            throw unfinished();
        }
        String kind = firstWord(rest);
        String what = rest.substring(kind.length()).strip();
        ScriptedResponder.Rule rule = switch (kind) {
            case "user" -> {
                String words = words(what, "on user WORDS, or on user /REGEX/");
                yield words.length() >= 2 && words.startsWith("/") && words.endsWith("/")
                        ? builder.onUserTextMatching(words.substring(1, words.length() - 1)) : builder.onUserText(words);
            }
            case "output" -> {
                String tool = need(firstWord(what), "on output TOOL [WORDS]");
                String words = what.substring(tool.length()).strip();
                yield words.isEmpty() ? builder.onToolOutput(tool) : builder.onToolOutput(tool, unquoted(words));
            }
            case "any" -> {
                if (!what.isEmpty()) {
                    throw error("'on any' takes nothing more, got '" + what + "'");
                }
                yield builder.onAnyTurn();
            }
            default -> throw error("'on " + kind + "' (expected: on user, on output or on any)");
        };
        opened(rule);
    }

    private void when(String rest) {
        if (open == null) {
            throw error("'when' belongs to a step (expected: after 'on …' or 'then', before the step's action)");
        }
        String kind = firstWord(rest);
        String what = rest.substring(kind.length()).strip();
        switch (kind) {
            case "instructions" -> open.whenInstructionsContain(words(what, "when instructions WORDS"));
            case "tool" -> open.whenToolOffered(need(what, "when tool NAME"));
            default -> throw error("'when " + kind + "' (expected: when instructions WORDS or when tool NAME)");
        }
    }

    private void then(String rest) {
        if (!rest.isEmpty()) {
            throw error("'then' takes nothing more, got '" + rest + "' (the next step's action goes on its own line)");
        }
        if (open != null) {
            throw unfinished();
        }
        try {
            opened(builder.then());
        } catch (IllegalStateException e) {
            throw error("'then' follows a call (expected: a rule whose last step is call or mcp)");
        }
    }

    private void repeat(String rest) {
        ScriptedResponder.Rule step = step("repeat");
        String count = need(firstWord(rest), "repeat N WORDS");
        int times;
        try {
            times = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw error("repeat : '" + count + "' (expected: repeat N WORDS, N a whole number 1..10000)");
        }
        step.sayRepeated(words(rest.substring(count.length()).strip(), "repeat N WORDS"), times);
    }

    /** The step an action ends. */
    private ScriptedResponder.Rule step(String keyword) {
        if (open == null) {
            throw error("'" + keyword + "' needs a step to act in (expected: after 'on …' or 'then'; one action per step)");
        }
        ScriptedResponder.Rule step = open;
        open = null;
        return step;
    }

    private void opened(ScriptedResponder.Rule rule) {
        open = rule;
        openedAt = line;
    }

    private IllegalArgumentException unfinished() {
        return new IllegalArgumentException("line " + openedAt + ": this step has no action (expected: say, repeat, call or mcp"
                + " after its 'on …' or 'then' and any 'when')");
    }

    private String words(String text, String form) {
        return need(unquoted(text), form);
    }

    private String need(String text, String form) {
        if (text.isEmpty()) {
            throw error("missing argument (expected: " + form + ")");
        }
        return text;
    }

    private static String arguments(String json) {
        String trimmed = json.strip();
        return trimmed.isEmpty() ? "{}" : trimmed;
    }

    private static String unquoted(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    private static String firstWord(String text) {
        int end = 0;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return text.substring(0, end);
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("line " + line + ": " + message);
    }
}
