package io.rtvoice.agent;

import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Keeps the {@link History} from the server's item events, in the order items first appear, and publishes a
 * snapshot on each change. Thread-safe: events and handoffs may come from different threads.
 */
final class HistoryRecorder {

    private final Map<String, History.Entry> entries = new LinkedHashMap<>();
    private final Sinks.Many<History> snapshots = Sinks.many().replay().latest();
    private int handoffs;

    HistoryRecorder(History restored) {
        for (History.Entry e : restored.entries()) {
            entries.put(key(e), e);
        }
        snapshots.tryEmitNext(restored);
    }

    Flux<History> snapshots() {
        return snapshots.asFlux();
    }

    synchronized History current() {
        return new History(new ArrayList<>(entries.values()));
    }

    synchronized void handoff(String from, String to) {
        History.Handoff h = new History.Handoff(from, to);
        entries.put(key(h), h);
        publish();
    }

    synchronized void complete() {
        snapshots.tryEmitComplete();
    }

    /** Learns from {@code event}; {@code agent} is who has the call. Never throws for an incomplete event. */
    synchronized void on(ServerEvent event, String agent) {
        boolean changed;
        if (event instanceof ServerEvent.ConversationItemAdded e) {
            changed = upsert(e.item(), agent);
        } else if (event instanceof ServerEvent.ConversationItemCreated e) {
            changed = upsert(e.item(), agent);
        } else if (event instanceof ServerEvent.ConversationItemDone e) {
            changed = upsert(e.item(), agent);
        } else if (event instanceof ServerEvent.ResponseOutputItemAdded e) {
            changed = upsert(e.item(), agent);
        } else if (event instanceof ServerEvent.ResponseOutputItemDone e) {
            changed = upsert(e.item(), agent);
        } else if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDelta e) {
            changed = appendAssistant(e.itemId(), e.delta(), true, agent);
        } else if (event instanceof ServerEvent.ResponseOutputTextDelta e) {
            changed = appendAssistant(e.itemId(), e.delta(), false, agent);
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted e) {
            changed = e.itemId() != null && entries.get(e.itemId()) instanceof History.UserMessage u
                    && entries.put(u.itemId(), new History.UserMessage(u.itemId(), e.transcript(), u.audio())) != null;
        } else if (event instanceof ServerEvent.ConversationItemTruncated e) {
            changed = e.itemId() != null && entries.get(e.itemId()) instanceof History.AssistantMessage a
                    && entries.put(a.itemId(), new History.AssistantMessage(a.itemId(), a.agent(), a.text(), a.audio(),
                            e.audioEndMs())) != null;
        } else if (event instanceof ServerEvent.ConversationItemDeleted e) {
            changed = e.itemId() != null && entries.remove(e.itemId()) != null;
        } else {
            changed = false;
        }
        if (changed) {
            publish();
        }
    }

    private void publish() {
        snapshots.tryEmitNext(new History(new ArrayList<>(entries.values())));
    }

    /** Adds or completes the entry of {@code item}; what an earlier event said is kept when this one says less. */
    private boolean upsert(Item item, String agent) {
        if (item == null || item.id() == null || item.type() == null) {
            return false;
        }
        History.Entry before = entries.get(item.id());
        History.Entry after = switch (item.type()) {
            case "message" -> message(item, before, agent);
            case "function_call" -> new History.ToolCall(item.id(),
                    before instanceof History.ToolCall c ? c.agent() : agent, item.callId(), item.name(),
                    item.arguments() != null && !item.arguments().isEmpty() ? item.arguments()
                            : before instanceof History.ToolCall c ? c.arguments() : item.arguments());
            case "function_call_output" -> new History.ToolOutput(item.id(), item.callId(), item.output());
            default -> null; // MCP items live on the service's side: not replayable, not shown
        };
        if (after == null || after.equals(before)) {
            return false;
        }
        entries.put(item.id(), after);
        return true;
    }

    private static History.Entry message(Item item, History.Entry before, String agent) {
        String text = null;
        boolean audio = false;
        if (item.content() != null) {
            StringBuilder all = new StringBuilder();
            for (ContentPart part : item.content()) {
                audio |= part.audioPart();
                String t = part.audioPart() ? part.transcript() : part.text();
                if (t != null) {
                    all.append(t);
                }
            }
            text = all.length() > 0 ? all.toString() : null;
        }
        if ("user".equals(item.role())) {
            String known = before instanceof History.UserMessage u ? u.text() : null;
            return new History.UserMessage(item.id(), text != null ? text : known, audio
                    || before instanceof History.UserMessage u && u.audio());
        }
        if ("assistant".equals(item.role())) {
            History.AssistantMessage a = before instanceof History.AssistantMessage m ? m : null;
            // Truncation empties the server's transcript; the history keeps what was said, with where it was cut.
            return new History.AssistantMessage(item.id(), a != null ? a.agent() : agent,
                    text != null ? text : a != null ? a.text() : null, audio || a != null && a.audio(),
                    a != null ? a.heardMillis() : null);
        }
        return null; // system messages are the app's own instructions
    }

    private boolean appendAssistant(String itemId, String delta, boolean audio, String agent) {
        if (itemId == null || delta == null || delta.isEmpty()) {
            return false;
        }
        History.AssistantMessage a = entries.get(itemId) instanceof History.AssistantMessage m ? m : null;
        entries.put(itemId, new History.AssistantMessage(itemId, a != null ? a.agent() : agent,
                (a != null && a.text() != null ? a.text() : "") + delta, audio || a != null && a.audio(),
                a != null ? a.heardMillis() : null));
        return true;
    }

    private String key(History.Entry e) {
        if (e instanceof History.UserMessage m) {
            return m.itemId();
        } else if (e instanceof History.AssistantMessage m) {
            return m.itemId();
        } else if (e instanceof History.ToolCall c) {
            return c.itemId();
        } else if (e instanceof History.ToolOutput o) {
            return o.itemId();
        }
        return "handoff " + ++handoffs;
    }

    /**
     * The items a new session is given to go on from {@code history}, in order, as the service accepts them back:
     * text, with audio as its transcript. Left out: an answer that was cut (the user did not hear all of it, and the
     * model must not believe they did), messages with no text, a call without its output and an output without its
     * call (the service expects them in pairs), and handoffs (the runner starts with the last agent instead).
     */
    static List<Item> replayable(History history) {
        java.util.Set<String> calls = new java.util.HashSet<>();
        java.util.Set<String> outputs = new java.util.HashSet<>();
        for (History.Entry e : history.entries()) {
            if (e instanceof History.ToolCall c && c.callId() != null) {
                calls.add(c.callId());
            } else if (e instanceof History.ToolOutput o && o.callId() != null) {
                outputs.add(o.callId());
            }
        }
        List<Item> items = new ArrayList<>();
        for (History.Entry e : history.entries()) {
            if (e instanceof History.UserMessage m && m.text() != null && !m.text().isEmpty()) {
                items.add(Item.message("user", List.of(ContentPart.inputText(m.text()))).withId(m.itemId()));
            } else if (e instanceof History.AssistantMessage m && !m.truncated() && m.text() != null && !m.text().isEmpty()) {
                items.add(Item.message("assistant", List.of(ContentPart.outputText(m.text()))).withId(m.itemId()));
            } else if (e instanceof History.ToolCall c && outputs.contains(c.callId())) {
                items.add(new Item(c.itemId(), "function_call", null, null, null, null, c.callId(), c.name(),
                        c.arguments() == null ? "{}" : c.arguments(), null, null, null, null, null, null, null));
            } else if (e instanceof History.ToolOutput o && calls.contains(o.callId())) {
                items.add(Item.functionCallOutput(o.callId(), o.output() == null ? "" : o.output()).withId(o.itemId()));
            }
        }
        return items;
    }
}
