package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the emulator sends matches what the service sends, over a real socket: the connect sequence of the
 * captured GA trace, one conversation id everywhere.
 */
class EmulatorFidelityTest {

    static final String KEY = "sk-fidelity-test";
    static final Map<String, String> GA = Map.of("Authorization", "Bearer " + KEY);
    static final Map<String, String> PREVIEW = Map.of("Authorization", "Bearer " + KEY, "OpenAI-Beta", "realtime=v1");

    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));

    static WsClient connect(Dialect dialect) {
        return WsClient.connect(emulator.uri("/v1/realtime?model=gpt-realtime"), dialect, dialect == Dialect.GA ? GA : PREVIEW);
    }

    @Test
    void gaConnectIsSessionCreatedThenTheUpdatesAnswerWithNoConversationCreated() throws Exception {
        try (WsClient c = connect(Dialect.GA)) {
            assertThat(c.next()).isInstanceOf(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type("realtime").instructions("Keep answers short.").build()));

            assertThat(c.next()).isInstanceOfSatisfying(ServerEvent.SessionUpdated.class,
                    u -> assertThat(u.session().instructions()).isEqualTo("Keep answers short."));
            assertThat(c.types()).containsExactly("session.created", "session.updated");
        }
    }

    @Test
    void previewConnectIsSessionCreatedThenConversationCreatedAsTheBetaSpecSays() throws Exception {
        try (WsClient c = connect(Dialect.PREVIEW)) {
            assertThat(c.next()).isInstanceOf(ServerEvent.SessionCreated.class);
            assertThat(c.next()).isInstanceOf(ServerEvent.ConversationCreated.class);
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("Keep answers short.").build()));
            assertThat(c.next()).isInstanceOf(ServerEvent.SessionUpdated.class);
        }
    }

    @Test
    void theConversationIdIsTheSameInConversationCreatedAndEveryResponse() throws Exception {
        try (WsClient c = connect(Dialect.PREVIEW)) {
            String conversation = c.await(ServerEvent.ConversationCreated.class).conversation().id();
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hello")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseCreated created = c.await(ServerEvent.ResponseCreated.class);
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);

            assertThat(conversation).matches("conv_[A-Za-z0-9]+");
            assertThat(created.response().conversationId()).isEqualTo(conversation);
            assertThat(done.response().conversationId()).isEqualTo(conversation);
        }
        try (WsClient c = connect(Dialect.GA)) {
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().conversationId()).matches("conv_[A-Za-z0-9]+");
            assertThat(c.events().get(0)).isInstanceOfSatisfying(ServerEvent.SessionCreated.class,
                    s -> assertThat(s.session().id()).matches("sess_[A-Za-z0-9]+"));
        }
    }
}
