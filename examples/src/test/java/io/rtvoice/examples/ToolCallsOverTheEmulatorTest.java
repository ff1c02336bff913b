package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.Dialect;
import io.rtvoice.RealtimeClient;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/** Tool calls over a real socket: the emulator as the model, calling a tool whose handler fails. */
class ToolCallsOverTheEmulatorTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.anyKey().configure(b -> b.pace(0));

    @Test
    void aFailingHandlersDetailNeverReachesTheModelOverARealSocket() {
        Conversation conversation = Conversation.connect(RealtimeClient.builder().endpoint(emulator.endpoint(Dialect.GA))
                .credentials(emulator.credentials()).build()).block(TIMEOUT);
        try {
            List<String> arguments = new CopyOnWriteArrayList<>();
            conversation.tool("lookup", "Looks an order up", JsonNodeFactory.instance.objectNode(), args -> {
                arguments.add(args);
                return Mono.error(new IOException("db.internal:5432 refused user admin"));
            });
            conversation.configure(SessionConfig.builder().build()).block(TIMEOUT);
            CompletableFuture<Item> output = conversation.events().<Item>handle((event, sink) -> {
                if (event instanceof ServerEvent.ConversationItemCreated e) {
                    sink.next(e.item());
                } else if (event instanceof ServerEvent.ConversationItemAdded e) {
                    sink.next(e.item());
                }
            }).filter(item -> "function_call_output".equals(item.type())).next().toFuture();
            conversation.addUserText("please lookup order 7");
            conversation.respond().block(TIMEOUT);

            assertThat(Mono.fromFuture(output).block(TIMEOUT).output()).isEqualTo("{\"error\":\"the tool failed\"}");
            assertThat(arguments).containsExactly("{\"input\":\"please lookup order 7\"}");
        } finally {
            conversation.close();
        }
    }
}
