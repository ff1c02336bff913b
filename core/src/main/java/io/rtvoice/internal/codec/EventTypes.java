package io.rtvoice.internal.codec;

import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ServerEvent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The wire names of every event type (GA), and the preview dialect's renames. */
public final class EventTypes {

    private static final Map<String, Class<? extends ClientEvent>> CLIENT = new LinkedHashMap<>();
    private static final Map<String, Class<? extends ServerEvent>> SERVER = new LinkedHashMap<>();
    private static final Map<Class<?>, String> NAMES = new HashMap<>();

    /** Preview wire name → GA wire name, for the events the GA protocol renamed. */
    static final Map<String, String> PREVIEW_TO_GA = Map.of(
            "response.text.delta", "response.output_text.delta",
            "response.text.done", "response.output_text.done",
            "response.audio.delta", "response.output_audio.delta",
            "response.audio.done", "response.output_audio.done",
            "response.audio_transcript.delta", "response.output_audio_transcript.delta",
            "response.audio_transcript.done", "response.output_audio_transcript.done");

    /** GA wire name → preview wire name. */
    static final Map<String, String> GA_TO_PREVIEW = invert(PREVIEW_TO_GA);

    static {
        client("session.update", ClientEvent.SessionUpdate.class);
        client("input_audio_buffer.append", ClientEvent.InputAudioBufferAppend.class);
        client("input_audio_buffer.commit", ClientEvent.InputAudioBufferCommit.class);
        client("input_audio_buffer.clear", ClientEvent.InputAudioBufferClear.class);
        client("output_audio_buffer.clear", ClientEvent.OutputAudioBufferClear.class);
        client("conversation.item.create", ClientEvent.ConversationItemCreate.class);
        client("conversation.item.retrieve", ClientEvent.ConversationItemRetrieve.class);
        client("conversation.item.truncate", ClientEvent.ConversationItemTruncate.class);
        client("conversation.item.delete", ClientEvent.ConversationItemDelete.class);
        client("response.create", ClientEvent.ResponseCreate.class);
        client("response.cancel", ClientEvent.ResponseCancel.class);
        client("transcription_session.update", ClientEvent.TranscriptionSessionUpdate.class);

        server("error", ServerEvent.Error.class);
        server("session.created", ServerEvent.SessionCreated.class);
        server("session.updated", ServerEvent.SessionUpdated.class);
        server("transcription_session.created", ServerEvent.TranscriptionSessionCreated.class);
        server("transcription_session.updated", ServerEvent.TranscriptionSessionUpdated.class);
        server("conversation.created", ServerEvent.ConversationCreated.class);
        server("conversation.item.created", ServerEvent.ConversationItemCreated.class);
        server("conversation.item.added", ServerEvent.ConversationItemAdded.class);
        server("conversation.item.done", ServerEvent.ConversationItemDone.class);
        server("conversation.item.retrieved", ServerEvent.ConversationItemRetrieved.class);
        server("conversation.item.deleted", ServerEvent.ConversationItemDeleted.class);
        server("conversation.item.truncated", ServerEvent.ConversationItemTruncated.class);
        server("conversation.item.input_audio_transcription.delta", ServerEvent.ConversationItemInputAudioTranscriptionDelta.class);
        server("conversation.item.input_audio_transcription.completed", ServerEvent.ConversationItemInputAudioTranscriptionCompleted.class);
        server("conversation.item.input_audio_transcription.failed", ServerEvent.ConversationItemInputAudioTranscriptionFailed.class);
        server("conversation.item.input_audio_transcription.segment", ServerEvent.ConversationItemInputAudioTranscriptionSegment.class);
        server("input_audio_buffer.committed", ServerEvent.InputAudioBufferCommitted.class);
        server("input_audio_buffer.cleared", ServerEvent.InputAudioBufferCleared.class);
        server("input_audio_buffer.speech_started", ServerEvent.InputAudioBufferSpeechStarted.class);
        server("input_audio_buffer.speech_stopped", ServerEvent.InputAudioBufferSpeechStopped.class);
        server("input_audio_buffer.timeout_triggered", ServerEvent.InputAudioBufferTimeoutTriggered.class);
        server("input_audio_buffer.dtmf_event_received", ServerEvent.InputAudioBufferDtmfEventReceived.class);
        server("output_audio_buffer.started", ServerEvent.OutputAudioBufferStarted.class);
        server("output_audio_buffer.stopped", ServerEvent.OutputAudioBufferStopped.class);
        server("output_audio_buffer.cleared", ServerEvent.OutputAudioBufferCleared.class);
        server("response.created", ServerEvent.ResponseCreated.class);
        server("response.done", ServerEvent.ResponseDone.class);
        server("response.output_item.added", ServerEvent.ResponseOutputItemAdded.class);
        server("response.output_item.done", ServerEvent.ResponseOutputItemDone.class);
        server("response.content_part.added", ServerEvent.ResponseContentPartAdded.class);
        server("response.content_part.done", ServerEvent.ResponseContentPartDone.class);
        server("response.output_text.delta", ServerEvent.ResponseOutputTextDelta.class);
        server("response.output_text.done", ServerEvent.ResponseOutputTextDone.class);
        server("response.output_audio_transcript.delta", ServerEvent.ResponseOutputAudioTranscriptDelta.class);
        server("response.output_audio_transcript.done", ServerEvent.ResponseOutputAudioTranscriptDone.class);
        server("response.output_audio.delta", ServerEvent.ResponseOutputAudioDelta.class);
        server("response.output_audio.done", ServerEvent.ResponseOutputAudioDone.class);
        server("response.function_call_arguments.delta", ServerEvent.ResponseFunctionCallArgumentsDelta.class);
        server("response.function_call_arguments.done", ServerEvent.ResponseFunctionCallArgumentsDone.class);
        server("response.mcp_call_arguments.delta", ServerEvent.ResponseMcpCallArgumentsDelta.class);
        server("response.mcp_call_arguments.done", ServerEvent.ResponseMcpCallArgumentsDone.class);
        server("response.mcp_call.in_progress", ServerEvent.ResponseMcpCallInProgress.class);
        server("response.mcp_call.completed", ServerEvent.ResponseMcpCallCompleted.class);
        server("response.mcp_call.failed", ServerEvent.ResponseMcpCallFailed.class);
        server("mcp_list_tools.in_progress", ServerEvent.McpListToolsInProgress.class);
        server("mcp_list_tools.completed", ServerEvent.McpListToolsCompleted.class);
        server("mcp_list_tools.failed", ServerEvent.McpListToolsFailed.class);
        server("rate_limits.updated", ServerEvent.RateLimitsUpdated.class);
    }

    private EventTypes() {
    }

    private static void client(String name, Class<? extends ClientEvent> type) {
        CLIENT.put(name, type);
        NAMES.put(type, name);
    }

    private static void server(String name, Class<? extends ServerEvent> type) {
        SERVER.put(name, type);
        NAMES.put(type, name);
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> inverse = new HashMap<>();
        map.forEach((k, v) -> inverse.put(v, k));
        return Map.copyOf(inverse);
    }

    /** The record class of a GA client event name, or {@code null}. */
    static Class<? extends ClientEvent> clientClass(String gaName) {
        return CLIENT.get(gaName);
    }

    /** The record class of a GA server event name, or {@code null}. */
    static Class<? extends ServerEvent> serverClass(String gaName) {
        return SERVER.get(gaName);
    }

    /** The GA wire name of a client event. */
    public static String clientTypeName(ClientEvent event) {
        return NAMES.get(event.getClass());
    }

    /** The GA wire name of a server event. */
    public static String serverTypeName(ServerEvent event) {
        return NAMES.get(event.getClass());
    }

    /** Every known GA client event name, in a stable order. */
    public static Iterable<String> clientTypeNames() {
        return CLIENT.keySet();
    }

    /** Every known GA server event name, in a stable order. */
    public static Iterable<String> serverTypeNames() {
        return SERVER.keySet();
    }
}
