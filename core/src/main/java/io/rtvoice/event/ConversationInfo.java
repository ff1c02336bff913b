package io.rtvoice.event;

/**
 * A conversation as announced in {@code conversation.created}.
 *
 * @param id conversation id {@code conv_…}
 * @param object {@code realtime.conversation}
 */
public record ConversationInfo(String id, String object) {
}
