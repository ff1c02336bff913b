package io.rtvoice.agent;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Objects;

/**
 * The conversation as the app shows it and stores it: an ordered, immutable list of entries (user and assistant
 * messages with their transcripts, tool calls and their outputs, handoffs, and where an answer was cut), kept by an
 * {@link AgentRunner} from the server's item events ({@link AgentRunner#history()}). {@link #toJson()} and
 * {@link #fromJson(String)} store it; {@link AgentRunner.Builder#restore(History)} starts a new session from it.
 *
 * @param entries oldest first
 */
public record History(List<Entry> entries) {

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** An empty history. */
    public static final History EMPTY = new History(List.of());

    /** Copies the list. */
    public History {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /** One entry; {@code "kind"} tells them apart in JSON. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = UserMessage.class, name = "user_message"),
        @JsonSubTypes.Type(value = AssistantMessage.class, name = "assistant_message"),
        @JsonSubTypes.Type(value = ToolCall.class, name = "tool_call"),
        @JsonSubTypes.Type(value = ToolOutput.class, name = "tool_output"),
        @JsonSubTypes.Type(value = Handoff.class, name = "handoff")
    })
    public sealed interface Entry {
    }

    /**
     * What the user said or typed.
     *
     * @param itemId the conversation item
     * @param text the text, or the transcript of the audio ({@code null} until transcribed, or when input
     *        transcription is off)
     * @param audio whether it was spoken
     */
    public record UserMessage(String itemId, String text, boolean audio) implements Entry {
    }

    /**
     * What the model said.
     *
     * @param itemId the conversation item
     * @param agent the agent that had the call
     * @param text the transcript of its audio, or its text
     * @param audio whether it was spoken
     * @param heardMillis where the audio was cut (barge-in, a guardrail), in ms: the user heard this much of it;
     *        {@code null} when it was not cut
     */
    public record AssistantMessage(String itemId, String agent, String text, boolean audio, Integer heardMillis)
            implements Entry {

        /** Whether the answer was cut before its end. */
        public boolean truncated() {
            return heardMillis != null;
        }
    }

    /**
     * The model called a function.
     *
     * @param itemId the conversation item
     * @param agent the agent that had the call
     * @param callId the call's id, which its output names
     * @param name the function
     * @param arguments its arguments, JSON
     */
    public record ToolCall(String itemId, String agent, String callId, String name, String arguments) implements Entry {
    }

    /**
     * A function's output, as the model got it.
     *
     * @param itemId the conversation item
     * @param callId the call it answers
     * @param output the output
     */
    public record ToolOutput(String itemId, String callId, String output) implements Entry {
    }

    /**
     * The call went from one agent to another.
     *
     * @param from the agent that handed it off
     * @param to the agent that has it from then on
     */
    public record Handoff(String from, String to) implements Entry {
    }

    /** The agent that had the call last: the target of the last handoff, or {@code null} if there was none. */
    public String lastAgent() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i) instanceof Handoff h) {
                return h.to();
            }
        }
        return null;
    }

    /** This history as JSON: {@code {"entries":[{"kind":"user_message",…},…]}}. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a history cannot be written as JSON", e);
        }
    }

    /**
     * A history {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException if {@code json} is not one (the message says where)
     */
    public static History fromJson(String json) {
        Objects.requireNonNull(json, "json");
        try {
            History history = JSON.readValue(json, History.class);
            if (history == null) {
                throw new IllegalArgumentException("not a history: null");
            }
            return history;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a history: " + e.getOriginalMessage(), e);
        }
    }
}
