package io.rtvoice.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a stored history gives a new session, and how the history follows the server's item events. */
class AgentHistoryReplayTest {

    @Test
    void aNewSessionGetsTextAndPairedCallsButNotWhatWasCutOrHasNoText() {
        History history = new History(List.of(
                new History.UserMessage("item_1", "Hello", true),
                new History.AssistantMessage("item_2", "a", "Hi, how can I help?", true, null),
                new History.UserMessage("item_3", null, true),                        // speech never transcribed
                new History.AssistantMessage("item_4", "a", "The secret is", true, 640), // cut: not all heard
                new History.ToolCall("item_5", "a", "call_1", "transfer_to_b", "{}"),
                new History.Handoff("a", "b"),
                new History.ToolOutput("item_6", "call_1", "{\"assistant\":\"b\"}"),
                new History.ToolCall("item_7", "b", "call_2", "lookup", "{\"q\":\"x\"}")));  // no output yet

        List<Item> items = HistoryRecorder.replayable(history);

        assertThat(items).extracting(Item::id, Item::type, Item::role).containsExactly(
                org.assertj.core.api.Assertions.tuple("item_1", "message", "user"),
                org.assertj.core.api.Assertions.tuple("item_2", "message", "assistant"),
                org.assertj.core.api.Assertions.tuple("item_5", "function_call", null),
                org.assertj.core.api.Assertions.tuple("item_6", "function_call_output", null));
        assertThat(items.get(0).content()).containsExactly(ContentPart.inputText("Hello"));
        assertThat(items.get(1).content()).containsExactly(ContentPart.outputText("Hi, how can I help?"));
        assertThat(items.get(2).callId()).isEqualTo("call_1");
        assertThat(items.get(3).output()).isEqualTo("{\"assistant\":\"b\"}");
    }

    @Test
    void aCutAnswerKeepsItsTextWithWhereItWasCutAndADeletedOneGoes() {
        HistoryRecorder recorder = new HistoryRecorder(History.EMPTY);
        Item speaking = new Item("item_9", "message", null, "in_progress", "assistant",
                List.of(new ContentPart("output_audio", null, null, null, null, null, null)), null, null, null, null, null,
                null, null, null, null, null);
        recorder.on(new ServerEvent.ResponseOutputItemAdded(null, "resp_1", 0, speaking), "a");
        recorder.on(new ServerEvent.ResponseOutputAudioTranscriptDelta(null, "resp_1", "item_9", 0, 0, "The secret"), "a");
        recorder.on(new ServerEvent.ResponseOutputAudioTranscriptDelta(null, "resp_1", "item_9", 0, 0, " is"), "a");
        recorder.on(new ServerEvent.ConversationItemTruncated(null, "item_9", 0, 640), "a");
        // The service empties the transcript of a truncated item: the history keeps what was said.
        recorder.on(new ServerEvent.ResponseOutputItemDone(null, "resp_1", 0, speaking.withContent(
                List.of(new ContentPart("output_audio", null, null, "", null, null, null)))), "a");

        assertThat(recorder.current().entries()).containsExactly(
                new History.AssistantMessage("item_9", "a", "The secret is", true, 640));

        recorder.on(new ServerEvent.ConversationItemDeleted(null, "item_9"), "a");
        assertThat(recorder.current().entries()).isEmpty();
    }
}
