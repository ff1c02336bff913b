package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.cli.UserErrors;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The script file format: what a good script does, and a malformed one's errors, each naming its line. */
class ScriptedResponderScriptTest {

    static final String HANDOFF = """
            # A triage agent hands a booking to the booking agent.
            on user book a table
              when instructions triage
              call transfer_to_booking {"reason": "{text}"}
            then
              when instructions booking agent
              say Booking here. For how many?

            on user /(?i)table for (\\d+)/
              say A table for {1}, done.

            on output lookup " sold out "
              repeat 3 "Sorry. "
            on output lookup
              say Found: {output}
            on any
              when tool lookup
              mcp docs lookup {"id": 7}
            """;

    private static final Tool TRANSFER = Tool.function("transfer_to_booking", null, JsonNodeFactory.instance.objectNode());

    private static Responder.Turn turn(SessionConfig session, Item... items) {
        return new Responder.Turn(List.of(items), Map.of(), session);
    }

    private static Item call(String name, String callId) {
        return new Item("item_" + callId, "function_call", null, "completed", null, null, callId, name, "{}",
                null, null, null, null, null, null, null);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aScriptFileRunsAHandoffOverTheWire(Dialect dialect, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("handoff.script"), HANDOFF);
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).responder(ScriptedResponder.load(file)).start();
                WsClient c = WsClient.connect(emulator.uri("/v1/realtime?model=gpt-realtime"), dialect, dialect == Dialect.GA
                        ? Map.of("Authorization", "Bearer any") : Map.of("Authorization", "Bearer any", "OpenAI-Beta", "realtime=v1"))) {
            String type = dialect == Dialect.GA ? "realtime" : null;
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type(type).instructions("You are the triage agent.")
                    .tools(List.of(TRANSFER)).build()));
            c.await(ServerEvent.SessionUpdated.class);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("I'd like to book a table")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            Item call = c.await(ServerEvent.ResponseDone.class).response().output().get(0);
            assertThat(call.name()).isEqualTo("transfer_to_booking");
            assertThat(call.arguments()).isEqualTo("{\"reason\": \"I'd like to book a table\"}");

            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type(type).instructions("You are the booking agent.").build()));
            c.await(ServerEvent.SessionUpdated.class);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.functionCallOutput(call.callId(), "ok")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            assertThat(c.await(ServerEvent.ResponseOutputAudioTranscriptDone.class).transcript()).isEqualTo("Booking here. For how many?");
        }
    }

    @Test
    void quotesKeepSpacesRegexGroupsFillAndOutputsMatchByTool() {
        ScriptedResponder script = ScriptedResponder.parse(HANDOFF);
        SessionConfig plain = SessionConfig.builder().build();

        assertThat(script.reply(turn(plain, Item.userText("A TABLE FOR 12 please")))).isEqualTo(new Responder.Reply.Speech("A table for 12, done."));
        assertThat(script.reply(turn(plain, Item.userText("hi"), call("lookup", "c1"), Item.functionCallOutput("c1", "It is SOLD OUT today"))))
                .as("the words are ' sold out ', spaces kept").isEqualTo(new Responder.Reply.Speech("Sorry.  Sorry.  Sorry. "));
        assertThat(script.reply(turn(plain, Item.userText("hi"), call("lookup", "c1"), Item.functionCallOutput("c1", "sold out."))))
                .isEqualTo(new Responder.Reply.Speech("Found: sold out."));
        assertThat(script.reply(turn(plain, Item.userText("hi"), call("other", "c1"), Item.functionCallOutput("c1", "x"))))
                .as("another tool's output: the standard responder").isEqualTo(new Responder.Reply.Speech("The tool answered: x."));
    }

    @Test
    void anMcpStepRunsOnlyWhenItsServerOffersTheTool() {
        ScriptedResponder script = ScriptedResponder.parse(HANDOFF);
        Tool docs = Tool.mcp("docs", "http://127.0.0.1:1/mcp");
        SessionConfig offered = SessionConfig.builder().tools(List.of(docs.withAllowedTools("echo", "lookup"))).build();
        SessionConfig notAllowed = SessionConfig.builder().tools(List.of(docs.withAllowedTools("echo"))).build();

        // "when tool lookup" looks for a function or server named lookup: there is none.
        assertThat(script.reply(turn(offered, Item.userText("hello")))).isEqualTo(new Responder.Reply.Speech("You said: hello."));
        ScriptedResponder byServer = ScriptedResponder.parse("on any\nwhen tool docs\nmcp docs lookup {\"id\": 7}");
        assertThat(byServer.reply(turn(offered, Item.userText("hello")))).isEqualTo(new Responder.Reply.McpCall("docs", "lookup", "{\"id\": 7}", null));
        assertThat(byServer.reply(turn(notAllowed, Item.userText("hello")))).isEqualTo(new Responder.Reply.Speech("You said: hello."));
    }

    @Test
    void aThreeStepSequenceIsFollowedThroughTheConversation() {
        ScriptedResponder script = ScriptedResponder.parse("""
                on user /order (\\w+)/
                  call find {"item": "{1}"}
                then
                  call pay {"item": "{1}"}
                then
                  say Paid for {1}: {output}.
                """);
        SessionConfig session = SessionConfig.builder().tools(List.of(Tool.function("find", null, null), Tool.function("pay", null, null))).build();
        Item order = Item.userText("order pizza");

        assertThat(script.reply(turn(session, order))).isEqualTo(new Responder.Reply.FunctionCall("find", "{\"item\": \"pizza\"}"));
        assertThat(script.reply(turn(session, order, call("find", "c1"), Item.functionCallOutput("c1", "found"))))
                .isEqualTo(new Responder.Reply.FunctionCall("pay", "{\"item\": \"pizza\"}"));
        assertThat(script.reply(turn(session, order, call("find", "c1"), Item.functionCallOutput("c1", "found"),
                call("pay", "c2"), Item.functionCallOutput("c2", "receipt 42"))))
                .isEqualTo(new Responder.Reply.Speech("Paid for pizza: receipt 42."));
        assertThat(script.reply(turn(session, order, call("pay", "c2"), Item.functionCallOutput("c2", "receipt 42"))))
                .as("pay without find first: not this rule's sequence").isEqualTo(new Responder.Reply.Speech("The tool answered: receipt 42."));
    }

    @Test
    void aStepWhoseConditionFailsAfterItsCallFallsThroughInsteadOfCallingAgain() {
        ScriptedResponder script = ScriptedResponder.parse("on any\ncall transfer {}\nthen\nwhen instructions booking\nsay Booking here.");
        SessionConfig triage = SessionConfig.builder().instructions("triage").tools(List.of(Tool.function("transfer", null, null))).build();
        Item hi = Item.userText("hi");

        assertThat(script.reply(turn(triage, hi))).isEqualTo(new Responder.Reply.FunctionCall("transfer", "{}"));
        assertThat(script.reply(turn(triage, hi, call("transfer", "c1"), Item.functionCallOutput("c1", "ok"))))
                .isEqualTo(new Responder.Reply.Speech("The tool answered: ok."));
    }

    @Test
    void anApprovedMcpCallIsMadeAndItsOutputAnsweredByTheNextStep() {
        ScriptedResponder script = ScriptedResponder.parse("on user look up\nmcp docs lookup {\"id\": 7}\nthen\nsay Found {output}.");
        SessionConfig session = SessionConfig.builder().tools(List.of(Tool.mcp("docs", "http://127.0.0.1:1/mcp"))).build();
        Item ask = Item.userText("please look up seven");
        Item request = new Item("mcpr_1", "mcp_approval_request", null, null, null, null, null, "lookup", "{\"id\": 7}",
                null, "docs", null, null, null, null, null);
        Item approval = Item.mcpApprovalResponse("mcpr_1", true, null);
        Item made = new Item("mcp_1", "mcp_call", null, null, null, null, null, "lookup", "{\"id\": 7}", "item 7", "docs",
                null, "mcpr_1", null, null, null);

        assertThat(script.reply(turn(session, ask))).isEqualTo(new Responder.Reply.McpCall("docs", "lookup", "{\"id\": 7}", null));
        assertThat(script.reply(turn(session, ask, request, approval)))
                .isEqualTo(new Responder.Reply.McpCall("docs", "lookup", "{\"id\": 7}", "mcpr_1"));
        assertThat(script.reply(turn(session, ask, request, approval, made))).isEqualTo(new Responder.Reply.Speech("Found item 7."));
    }

    @Test
    void placeholdersInArgumentsAreEscapedAsJsonStrings() {
        ScriptedResponder script = ScriptedResponder.parse("on user say\ncall note {\"text\": \"{text}\"}");
        SessionConfig session = SessionConfig.builder().tools(List.of(Tool.function("note", null, null))).build();
        assertThat(script.reply(turn(session, Item.userText("say \"hi\"\\now"))))
                .isEqualTo(new Responder.Reply.FunctionCall("note", "{\"text\": \"say \\\"hi\\\"\\\\now\"}"));
    }

    @Test
    void theReadmesExampleScriptParses() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## A scripted model");
        int start = readme.indexOf("```text\n", section) + "```text\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));
        ScriptedResponder script = ScriptedResponder.parse(example);
        SessionConfig plain = SessionConfig.builder().build();
        assertThat(script.reply(turn(plain, Item.userText("a table for 2?")))).isEqualTo(new Responder.Reply.Speech("A table for 2, done."));
    }

    @Test
    void aScriptPrintsAsAScriptThatParsesToTheSameRules() {
        ScriptedResponder script = ScriptedResponder.parse(HANDOFF);
        assertThat(ScriptedResponder.parse(script.toString()).toString()).isEqualTo(script.toString());
        assertThat(script.toString()).startsWith("on user book a table\nwhen instructions triage\ncall transfer_to_booking");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            say hi                                      | line 1: 'say' needs a step to act in
            \\n# c\\non user hi\\non user ho\\nsay x  | line 3: this step has no action
            on user hi                                  | line 1: this step has no action
            on user hi\\nsay x\\nthen\\nsay y           | line 3: 'then' follows a call
            on user hi\\n  call t {oops                 | line 2: arguments : {oops (expected: a JSON object
            on user hi\\n  call t [1]                   | line 2: arguments : [1] (expected: a JSON object
            on user /(unclosed/\\nsay x                 | line 1: bad regular expression
            on user hi\\nrepeat many words              | line 2: repeat : 'many' (expected: repeat N WORDS
            on user hi\\nrepeat 0 words                 | line 2: times : 0 (expected: 1..10000)
            \\n\\nsya hi                                | line 3: unknown directive 'sya' (expected: on, when,
            on somebody x                               | line 1: 'on somebody' (expected: on user, on output or on any)
            on user hi\\nsay a\\nwhen tool x            | line 3: 'when' belongs to a step
            on user hi\\nwhen weather x\\nsay y         | line 2: 'when weather' (expected: when instructions WORDS or when tool NAME)
            on user\\nsay x                             | line 1: missing argument (expected: on user WORDS, or on user /REGEX/)
            on user hi\\ncall                           | line 2: missing argument (expected: call TOOL [JSON])
            on user hi\\nmcp docs                       | line 2: missing argument (expected: mcp SERVER TOOL [JSON])
            on any now\\nsay x                          | line 1: 'on any' takes nothing more, got 'now'
            on user hi\\ncall t\\nthen say x            | line 3: 'then' takes nothing more
            on user hi\\nsay x\\nsay y                  | line 3: 'say' needs a step to act in
            """)
    void aMalformedScriptNamesTheLineAndWhatWasExpected(String script, String message) {
        assertThatThrownBy(() -> ScriptedResponder.parse(script.replace("\\n", "\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    @Test
    void aMalformedFileNamesTheFileAndTheLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.script"), "on user hi\r\n\r\n  say\r\n");
        assertThatThrownBy(() -> ScriptedResponder.load(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(file + " line 3: missing argument (expected: say WORDS)");
    }

    @Test
    void theBuilderRefusesARuleWithoutAnActionAndAThenAfterSpeech() {
        ScriptedResponder.Builder unfinished = ScriptedResponder.builder();
        unfinished.onUserText("hi");
        assertThatThrownBy(unfinished::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("'user hi' has no action");

        ScriptedResponder.Builder spoken = ScriptedResponder.builder().onUserText("hi").say("hello");
        assertThatThrownBy(spoken::then).isInstanceOf(IllegalStateException.class).hasMessageContaining("then() follows a call");

        ScriptedResponder.Rule rule = ScriptedResponder.builder().onAnyTurn();
        rule.say("once");
        assertThatThrownBy(() -> rule.say("twice")).isInstanceOf(IllegalStateException.class).hasMessageContaining("already has its action");
    }

    @Test
    void withoutOtherwiseTheStandardResponderAnswersWhatNoRuleDoes() {
        ScriptedResponder script = ScriptedResponder.builder().onUserText("ping").say("pong").build();
        SessionConfig plain = SessionConfig.builder().build();
        assertThat(script.reply(turn(plain, Item.userText("PING?")))).isEqualTo(new Responder.Reply.Speech("pong"));
        assertThat(script.reply(turn(plain, Item.userText("hello")))).isEqualTo(new Responder.Reply.Speech("You said: hello."));
    }

    @Test
    void theCliScriptOptionReportsAMalformedScriptAsOneLineAndStatus2(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.script"), "on user hi\nsay hello\nthen\n");
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new EmulatorMain()).setErr(new PrintWriter(err, true))
                .execute("--port", "0", "--quiet", "--script", file.toString());

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().lines().toList()).containsExactly("rtvoice-emulator: --script : " + file
                + " line 3: 'then' follows a call (expected: a rule whose last step is call or mcp); see 'rtvoice-emulator --help'");
    }

    @Test
    void theCliScriptOptionReportsAMissingFileAsOneLineAndStatus2(@TempDir Path dir) {
        Path missing = dir.resolve("missing.script");
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new EmulatorMain()).setErr(new PrintWriter(err, true))
                .execute("--port", "0", "--quiet", "--script", missing.toString());

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString().startsWith("rtvoice-emulator: ").contains("no such file: " + missing);
    }

    @Test
    void theCliAnswersByTheScriptItWasGiven(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("hello.script"), "on user hello\n  say Hello from the script.\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(),
                "--port", "0", "--quiet", "--pace", "0", "--script", file.toString()).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            output.add(line);
            Matcher m = Pattern.compile("listening on (ws://[0-9.]+:[0-9]+)").matcher(String.valueOf(line));
            assertThat(m.find()).as(line).isTrue();
            try (WsClient c = WsClient.connect(URI.create(m.group(1) + "/v1/realtime?model=gpt-realtime"), Dialect.GA,
                    Map.of("Authorization", "Bearer any"))) {
                c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hello?")));
                c.send(new ClientEvent.ResponseCreate(null, null));
                assertThat(c.await(ServerEvent.ResponseOutputAudioTranscriptDone.class).transcript()).isEqualTo("Hello from the script.");
            }
        } finally {
            process.toHandle().destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
