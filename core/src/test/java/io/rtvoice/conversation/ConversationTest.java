package io.rtvoice.conversation;

import static io.rtvoice.testing.InMemoryTransport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.RealtimeSession;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.SessionEndedException;
import io.rtvoice.event.Response;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.testing.InMemoryTransport;
import io.rtvoice.transport.CloseStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** {@link Conversation} over the in-memory transport: requests and their answers, reconnection and close. */
class ConversationTest {

    final InMemoryTransport transport = InMemoryTransport.realtime();

    @AfterEach
    void stop() {
        transport.close();
    }

    Conversation connect() {
        return Conversation.connect(transport.client()).block(TIMEOUT);
    }

    static String outputItemAdded(String responseId, String itemId) {
        return "{\"type\":\"response.output_item.added\",\"event_id\":\"event_ia\",\"response_id\":\"" + responseId
                + "\",\"output_index\":0,\"item\":{\"id\":\"" + itemId + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}";
    }

    static String textDelta(String responseId, String itemId, String delta) {
        return "{\"type\":\"response.output_text.delta\",\"event_id\":\"event_td\",\"response_id\":\"" + responseId + "\",\"item_id\":\""
                + itemId + "\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + delta + "\"}";
    }

    static String message(String itemId, String text) {
        return "{\"id\":\"" + itemId + "\",\"type\":\"message\",\"role\":\"assistant\",\"status\":\"completed\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"" + text + "\"}]}";
    }

    static String outputItemDone(String responseId, String item) {
        return "{\"type\":\"response.output_item.done\",\"event_id\":\"event_id\",\"response_id\":\"" + responseId
                + "\",\"output_index\":0,\"item\":" + item + "}";
    }

    @Test
    void configureCompletesWithTheServersSessionUpdated() {
        Conversation conversation = connect();
        StepVerifier.create(conversation.configure(SessionConfig.builder().instructions("Be brief.").build()))
                .assertNext(session -> assertThat(session.instructions()).isEqualTo("Be brief."))
                .expectComplete()
                .verify(TIMEOUT);
        JsonNode update = transport.connection(0).awaitReceived("session.update");
        assertThat(update.path("event_id").asText()).startsWith("evt_rtv");
    }

    @Test
    void configureFailsWithTheServersErrorAboutItsEventId() {
        transport.answer("session.update", (server, update) ->
                server.push(InMemoryTransport.error("invalid_value", update.path("event_id").asText())));
        Conversation conversation = connect();
        StepVerifier.create(conversation.configure(SessionConfig.builder().instructions("x").build()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(ConversationException.class);
                    assertThat(((ConversationException) e).error().code()).isEqualTo("invalid_value");
                })
                .verify(TIMEOUT);
    }

    @Test
    void anErrorAboutAnotherEventLeavesAPendingConfigureWaitingForItsAnswer() {
        transport.answer("session.update", (server, update) -> {
            server.push(InMemoryTransport.error("invalid_value", "evt_someone_else"));
            server.push(InMemoryTransport.sessionUpdated(update));
        });
        Conversation conversation = connect();
        StepVerifier.create(conversation.configure(SessionConfig.builder().instructions("mine").build()))
                .assertNext(session -> assertThat(session.instructions()).isEqualTo("mine"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void respondCompletesWithTheCreatedResponseWhoseItemsAndEndStream() {
        transport.answer("response.create", (server, create) -> {
            server.push(InMemoryTransport.responseCreated("resp_1"));
            server.push(outputItemAdded("resp_1", "item_1"));
            server.push(textDelta("resp_1", "item_1", "Hel"));
            server.push(textDelta("resp_1", "item_1", "lo"));
            server.push(outputItemDone("resp_1", message("item_1", "Hello")));
            server.push(InMemoryTransport.responseDone("resp_1", message("item_1", "Hello")));
        });
        Conversation conversation = connect();
        conversation.addUserText("Hi");
        ConversationResponse response = conversation.respond().block(TIMEOUT);
        assertThat(response.id()).isEqualTo("resp_1");
        StepVerifier.create(response.items().flatMap(item -> item.text().collectList()))
                .expectNext(List.of("Hel", "lo"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(response.done().map(Response::status)).expectNext("completed").expectComplete().verify(TIMEOUT);
        assertThat(transport.connection(0).receivedTypes()).containsExactly("conversation.item.create", "response.create");
    }

    /** Found by the hostile soak: the responses ended before the session's error arrived, and respond() completed empty. */
    @Test
    void aConnectionLostBeforeTheAnswerFailsTheRequestRatherThanCompletingItEmpty() {
        transport.answer("response.create", (server, create) -> server.drop());
        Conversation conversation = connect();
        conversation.addUserText("Hi");
        StepVerifier.create(conversation.respond()).expectError(io.rtvoice.SessionEndedException.class).verify(TIMEOUT);
        StepVerifier.create(conversation.configure(SessionConfig.builder().instructions("late").build()))
                .expectError(io.rtvoice.SessionEndedException.class).verify(TIMEOUT);
    }

    @Test
    void aFunctionCallIsAnsweredByItsHandlerAndTheModelIsAskedToGoOn() {
        String call = "{\"id\":\"item_f\",\"type\":\"function_call\",\"status\":\"completed\",\"name\":\"weather\","
                + "\"call_id\":\"call_1\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}";
        respondOnceWith(call);
        Conversation conversation = connect();
        List<String> arguments = new CopyOnWriteArrayList<>();
        conversation.tool("weather", "The weather in a city", JsonNodeFactory.instance.objectNode(), args -> {
            arguments.add(args);
            return Mono.just("{\"sky\":\"clear\"}");
        });
        conversation.respond().block(TIMEOUT);
        InMemoryTransport.Server server = transport.connection(0);
        JsonNode output = server.received().filter(n -> n.path("type").asText().equals("conversation.item.create")).blockFirst(TIMEOUT);
        assertThat(output.path("item").path("type").asText()).isEqualTo("function_call_output");
        assertThat(output.path("item").path("call_id").asText()).isEqualTo("call_1");
        assertThat(output.path("item").path("output").asText()).isEqualTo("{\"sky\":\"clear\"}");
        assertThat(server.received().map(n -> n.path("type").asText()).take(3).collectList().block(TIMEOUT))
                .containsExactly("response.create", "conversation.item.create", "response.create");
        assertThat(arguments).containsExactly("{\"city\":\"Oslo\"}");
    }

    @Test
    void pendingRequestsFailWithSessionReconnectedWhenTheSessionReconnects() {
        transport.answer("session.update", (server, update) -> { }); // the first connection never answers
        transport.answer("response.create", (server, create) -> server.push(InMemoryTransport.responseCreated("resp_1")));
        RealtimeSession session = transport.client()
                .connect(ReconnectPolicy.withBackoff().delays(Duration.ZERO, Duration.ZERO)).block(TIMEOUT);
        Conversation conversation = Conversation.over(session);
        ConversationResponse inProgress = conversation.respond().block(TIMEOUT);
        Mono<SessionConfig> configuring = conversation.configure(SessionConfig.builder().instructions("x").build());
        StepVerifier.create(configuring)
                .then(() -> transport.connection(0).awaitReceived("session.update"))
                .then(() -> transport.connection(0).drop())
                .expectErrorSatisfies(e -> assertThat(((ConversationException) e).error().code()).isEqualTo("session_reconnected"))
                .verify(TIMEOUT);
        StepVerifier.create(inProgress.done())
                .expectErrorSatisfies(e -> assertThat(((ConversationException) e).error().code()).isEqualTo("session_reconnected"))
                .verify(TIMEOUT);
        // And the conversation goes on over the new connection (once the restored session.update went unanswered).
        transport.settle();
        transport.answer("session.update", (server, update) -> server.push(InMemoryTransport.sessionUpdated(update)));
        StepVerifier.create(conversation.configure(SessionConfig.builder().instructions("again").build()))
                .assertNext(s -> assertThat(s.instructions()).isEqualTo("again"))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(transport.connection(1).index()).isEqualTo(1);
        conversation.close();
    }

    @Test
    void whenTheSessionEndsAPendingRequestFailsInsteadOfHanging() {
        transport.answer("session.update", (server, update) -> server.close(1011, "server restarting"));
        Conversation conversation = connect();
        StepVerifier.create(conversation.configure(SessionConfig.builder().instructions("x").build()))
                .expectErrorSatisfies(e -> assertThat(((SessionEndedException) e).closeStatus().code()).isEqualTo(1011))
                .verify(TIMEOUT);
        StepVerifier.create(conversation.responses()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void closeGracefullyClosesTheSessionAndEndsTheStreams() {
        Conversation conversation = connect();
        StepVerifier.create(conversation.closeGracefully()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(transport.connection(0).clientClose()).expectNext(new CloseStatus(1000, "client closed"))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(conversation.responses()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(conversation.inputItems()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(conversation.events()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void closeGracefullyIsIdempotent() {
        Conversation conversation = connect();
        Mono<Void> first = conversation.closeGracefully();
        Mono<Void> second = conversation.closeGracefully(); // the first was never subscribed to
        StepVerifier.create(second).expectComplete().verify(TIMEOUT);
        StepVerifier.create(transport.connection(0).clientClose()).expectNext(new CloseStatus(1000, "client closed"))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(first).expectComplete().verify(TIMEOUT);
        StepVerifier.create(conversation.closeGracefully()).expectComplete().verify(TIMEOUT);
        assertThat(transport.requests()).hasSize(1);
    }

    @Test
    void closeFromTheConnectionsOwnThreadNeitherBlocksNorThrows() {
        Conversation conversation = connect();
        Mono<Void> responsesEnded = conversation.responses().then();
        assertThat(transport.callFromAnEventHandler(conversation.events(), 0, conversation::close))
                .containsExactly(true, true, "returned");
        StepVerifier.create(transport.connection(0).clientClose()).expectNext(new CloseStatus(1000, "client closed"))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(responsesEnded).expectComplete().verify(TIMEOUT);
        assertThat(transport.loopFailures()).isEmpty();
    }

    @Test
    void incompleteEventsAreSkippedAndCountedAndLaterResponsesAreStillTracked() {
        transport.answer("response.create", (server, create) -> {
            // An audio delta with no item_id, and a response.done with no response: unusable, not fatal.
            server.push("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e_1\",\"response_id\":\"resp_0\","
                    + "\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}");
            server.push("{\"type\":\"response.done\",\"event_id\":\"e_2\"}");
            server.push(InMemoryTransport.responseCreated("resp_1"));
            server.push(outputItemAdded("resp_1", "item_1"));
            server.push(textDelta("resp_1", "item_1", "Hi"));
            server.push(outputItemDone("resp_1", message("item_1", "Hi")));
            server.push(InMemoryTransport.responseDone("resp_1", message("item_1", "Hi")));
        });
        Conversation conversation = connect();
        ConversationResponse response = conversation.respond().block(TIMEOUT);
        StepVerifier.create(response.items().flatMap(item -> item.text().collectList()))
                .expectNext(List.of("Hi"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(response.done().map(Response::status)).expectNext("completed").expectComplete().verify(TIMEOUT);
        assertThat(conversation.skippedEvents()).isEqualTo(2);
        assertThat(transport.loopFailures()).isEmpty();
    }

    @Test
    void anErrorEventWithNoErrorObjectFailsAPendingRequestInsteadOfBreakingIt() {
        transport.answer("session.update", (server, update) -> server.push("{\"type\":\"error\",\"event_id\":\"e_x\"}"));
        Conversation conversation = connect();
        StepVerifier.create(conversation.configure(SessionConfig.builder().instructions("x").build()))
                .expectErrorSatisfies(e -> assertThat(((ConversationException) e).error().code()).isEqualTo("undescribed_error"))
                .verify(TIMEOUT);
    }

    static String functionCall(String itemId, String callId, String name, String arguments) {
        return JsonNodeFactory.instance.objectNode().put("id", itemId).put("type", "function_call").put("status", "completed")
                .put("name", name).put("call_id", callId).put("arguments", arguments).toString();
    }

    /** The server answers the first response.create with one response whose output is {@code calls}. */
    void respondOnceWith(String... calls) {
        transport.answer("response.create", (server, create) -> {
            if (server.receivedTypes().stream().filter("response.create"::equals).count() == 1) {
                server.push(InMemoryTransport.responseCreated("resp_1"));
                server.push(InMemoryTransport.responseDone("resp_1", calls));
            }
        });
    }

    /** The first {@code count} function outputs the client sent, as call_id=output, then asserts the model was asked to go on. */
    static List<String> outputs(InMemoryTransport.Server server, int count) {
        List<String> outputs = server.received().filter(n -> n.path("type").asText().equals("conversation.item.create"))
                .take(count).map(n -> n.path("item").path("call_id").asText() + "=" + n.path("item").path("output").asText())
                .collectList().block(TIMEOUT);
        assertThat(server.received().map(n -> n.path("type").asText()).skip(1 + count).blockFirst(TIMEOUT)).isEqualTo("response.create");
        return outputs;
    }

    @Test
    void aToolHandlersErrorReachesTheModelAsAGenericMessageUnlessDetailIsAskedFor() {
        respondOnceWith(functionCall("item_f", "call_1", "lookup", "{}"), functionCall("item_g", "call_2", "detailed", "{}"));
        Conversation conversation = connect();
        Conversation detailed = connect();
        conversation.tool("lookup", "Looks up", JsonNodeFactory.instance.objectNode(),
                args -> Mono.error(new java.io.IOException("db.internal:5432 refused user admin")));
        conversation.tool("detailed", "Looks up", JsonNodeFactory.instance.objectNode(),
                args -> Mono.error(new java.io.IOException("db.internal:5432 refused")));
        conversation.respond().block(TIMEOUT);
        assertThat(outputs(transport.connection(0), 2))
                .containsExactly("call_1={\"error\":\"the tool failed\"}", "call_2={\"error\":\"the tool failed\"}");

        detailed.toolErrorDetail(true).tool("lookup", "Looks up", JsonNodeFactory.instance.objectNode(),
                args -> Mono.error(new java.io.IOException("db.internal:5432 refused")));
        respondOnceWith(functionCall("item_f", "call_9", "lookup", "{}"));
        detailed.respond().block(TIMEOUT);
        assertThat(outputs(transport.connection(1), 1)).containsExactly("call_9={\"error\":\"IOException: db.internal:5432 refused\"}");
    }

    @Test
    void aToolHandlerThatNeverAnswersIsAnsweredForAtItsTimeoutAndHoldsBackNoOtherCall() {
        respondOnceWith(functionCall("item_f", "call_1", "stuck", "{}"), functionCall("item_g", "call_2", "quick", "{}"));
        Conversation conversation = connect().toolTimeout(Duration.ofMillis(300));
        List<String> answered = new CopyOnWriteArrayList<>();
        conversation.tool("stuck", "Never answers", JsonNodeFactory.instance.objectNode(), args -> Mono.never());
        conversation.tool("quick", "Answers", JsonNodeFactory.instance.objectNode(), args -> {
            answered.add("quick");
            return Mono.just("{\"ok\":true}");
        });
        conversation.respond().block(TIMEOUT);
        assertThat(outputs(transport.connection(0), 2)).containsExactly(
                "call_1={\"error\":\"the tool did not answer within 300 ms\"}", "call_2={\"ok\":true}");
        assertThat(answered).containsExactly("quick");
        assertThat(Conversation.DEFAULT_TOOL_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void argumentsThatAreNotAJsonObjectAreAnsweredWithAnErrorAndTheHandlerIsNotCalled() {
        respondOnceWith(functionCall("item_f", "call_1", "weather", "{\"city\": \"Os"), functionCall("item_g", "call_2", "weather", "[1,2]"),
                functionCall("item_h", "call_3", "weather", "{\"city\":\"Oslo\"}"));
        Conversation conversation = connect();
        List<String> arguments = new CopyOnWriteArrayList<>();
        conversation.tool("weather", "The weather", JsonNodeFactory.instance.objectNode(), args -> {
            arguments.add(args);
            return Mono.just("{\"sky\":\"clear\"}");
        });
        conversation.respond().block(TIMEOUT);
        assertThat(outputs(transport.connection(0), 3)).containsExactly(
                "call_1={\"error\":\"the arguments are not a JSON object\"}",
                "call_2={\"error\":\"the arguments are not a JSON object\"}",
                "call_3={\"sky\":\"clear\"}");
        assertThat(arguments).containsExactly("{\"city\":\"Oslo\"}");
    }

    @Test
    void aToolOutputTheSessionRefusesAsTooLargeGoesBackAsAnErrorOutput() {
        respondOnceWith(functionCall("item_f", "call_1", "dump", "{}"));
        RealtimeSession session = transport.client().connect().block(TIMEOUT);
        Conversation conversation = Conversation.over(new FrameLimited(session, 4_096));
        conversation.tool("dump", "Dumps", JsonNodeFactory.instance.objectNode(), args -> Mono.just("x".repeat(10_000)));
        conversation.respond().block(TIMEOUT);
        List<String> outputs = outputs(transport.connection(0), 1);
        assertThat(outputs).singleElement().asString().startsWith("call_1={\"error\":\"the tool's output could not be sent");
        conversation.close();
    }

    /** A session that refuses, as a client's frame limit does, any event larger than {@code maxChars} when written. */
    record FrameLimited(RealtimeSession session, int maxChars) implements RealtimeSession {
        @Override
        public reactor.core.publisher.Flux<io.rtvoice.event.ServerEvent> events() {
            return session.events();
        }

        @Override
        public void send(io.rtvoice.event.ClientEvent event) {
            if (event.toString().length() > maxChars) {
                throw new IllegalArgumentException("frame : " + event.toString().length() + " chars (expected: <= " + maxChars + ")");
            }
            session.send(event);
        }

        @Override
        public io.rtvoice.Dialect dialect() {
            return session.dialect();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return session.closeGracefully();
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return session.closeStatus();
        }

        @Override
        public long undecodableFrames() {
            return session.undecodableFrames();
        }
    }
}
