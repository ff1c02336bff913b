package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transcription-only sessions over a real socket ({@code ?intent=transcription}, GA and Azure GA paths): the
 * session the service creates for them, their configuration, committed audio transcribed delta by delta,
 * and never a response.
 */
class TranscriptionSessionsTest {

    static final Map<String, String> BEARER = Map.of("Authorization", "Bearer sk-transcription-test");

    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.anyKey().configure(b -> b.pace(0));

    static WsClient connect(String pathAndQuery) {
        return WsClient.connect(emulator.uri(pathAndQuery), Dialect.GA, BEARER);
    }

    static SessionConfig transcription(String model, TurnDetection turnDetection) {
        return SessionConfig.builder().type("transcription").inputTranscription(InputTranscription.of(model))
                .turnDetection(turnDetection).build();
    }

    /** Reads until {@code input_audio_buffer.cleared}: the server handles events in order, so all before it was answered. */
    static List<ServerEvent> untilCleared(WsClient c) throws Exception {
        c.send(new ClientEvent.InputAudioBufferClear("evt_barrier"));
        c.await(ServerEvent.InputAudioBufferCleared.class);
        return c.events();
    }

    @Test
    void theGaIntentOpensATranscriptionSessionWithNoModelAndNoOutput() throws Exception {
        try (WsClient c = connect("/v1/realtime?intent=transcription")) {
            ServerEvent.SessionCreated created = c.await(ServerEvent.SessionCreated.class);
            SessionConfig s = created.session();
            assertThat(s.type()).isEqualTo("transcription");
            assertThat(s.object()).isEqualTo("realtime.transcription_session");
            assertThat(s.id()).startsWith("sess_");
            assertThat(s.expiresAt()).isPositive();
            assertThat(s.model()).isNull();
            assertThat(s.instructions()).isNull();
            assertThat(s.audio().output()).isNull();
            assertThat(s.audio().input().transcription().model()).isEqualTo("gpt-4o-transcribe");
            assertThat(s.turnDetection().type()).isEqualTo("server_vad");
            assertThat(s.turnDetection().createResponse()).as("nothing to respond with").isNull();
            assertThat(c.types()).containsExactly("session.created"); // no conversation.created, as in GA
        }
    }

    @Test
    void theAzureGaPathTakesTheIntentTooWithTheDeploymentInTheSession() throws Exception {
        try (WsClient c = WsClient.connect(emulator.uri("/openai/v1/realtime?intent=transcription"), Dialect.GA,
                Map.of("api-key", "azure-key"))) {
            assertThat(c.await(ServerEvent.SessionCreated.class).session().type()).isEqualTo("transcription");
            c.send(new ClientEvent.SessionUpdate("evt_1", transcription("my-transcribe-deployment", null)));
            assertThat(c.await(ServerEvent.SessionUpdated.class).session().audio().input().transcription().model())
                    .isEqualTo("my-transcribe-deployment");
        }
    }

    @Test
    void anIntentOtherThanTranscriptionOrOneWithAModelIsRefused() {
        assertThat(WsClient.refusedStatus(emulator.uri("/v1/realtime?intent=translation"), BEARER)).isEqualTo(400);
        assertThat(WsClient.refusedStatus(emulator.uri("/v1/realtime?intent=transcription&model=gpt-realtime"), BEARER)).isEqualTo(400);
        assertThat(WsClient.refusedStatus(emulator.uri("/openai/v1/realtime?intent=transcription&model=d"), BEARER)).isEqualTo(400);
        assertThat(WsClient.refusedStatus(emulator.uri("/v1/realtime"), BEARER)).isEqualTo(400);
    }

    @Test
    void committedAudioIsTranscribedWordByWordAndCompleted() throws Exception {
        try (WsClient c = connect("/v1/realtime?intent=transcription")) {
            c.await(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.SessionUpdate("evt_1", transcription("gpt-4o-mini-transcribe", TurnDetection.DISABLED)));
            assertThat(c.await(ServerEvent.SessionUpdated.class).session().turnDetection()).satisfiesAnyOf(
                    td -> assertThat(td).isNull(), td -> assertThat(td.disabled()).isTrue());
            EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(500, true));
            c.send(new ClientEvent.InputAudioBufferCommit("evt_2"));

            String itemId = c.await(ServerEvent.InputAudioBufferCommitted.class).itemId();
            ServerEvent.ConversationItemInputAudioTranscriptionCompleted completed =
                    c.await(ServerEvent.ConversationItemInputAudioTranscriptionCompleted.class);
            assertThat(completed.itemId()).isEqualTo(itemId);
            assertThat(completed.transcript()).isEqualTo("audio of 500 milliseconds");
            assertThat(completed.usage().seconds()).isEqualTo(0.5);
            List<String> deltas = c.events().stream()
                    .filter(ServerEvent.ConversationItemInputAudioTranscriptionDelta.class::isInstance)
                    .map(e -> (ServerEvent.ConversationItemInputAudioTranscriptionDelta) e)
                    .peek(d -> assertThat(d.itemId()).isEqualTo(itemId))
                    .map(ServerEvent.ConversationItemInputAudioTranscriptionDelta::delta).toList();
            assertThat(deltas).containsExactly("audio ", "of ", "500 ", "milliseconds");
            assertThat(untilCleared(c)).noneMatch(e -> e.type().startsWith("response."));
        }
    }

    @Test
    void serverVadCommitsEachUtteranceAndTheSessionNeverResponds() throws Exception {
        try (WsClient c = connect("/v1/realtime?intent=transcription")) {
            c.await(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.SessionUpdate("evt_1", transcription("gpt-4o-transcribe", TurnDetection.serverVad(0.5, 300, 500))));
            c.await(ServerEvent.SessionUpdated.class);
            for (int utterance = 0; utterance < 2; utterance++) {
                EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(800, true));
                EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(800, false));
            }

            List<ServerEvent> events = untilCleared(c);
            List<String> transcripts = events.stream().filter(ServerEvent.ConversationItemInputAudioTranscriptionCompleted.class::isInstance)
                    .map(e -> ((ServerEvent.ConversationItemInputAudioTranscriptionCompleted) e).transcript()).toList();
            assertThat(transcripts).hasSize(2).allMatch(t -> t.matches("audio of \\d+ milliseconds"));
            assertThat(events).filteredOn(ServerEvent.InputAudioBufferSpeechStarted.class::isInstance).hasSize(2);
            assertThat(events).noneMatch(e -> e.type().startsWith("response."));
        }
    }

    @Test
    void responseCreateAndCancelAreRefusedWithAnErrorNamingTheirEvent() throws Exception {
        try (WsClient c = connect("/v1/realtime?intent=transcription")) {
            c.await(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.ResponseCreate("evt_respond", null));
            ServerEvent.Error error = c.await(ServerEvent.Error.class);
            assertThat(error.error().type()).isEqualTo("invalid_request_error");
            assertThat(error.error().code()).isEqualTo("invalid_event");
            assertThat(error.error().eventId()).isEqualTo("evt_respond");
            assertThat(error.error().message()).contains("response.create").contains("transcription sessions");

            c.send(new ClientEvent.ResponseCancel("evt_cancel", null));
            assertThat(c.await(ServerEvent.Error.class).error().eventId()).isEqualTo("evt_cancel");
            assertThat(untilCleared(c)).noneMatch(e -> e.type().startsWith("response."));
        }
    }

    @Test
    void aConversationSettingOrTypeIsRefusedInATranscriptionSession() throws Exception {
        try (WsClient c = connect("/v1/realtime?intent=transcription")) {
            c.await(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.SessionUpdate("evt_1", SessionConfig.builder().type("transcription").instructions("Be brief.").build()));
            ServerEvent.Error unknown = c.await(ServerEvent.Error.class);
            assertThat(unknown.error().code()).isEqualTo("unknown_parameter");
            assertThat(unknown.error().param()).isEqualTo("session.instructions");

            c.send(new ClientEvent.SessionUpdate("evt_2", SessionConfig.builder().voice("alloy").type("transcription").build()));
            assertThat(c.await(ServerEvent.Error.class).error().param()).isEqualTo("session.audio.output");

            c.send(new ClientEvent.SessionUpdate("evt_3", SessionConfig.builder().build())); // type realtime
            ServerEvent.Error type = c.await(ServerEvent.Error.class);
            assertThat(type.error().code()).isEqualTo("invalid_value");
            assertThat(type.error().param()).isEqualTo("session.type");
            assertThat(type.error().eventId()).isEqualTo("evt_3");
        }
    }

    @Test
    void aConversationSessionCannotBecomeATranscriptionSession() throws Exception {
        try (WsClient c = connect("/v1/realtime?model=gpt-realtime")) {
            c.await(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.SessionUpdate("evt_1", transcription("whisper-1", null)));
            assertThat(c.await(ServerEvent.Error.class).error().param()).isEqualTo("session.type");
        }
    }

    @Test
    void aDiarizingModelSendsSegmentsWithTheirSpeaker() throws Exception {
        try (WsClient c = connect("/v1/realtime?intent=transcription")) {
            c.await(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.SessionUpdate("evt_1", transcription("gpt-4o-transcribe-diarize", TurnDetection.DISABLED)));
            c.await(ServerEvent.SessionUpdated.class);
            EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(1000, true));
            c.send(new ClientEvent.InputAudioBufferCommit("evt_2"));

            ServerEvent.ConversationItemInputAudioTranscriptionSegment segment =
                    c.await(ServerEvent.ConversationItemInputAudioTranscriptionSegment.class);
            assertThat(segment.speaker()).isEqualTo("spk_1");
            assertThat(segment.end()).isEqualTo(1.0);
            assertThat(c.await(ServerEvent.ConversationItemInputAudioTranscriptionCompleted.class).transcript())
                    .isEqualTo("audio of 1000 milliseconds");
        }
    }

    @Test
    void previewTranscriptionSessionsAreCreatedAndUpdatedWithTheirOwnEvents() throws Exception {
        try (WsClient c = WsClient.connect(emulator.uri("/v1/realtime?intent=transcription"), Dialect.PREVIEW,
                Map.of("Authorization", "Bearer k", "OpenAI-Beta", "realtime=v1"))) {
            assertThat(c.next()).isInstanceOf(ServerEvent.TranscriptionSessionCreated.class);
            c.send(new ClientEvent.TranscriptionSessionUpdate("evt_1", transcription("whisper-1", TurnDetection.DISABLED)));
            ServerEvent.TranscriptionSessionUpdated updated = c.await(ServerEvent.TranscriptionSessionUpdated.class);
            assertThat(updated.session().audio().input().transcription().model()).isEqualTo("whisper-1");
            EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(300, true));
            c.send(new ClientEvent.InputAudioBufferCommit("evt_2"));
            assertThat(c.await(ServerEvent.ConversationItemInputAudioTranscriptionCompleted.class).transcript())
                    .isEqualTo("audio of 300 milliseconds");
            assertThat(c.types()).doesNotContain("conversation.created");
        }
    }

}
