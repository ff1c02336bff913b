package io.rtvoice.event;

import io.rtvoice.internal.codec.EventTypes;
import java.util.Arrays;
import java.util.Objects;

/**
 * An event the client sends to the service. One record per event type, named after the GA protocol;
 * the codec writes each in the connection's dialect. Every event has an optional {@code eventId}
 * (the service echoes it in {@code error.event_id}).
 */
public sealed interface ClientEvent {

    /** The client-chosen event id, or {@code null}. */
    String eventId();

    /** The GA wire name of this event's type, e.g. {@code input_audio_buffer.append}. */
    default String type() {
        return EventTypes.clientTypeName(this);
    }

    /** {@code session.update}: change the session configuration; answered by {@code session.updated}. */
    record SessionUpdate(String eventId, SessionConfig session) implements ClientEvent {
        /** Requires a session. */
        public SessionUpdate {
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * {@code input_audio_buffer.append}: add audio to the input buffer (no reply).
     *
     * @param eventId event id or {@code null}
     * @param audio audio bytes in the session's input format (PCM16 LE mono 24 kHz by default); not
     *     copied: the caller must not change the array until the event is encoded
     */
    record InputAudioBufferAppend(String eventId, byte[] audio) implements ClientEvent {
        /** Requires audio. */
        public InputAudioBufferAppend {
            Objects.requireNonNull(audio, "audio");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InputAudioBufferAppend a && Objects.equals(eventId, a.eventId) && Arrays.equals(audio, a.audio);
        }

        @Override
        public int hashCode() {
            return Objects.hash(eventId) * 31 + Arrays.hashCode(audio);
        }

        @Override
        public String toString() {
            return "InputAudioBufferAppend[eventId=" + eventId + ", audio=<" + audio.length + " bytes>]";
        }
    }

    /** {@code input_audio_buffer.commit}: turn the buffered audio into a user item (at least 100 ms). */
    record InputAudioBufferCommit(String eventId) implements ClientEvent {
    }

    /** {@code input_audio_buffer.clear}: drop the buffered audio. */
    record InputAudioBufferClear(String eventId) implements ClientEvent {
    }

    /** {@code output_audio_buffer.clear}: stop the model's audio (WebRTC/SIP connections only). */
    record OutputAudioBufferClear(String eventId) implements ClientEvent {
    }

    /**
     * {@code conversation.item.create}: add an item to the conversation.
     *
     * @param eventId event id or {@code null}
     * @param previousItemId insert after this item ({@code root} for the start); {@code null} appends
     * @param item the item
     */
    record ConversationItemCreate(String eventId, String previousItemId, Item item) implements ClientEvent {
        /** Requires an item. */
        public ConversationItemCreate {
            Objects.requireNonNull(item, "item");
        }
    }

    /** {@code conversation.item.retrieve}: ask for an item, including its audio. */
    record ConversationItemRetrieve(String eventId, String itemId) implements ClientEvent {
    }

    /**
     * {@code conversation.item.truncate}: cut an assistant audio item at what the user heard.
     *
     * @param eventId event id or {@code null}
     * @param itemId the assistant item
     * @param contentIndex the audio content part, 0
     * @param audioEndMs audio played, in ms; must not exceed the item's audio
     */
    record ConversationItemTruncate(String eventId, String itemId, int contentIndex, int audioEndMs) implements ClientEvent {
    }

    /** {@code conversation.item.delete}: remove an item. */
    record ConversationItemDelete(String eventId, String itemId) implements ClientEvent {
    }

    /** {@code response.create}: ask the model for a response; {@code response} may be {@code null}. */
    record ResponseCreate(String eventId, ResponseParams response) implements ClientEvent {
    }

    /** {@code response.cancel}: cancel the response in progress, or {@code responseId} if given. */
    record ResponseCancel(String eventId, String responseId) implements ClientEvent {
    }

    /** {@code transcription_session.update} (preview): configure a transcription-only session. */
    record TranscriptionSessionUpdate(String eventId, SessionConfig session) implements ClientEvent {
    }

    /**
     * A client event of a type this library does not know, sent or received verbatim.
     *
     * @param eventId its event id, if any
     * @param type its wire type
     * @param json the whole event as JSON text
     */
    record Unknown(String eventId, String type, String json) implements ClientEvent {
        @Override
        public String type() {
            return type;
        }
    }
}
