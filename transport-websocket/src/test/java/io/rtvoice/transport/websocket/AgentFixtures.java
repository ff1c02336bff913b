package io.rtvoice.transport.websocket;

import io.rtvoice.agent.Agent;
import io.rtvoice.agent.AgentEvent;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.agent.FunctionTool;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.emulator.Responder;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.Tool;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What the agent tests share: the emulator's model for them, two agents, and ways to wait for what happens. */
final class AgentFixtures {

    static final String KEY = "sk-agent-test";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String SAY_PREFIX = "Say exactly this, word for word, and nothing else: ";
    /** A long answer with a word in its middle that a guardrail looks for: about 150 ms per word at real-time pace. */
    static final String SECRET_ANSWER = "Well let me think about that for a moment because the secret code is banana"
            + " and I really should not tell you that but here it is anyway with many more words after it to say";

    private AgentFixtures() {
    }

    enum Unit { CELSIUS, FAHRENHEIT }

    record WeatherArgs(String city, Unit unit) {
    }

    record RefundArgs(String order, int amount) {
    }

    /**
     * The model of these tests, and a record of each turn it was asked (the emulator's view: the session's
     * instructions and tools as the response ran, and the conversation's items). After a tool's output it speaks;
     * after a handoff's output it introduces itself by its instructions. A user's words call a tool only when it is
     * offered: "specialist" → {@code transfer_to_specialist}, "reception" → {@code transfer_to_receptionist},
     * "weather" → {@code get_weather}, "refund" → {@code refund}; "secret" gets {@link #SECRET_ANSWER}. A response
     * asked to say a sentence says it.
     */
    static Responder model(List<Responder.Turn> turns) {
        return turn -> {
            turns.add(turn);
            String instructions = turn.session().instructions() == null ? "" : turn.session().instructions();
            if (instructions.startsWith(SAY_PREFIX)) {
                return new Responder.Reply.Speech(instructions.substring(SAY_PREFIX.length()));
            }
            Item last = turn.last();
            if (last != null && "function_call_output".equals(last.type())) {
                return new Responder.Reply.Speech(last.output().contains("\"assistant\"") ? "Now speaking as: " + instructions
                        : "The tool answered: " + last.output() + ".");
            }
            String said = userText(last);
            if (said == null) {
                return new Responder.Reply.Speech("Hello.");
            }
            String lower = said.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("specialist") && offered(turn, "transfer_to_specialist")) {
                return new Responder.Reply.FunctionCall("transfer_to_specialist", "{}");
            }
            if (lower.contains("reception") && offered(turn, "transfer_to_receptionist")) {
                return new Responder.Reply.FunctionCall("transfer_to_receptionist", "{}");
            }
            if (lower.contains("weather") && offered(turn, "get_weather")) {
                return new Responder.Reply.FunctionCall("get_weather", "{\"city\":\"Paris\",\"unit\":\"CELSIUS\"}");
            }
            if (lower.contains("refund") && offered(turn, "refund")) {
                return new Responder.Reply.FunctionCall("refund", "{\"order\":\"A-17\",\"amount\":30}");
            }
            if (lower.contains("secret")) {
                return new Responder.Reply.Speech(SECRET_ANSWER);
            }
            return new Responder.Reply.Speech("You said: " + said + ".");
        };
    }

    static boolean offered(Responder.Turn turn, String tool) {
        return toolNames(turn).contains(tool);
    }

    static List<String> toolNames(Responder.Turn turn) {
        List<Tool> tools = turn.session().tools();
        return tools == null ? List.of() : tools.stream().map(Tool::name).toList();
    }

    static String userText(Item item) {
        if (item == null || !"message".equals(item.type()) || !"user".equals(item.role()) || item.content() == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (ContentPart part : item.content()) {
            if (part.text() != null) {
                text.append(part.text());
            }
        }
        return text.length() > 0 ? text.toString() : null;
    }

    /** The receptionist: hands off to the specialist, no tools of its own. */
    static Agent receptionist() {
        return Agent.builder("receptionist").instructions("You are the receptionist.").voice("alloy")
                .handoffDescription("Greets callers and routes them").handoffs("specialist").build();
    }

    /** The specialist: the weather tool and a refund that needs approval; hands back to the receptionist. */
    static Agent specialist(List<WeatherArgs> weatherCalls, List<RefundArgs> refunds) {
        return Agent.builder("specialist").instructions("You are the weather specialist.").voice("cedar")
                .handoffDescription("Answers weather questions")
                .tool(FunctionTool.of("get_weather", "The weather in a city", WeatherArgs.class, args -> {
                    weatherCalls.add(args);
                    return Mono.just(new java.util.LinkedHashMap<>(java.util.Map.of("sky", "sunny")));
                }))
                .tool(FunctionTool.of("refund", "Refunds an order", RefundArgs.class, args -> {
                    refunds.add(args);
                    return Mono.just("{\"refunded\":" + args.amount() + "}");
                }).withApproval())
                .handoffs("receptionist").build();
    }

    /** Every event of {@code runner} from now on, replayed to each subscriber: nothing is missed by waiting late. */
    static Flux<AgentEvent> record(AgentRunner runner) {
        Flux<AgentEvent> all = runner.events().replay().autoConnect(0);
        return all;
    }

    /** The first recorded event of {@code type} that {@code test} accepts. */
    static <E extends AgentEvent> E await(Flux<AgentEvent> recorded, Class<E> type, Predicate<E> test) {
        return recorded.ofType(type).filter(test).blockFirst(TIMEOUT);
    }

    /** A response that called a tool, and the one the tool's output started. */
    record Exchange(ConversationResponse call, ConversationResponse answer) {
    }

    /** The user says {@code text}; the model calls a tool, is given its output and answers. */
    static Exchange turnWithTool(io.rtvoice.conversation.Conversation conversation, String text) {
        // The continued response may come before respond() returns: listen first.
        Mono<ConversationResponse> answer = conversation.responses().skip(1).next().cache();
        answer.subscribe();
        conversation.addUserText(text);
        ConversationResponse call = conversation.respond().block(TIMEOUT);
        return new Exchange(call, answer.block(TIMEOUT));
    }

    /** The user says {@code text}; the model answers; the answer's transcript. */
    static String turn(io.rtvoice.conversation.Conversation conversation, String text) {
        conversation.addUserText(text);
        return transcript(conversation.respond().block(TIMEOUT));
    }

    /** The text of the first item of {@code response}: its transcript, whole. */
    static String transcript(ConversationResponse response) {
        return String.join("", response.items().blockFirst(TIMEOUT).transcript().collectList().block(TIMEOUT));
    }
}
