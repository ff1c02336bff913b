package io.rtvoice.emulator.internal;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.Responder;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's conversation: its items in order, the duration of each user audio item and the audio of
 * each assistant item as far as it was sent; {@code conversation.item.*} create, retrieve, delete and
 * truncate with the service's rules. Not thread-safe: it runs on the connection's event loop.
 */
final class ConversationItems {

    private final EmulatedSession session;
    private final List<Item> items = new ArrayList<>();
    /** Duration in ms of each committed user audio item. */
    private final Map<String, Integer> inputAudioMs = new HashMap<>();
    /** PCM (or G.711) the model produced per assistant item, as far as it was sent. */
    private final Map<String, byte[]> assistantAudio = new HashMap<>();
    private boolean assistantAudioPresent;

    ConversationItems(EmulatedSession session) {
        this.session = session;
    }

    void create(ClientEvent.ConversationItemCreate create) {
        Item item = create.item();
        if (item.type() == null) {
            session.error(create.eventId(), "invalid_request_error", "missing_required_parameter",
                    "Missing required parameter: 'item.type'.", "item.type");
            return;
        }
        if ("message".equals(item.type()) && (item.content() == null || item.content().isEmpty())) {
            session.error(create.eventId(), "invalid_request_error", "missing_required_parameter",
                    "Missing required parameter: 'item.content'.", "item.content");
            return;
        }
        if (item.id() != null && find(item.id()) != null) {
            session.error(create.eventId(), "invalid_request_error", "item_already_exists",
                    "Item with id '" + item.id() + "' already exists.", "item.id");
            return;
        }
        int at = items.size();
        String previous = lastItemId();
        if (create.previousItemId() != null) {
            if ("root".equals(create.previousItemId())) {
                at = 0;
                previous = null;
            } else {
                Item after = find(create.previousItemId());
                if (after == null) {
                    itemNotFound(create.eventId(), create.previousItemId());
                    return;
                }
                at = items.indexOf(after) + 1;
                previous = after.id();
            }
        }
        Item stored = new Item(item.id() != null ? item.id() : session.nextId("item"), item.type(), objectName(), "completed",
                item.role(), item.content(), item.callId(), item.name(), item.arguments(), item.output(), item.serverLabel(),
                item.tools(), item.approvalRequestId(), item.approve(), item.reason(), item.error());
        items.add(at, stored);
        announce(previous, stored, true);
    }

    void retrieve(ClientEvent.ConversationItemRetrieve retrieve) {
        Item item = find(retrieve.itemId());
        if (item == null) {
            itemNotFound(retrieve.eventId(), retrieve.itemId());
        } else {
            session.emit(new ServerEvent.ConversationItemRetrieved(session.nextEventId(), withAudio(item)));
        }
    }

    void delete(ClientEvent.ConversationItemDelete delete) {
        Item item = find(delete.itemId());
        if (item == null) {
            itemNotFound(delete.eventId(), delete.itemId());
        } else {
            items.remove(item);
            session.emit(new ServerEvent.ConversationItemDeleted(session.nextEventId(), delete.itemId()));
        }
    }

    void truncate(ClientEvent.ConversationItemTruncate t) {
        Item item = find(t.itemId());
        if (item == null) {
            itemNotFound(t.eventId(), t.itemId());
            return;
        }
        if (!"message".equals(item.type()) || !"assistant".equals(item.role()) || !assistantAudio.containsKey(item.id())) {
            session.error(t.eventId(), "invalid_request_error", "invalid_value", "Only model output audio messages can be truncated",
                    "item_id");
            return;
        }
        if (t.audioEndMs() < 0) {
            session.error(t.eventId(), "invalid_request_error", "integer_below_min_value", "Invalid 'audio_end_ms': integer below "
                    + "minimum value. Expected a value >= 0, but got " + t.audioEndMs() + " instead.", "audio_end_ms");
            return;
        }
        byte[] audio = assistantAudio.get(item.id());
        int bytesPerMs = EmulatedSession.bytesPerMs(session.config().audio().output().format().type());
        int audioMs = audio.length / bytesPerMs;
        if (t.audioEndMs() > audioMs) {
            session.error(t.eventId(), "invalid_request_error", null,
                    "Audio content of " + audioMs + "ms is already shorter than " + t.audioEndMs() + "ms", "audio_end_ms");
            return;
        }
        assistantAudio.put(item.id(), Arrays.copyOf(audio, t.audioEndMs() * bytesPerMs));
        // Truncation deletes the server-side transcript.
        replace(item.withContent(List.of(new ContentPart("output_audio", null, null, "", null, null, null))));
        session.emit(new ServerEvent.ConversationItemTruncated(session.nextEventId(), item.id(), t.contentIndex(), t.audioEndMs()));
    }

    /** Announces a new item: preview says {@code conversation.item.created}; GA {@code .added} (and {@code .done}). */
    void announce(String previous, Item item, boolean complete) {
        if (session.dialect() == Dialect.PREVIEW) {
            session.emit(new ServerEvent.ConversationItemCreated(session.nextEventId(), previous, item));
        } else {
            session.emit(new ServerEvent.ConversationItemAdded(session.nextEventId(), previous, item));
            if (complete) {
                session.emit(new ServerEvent.ConversationItemDone(session.nextEventId(), previous, item));
            }
        }
    }

    /** Appends the user audio item a commit makes, {@code ms} long; announcing it is the caller's. */
    Item addInputAudio(String itemId, int ms) {
        Item item = new Item(itemId, "message", objectName(), "completed", "user",
                List.of(new ContentPart("input_audio", null, null, null, null, null, null)),
                null, null, null, null, null, null, null, null, null, null);
        items.add(item);
        inputAudioMs.put(itemId, ms);
        return item;
    }

    /** Appends an item a response makes. */
    void add(Item item) {
        items.add(item);
    }

    /** Replaces the item with the same id, if there still is one. */
    void replace(Item item) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).id().equals(item.id())) {
                items.set(i, item);
                return;
            }
        }
    }

    /** The audio an assistant item said, as far as it was sent (a cancelled response's is cut short). */
    void assistantAudio(String itemId, byte[] audio) {
        assistantAudio.put(itemId, audio);
        if (audio.length > 0) {
            assistantAudioPresent = true;
        }
    }

    /** Whether the model has spoken in this conversation: its voice is then fixed. */
    boolean assistantAudioPresent() {
        return assistantAudioPresent;
    }

    String lastItemId() {
        return items.isEmpty() ? null : items.get(items.size() - 1).id();
    }

    /**
     * What the responder is shown: a copy of the conversation as it stands, or {@code input} when
     * {@code response.create} gave its own context ({@code []}: none), its {@code item_reference}s
     * resolved against the conversation.
     */
    Responder.Turn turn(SessionConfig config, List<Item> input) {
        if (input == null) {
            return new Responder.Turn(List.copyOf(items), Map.copyOf(inputAudioMs), config);
        }
        List<Item> context = new ArrayList<>();
        for (Item item : input) {
            Item resolved = "item_reference".equals(item.type()) ? find(item.id()) : item;
            if (resolved != null) {
                context.add(resolved);
            }
        }
        return new Responder.Turn(List.copyOf(context), Map.copyOf(inputAudioMs), config);
    }

    private Item withAudio(Item item) {
        byte[] audio = assistantAudio.get(item.id());
        if (audio == null || item.content() == null || item.content().isEmpty()) {
            return item;
        }
        ContentPart part = item.content().get(0);
        String base64 = Base64.getEncoder().encodeToString(audio);
        return item.withContent(List.of(new ContentPart(part.type(), part.text(), base64, part.transcript(), null, null, null)));
    }

    private Item find(String id) {
        for (Item item : items) {
            if (item.id().equals(id)) {
                return item;
            }
        }
        return null;
    }

    private void itemNotFound(String eventId, String itemId) {
        session.error(eventId, "invalid_request_error", "item_not_found", "Item with item_id not found: " + itemId, "item_id");
    }

    private String objectName() {
        return session.dialect() == Dialect.PREVIEW ? "realtime.item" : null;
    }
}
