package io.rtvoice.emulator;

import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import java.util.List;

/** What the user said in an item: its text parts and audio transcripts, as the responders read it. */
final class UserWords {

    private UserWords() {
    }

    /** The words of a user message (text, or transcripts of its audio), or {@code null} for any other item or none. */
    static String of(Item item) {
        if (!"message".equals(item.type()) || !"user".equals(item.role()) || item.content() == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (ContentPart part : item.content()) {
            String t = "input_text".equals(part.type()) ? part.text() : part.transcript();
            if (t != null && !t.isBlank()) {
                text.append(text.length() > 0 ? " " : "").append(t.strip());
            }
        }
        return text.length() > 0 ? text.toString() : null;
    }

    /** The words of the newest user message that has any, or {@code null}. */
    static String latest(List<Item> conversation) {
        for (int i = conversation.size() - 1; i >= 0; i--) {
            String text = of(conversation.get(i));
            if (text != null) {
                return text;
            }
        }
        return null;
    }
}
