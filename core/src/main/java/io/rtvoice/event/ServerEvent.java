package io.rtvoice.event;

import io.rtvoice.internal.codec.EventTypes;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An event the service sends. One record per event type, named after the GA protocol; the codec reads
 * both dialects into these records (preview {@code response.audio.delta} arrives as
 * {@link ResponseOutputAudioDelta}). A type the codec does not know arrives as {@link Unknown}.
 */
public sealed interface ServerEvent {

    /** The server's event id {@code event_…} (absent on a few events, e.g. DTMF). */
    String eventId();

    /** The GA wire name of this event's type, e.g. {@code response.output_audio.delta}. */
    default String type() {
        return EventTypes.serverTypeName(this);
    }

    /** {@code error}: the service reports a problem; most errors leave the session open. */
    record Error(String eventId, RealtimeError error) implements ServerEvent {
    }

    /** {@code session.created}: the first event of every connection, with the effective configuration. */
    record SessionCreated(String eventId, SessionConfig session) implements ServerEvent {
    }

    /** {@code session.updated}: the effective configuration after a {@code session.update}. */
    record SessionUpdated(String eventId, SessionConfig session) implements ServerEvent {
    }

    /** {@code transcription_session.created} (preview): a transcription session was created. */
    record TranscriptionSessionCreated(String eventId, SessionConfig session) implements ServerEvent {
    }

    /** {@code transcription_session.updated} (preview): a transcription session was updated. */
    record TranscriptionSessionUpdated(String eventId, SessionConfig session) implements ServerEvent {
    }

    /** {@code conversation.created}: the default conversation exists (right after session creation). */
    record ConversationCreated(String eventId, ConversationInfo conversation) implements ServerEvent {
    }

    /** {@code conversation.item.created}: an item was added (preview; still in the GA union). */
    record ConversationItemCreated(String eventId, String previousItemId, Item item) implements ServerEvent {
    }

    /** {@code conversation.item.added} (GA): an item was added; its content may still be streaming. */
    record ConversationItemAdded(String eventId, String previousItemId, Item item) implements ServerEvent {
    }

    /** {@code conversation.item.done} (GA): an item is complete. */
    record ConversationItemDone(String eventId, String previousItemId, Item item) implements ServerEvent {
    }

    /** {@code conversation.item.retrieved}: the reply to {@code conversation.item.retrieve}, with audio. */
    record ConversationItemRetrieved(String eventId, Item item) implements ServerEvent {
    }

    /** {@code conversation.item.deleted}: an item was removed. */
    record ConversationItemDeleted(String eventId, String itemId) implements ServerEvent {
    }

    /** {@code conversation.item.truncated}: an assistant audio item was cut at {@code audioEndMs} (ms). */
    record ConversationItemTruncated(String eventId, String itemId, int contentIndex, int audioEndMs) implements ServerEvent {
    }

    /** {@code conversation.item.input_audio_transcription.delta}: part of a user audio transcript. */
    record ConversationItemInputAudioTranscriptionDelta(
            String eventId, String itemId, Integer contentIndex, String delta, List<Transcription.LogProb> logprobs)
            implements ServerEvent {
    }

    /** {@code conversation.item.input_audio_transcription.completed}: the transcript of a user audio item. */
    record ConversationItemInputAudioTranscriptionCompleted(
            String eventId,
            String itemId,
            int contentIndex,
            String transcript,
            List<Transcription.LogProb> logprobs,
            List<Transcription.Language> languages,
            Transcription.Usage usage) implements ServerEvent {
    }

    /** {@code conversation.item.input_audio_transcription.failed}: the transcription failed. */
    record ConversationItemInputAudioTranscriptionFailed(String eventId, String itemId, int contentIndex, RealtimeError error)
            implements ServerEvent {
    }

    /**
     * {@code conversation.item.input_audio_transcription.segment} (GA): a diarized transcript segment.
     *
     * @param eventId event id
     * @param itemId the user item
     * @param contentIndex content part index
     * @param text segment text
     * @param id segment id
     * @param speaker speaker label
     * @param start segment start, seconds
     * @param end segment end, seconds
     */
    record ConversationItemInputAudioTranscriptionSegment(
            String eventId, String itemId, int contentIndex, String text, String id, String speaker, double start, double end)
            implements ServerEvent {
    }

    /** {@code input_audio_buffer.committed}: the input buffer became the user item {@code itemId}. */
    record InputAudioBufferCommitted(String eventId, String previousItemId, String itemId) implements ServerEvent {
    }

    /** {@code input_audio_buffer.cleared}: the input buffer was emptied. */
    record InputAudioBufferCleared(String eventId) implements ServerEvent {
    }

    /**
     * {@code input_audio_buffer.speech_started}: VAD heard speech.
     *
     * @param eventId event id
     * @param audioStartMs start of speech on the session's input-audio timeline, ms (includes prefix padding)
     * @param itemId the user item the speech will become
     */
    record InputAudioBufferSpeechStarted(String eventId, int audioStartMs, String itemId) implements ServerEvent {
    }

    /**
     * {@code input_audio_buffer.speech_stopped}: VAD heard the end of speech.
     *
     * @param eventId event id
     * @param audioEndMs end of speech on the input-audio timeline, ms (includes the silence duration)
     * @param itemId the user item
     */
    record InputAudioBufferSpeechStopped(String eventId, int audioEndMs, String itemId) implements ServerEvent {
    }

    /** {@code input_audio_buffer.timeout_triggered} (GA): the idle timeout fired; times in ms. */
    record InputAudioBufferTimeoutTriggered(String eventId, int audioStartMs, int audioEndMs, String itemId)
            implements ServerEvent {
    }

    /**
     * {@code input_audio_buffer.dtmf_event_received} (GA, SIP): a keypad press.
     *
     * @param eventId event id, usually absent
     * @param event the key
     * @param receivedAt Unix time in seconds
     */
    record InputAudioBufferDtmfEventReceived(String eventId, String event, long receivedAt) implements ServerEvent {
    }

    /** {@code output_audio_buffer.started} (WebRTC/SIP): the server began playing a response. */
    record OutputAudioBufferStarted(String eventId, String responseId) implements ServerEvent {
    }

    /** {@code output_audio_buffer.stopped} (WebRTC/SIP): the server finished playing a response. */
    record OutputAudioBufferStopped(String eventId, String responseId) implements ServerEvent {
    }

    /** {@code output_audio_buffer.cleared} (WebRTC/SIP): the server's output audio was cleared. */
    record OutputAudioBufferCleared(String eventId, String responseId) implements ServerEvent {
    }

    /** {@code response.created}: a response started ({@code status = in_progress}). */
    record ResponseCreated(String eventId, Response response) implements ServerEvent {
    }

    /** {@code response.done}: a response ended; see its status, status details and usage. */
    record ResponseDone(String eventId, Response response) implements ServerEvent {
    }

    /** {@code response.output_item.added}: the response started an item. */
    record ResponseOutputItemAdded(String eventId, String responseId, int outputIndex, Item item) implements ServerEvent {
    }

    /** {@code response.output_item.done}: the response finished an item. */
    record ResponseOutputItemDone(String eventId, String responseId, int outputIndex, Item item) implements ServerEvent {
    }

    /**
     * {@code response.content_part.added}: an item gained a content part. The part's type is
     * {@code output_audio} or {@code output_text} in both dialects (the wire says {@code audio}/{@code text}).
     */
    record ResponseContentPartAdded(
            String eventId, String responseId, String itemId, int outputIndex, int contentIndex, ContentPart part)
            implements ServerEvent {
    }

    /** {@code response.content_part.done}: a content part is complete. */
    record ResponseContentPartDone(
            String eventId, String responseId, String itemId, int outputIndex, int contentIndex, ContentPart part)
            implements ServerEvent {
    }

    /** {@code response.output_text.delta} (preview {@code response.text.delta}): more text. */
    record ResponseOutputTextDelta(
            String eventId, String responseId, String itemId, int outputIndex, int contentIndex, String delta)
            implements ServerEvent {
    }

    /** {@code response.output_text.done} (preview {@code response.text.done}): the whole text. */
    record ResponseOutputTextDone(
            String eventId, String responseId, String itemId, int outputIndex, int contentIndex, String text)
            implements ServerEvent {
    }

    /** {@code response.output_audio_transcript.delta} (preview {@code response.audio_transcript.delta}). */
    record ResponseOutputAudioTranscriptDelta(
            String eventId, String responseId, String itemId, int outputIndex, int contentIndex, String delta)
            implements ServerEvent {
    }

    /** {@code response.output_audio_transcript.done} (preview {@code response.audio_transcript.done}). */
    record ResponseOutputAudioTranscriptDone(
            String eventId, String responseId, String itemId, int outputIndex, int contentIndex, String transcript)
            implements ServerEvent {
    }

    /**
     * {@code response.output_audio.delta} (preview {@code response.audio.delta}): more audio.
     *
     * @param eventId event id
     * @param responseId the response
     * @param itemId the assistant item
     * @param outputIndex index of the item in the response
     * @param contentIndex index of the audio part in the item
     * @param delta the audio bytes, decoded from base64, in the session's output format (PCM16 LE mono 24 kHz by default)
     */
    record ResponseOutputAudioDelta(
            String eventId, String responseId, String itemId, int outputIndex, int contentIndex, byte[] delta)
            implements ServerEvent {
        /** Requires audio. */
        public ResponseOutputAudioDelta {
            Objects.requireNonNull(delta, "delta");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ResponseOutputAudioDelta d && Objects.equals(eventId, d.eventId)
                    && Objects.equals(responseId, d.responseId) && Objects.equals(itemId, d.itemId)
                    && outputIndex == d.outputIndex && contentIndex == d.contentIndex && Arrays.equals(delta, d.delta);
        }

        @Override
        public int hashCode() {
            return Objects.hash(eventId, responseId, itemId, outputIndex, contentIndex) * 31 + Arrays.hashCode(delta);
        }

        @Override
        public String toString() {
            return "ResponseOutputAudioDelta[eventId=" + eventId + ", responseId=" + responseId + ", itemId=" + itemId
                    + ", outputIndex=" + outputIndex + ", contentIndex=" + contentIndex + ", delta=<" + delta.length + " bytes>]";
        }
    }

    /** {@code response.output_audio.done} (preview {@code response.audio.done}): the item's audio is complete. */
    record ResponseOutputAudioDone(String eventId, String responseId, String itemId, int outputIndex, int contentIndex)
            implements ServerEvent {
    }

    /** {@code response.function_call_arguments.delta}: more of a function call's JSON arguments. */
    record ResponseFunctionCallArgumentsDelta(
            String eventId, String responseId, String itemId, int outputIndex, String callId, String delta)
            implements ServerEvent {
    }

    /** {@code response.function_call_arguments.done}: a function call's complete arguments. */
    record ResponseFunctionCallArgumentsDone(
            String eventId, String responseId, String itemId, int outputIndex, String callId, String name, String arguments)
            implements ServerEvent {
    }

    /** {@code response.mcp_call_arguments.delta} (GA): more of an MCP call's arguments. */
    record ResponseMcpCallArgumentsDelta(
            String eventId, String responseId, String itemId, int outputIndex, String delta, String obfuscation)
            implements ServerEvent {
    }

    /** {@code response.mcp_call_arguments.done} (GA): an MCP call's complete arguments. */
    record ResponseMcpCallArgumentsDone(String eventId, String responseId, String itemId, int outputIndex, String arguments)
            implements ServerEvent {
    }

    /** {@code response.mcp_call.in_progress} (GA). */
    record ResponseMcpCallInProgress(String eventId, int outputIndex, String itemId) implements ServerEvent {
    }

    /** {@code response.mcp_call.completed} (GA). */
    record ResponseMcpCallCompleted(String eventId, int outputIndex, String itemId) implements ServerEvent {
    }

    /** {@code response.mcp_call.failed} (GA). */
    record ResponseMcpCallFailed(String eventId, int outputIndex, String itemId) implements ServerEvent {
    }

    /** {@code mcp_list_tools.in_progress} (GA). */
    record McpListToolsInProgress(String eventId, String itemId) implements ServerEvent {
    }

    /** {@code mcp_list_tools.completed} (GA). */
    record McpListToolsCompleted(String eventId, String itemId) implements ServerEvent {
    }

    /** {@code mcp_list_tools.failed} (GA). */
    record McpListToolsFailed(String eventId, String itemId) implements ServerEvent {
    }

    /** {@code rate_limits.updated}: current rate limits; its position among a response's events varies. */
    record RateLimitsUpdated(String eventId, List<RateLimit> rateLimits) implements ServerEvent {
    }

    /**
     * A server event of a type this library does not know; nothing is lost.
     *
     * @param eventId its event id, if any
     * @param type its wire type
     * @param json the whole event as JSON text
     */
    record Unknown(String eventId, String type, String json) implements ServerEvent {
        @Override
        public String type() {
            return type;
        }
    }
}
