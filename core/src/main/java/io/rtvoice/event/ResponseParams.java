package io.rtvoice.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Parameters of {@code response.create}, GA shape. Every field is optional; absent fields take the
 * session's values.
 *
 * @param outputModalities {@code ["audio"]} or {@code ["text"]}
 * @param instructions instructions for this response
 * @param audio output audio settings ({@code audio.output.format}, {@code audio.output.voice})
 * @param tools tools for this response
 * @param toolChoice tool choice for this response
 * @param parallelToolCalls parallel tool calls (GA)
 * @param reasoning reasoning settings (GA)
 * @param maxOutputTokens maximum output tokens
 * @param conversation {@code auto} (default conversation) or {@code none} (out of band)
 * @param metadata up to 16 key/value pairs echoed in the response
 * @param prompt a stored prompt reference, as JSON (GA)
 * @param input the items to use as context instead of the conversation ({@code []} clears it)
 * @param temperature sampling temperature (preview only: an error in GA)
 */
public record ResponseParams(
        List<String> outputModalities,
        String instructions,
        AudioConfig audio,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        Reasoning reasoning,
        TokenLimit maxOutputTokens,
        String conversation,
        Map<String, String> metadata,
        JsonNode prompt,
        List<Item> input,
        Double temperature) {

    /** A copy with {@code metadata} instead of this one's. */
    public ResponseParams withMetadata(Map<String, String> metadata) {
        return new ResponseParams(outputModalities, instructions, audio, tools, toolChoice, parallelToolCalls, reasoning,
                maxOutputTokens, conversation, metadata, prompt, input, temperature);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ResponseParams}. */
    public static final class Builder {
        private List<String> outputModalities;
        private String instructions;
        private AudioConfig audio;
        private List<Tool> tools;
        private ToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private Reasoning reasoning;
        private TokenLimit maxOutputTokens;
        private String conversation;
        private Map<String, String> metadata;
        private JsonNode prompt;
        private List<Item> input;
        private Double temperature;

        private Builder() {
        }

        /** Output modalities: {@code "audio"} or {@code "text"}. */
        public Builder outputModalities(String... modalities) { this.outputModalities = List.of(modalities); return this; }
        /** Instructions for this response. */
        public Builder instructions(String instructions) { this.instructions = instructions; return this; }
        /** Output audio settings. */
        public Builder audio(AudioConfig audio) { this.audio = audio; return this; }
        /** Output voice by name. */
        public Builder voice(String voice) {
            AudioConfig.Output o = audio != null && audio.output() != null ? audio.output() : new AudioConfig.Output(null, null, null);
            this.audio = new AudioConfig(null, new AudioConfig.Output(o.format(), Voice.named(voice), o.speed()));
            return this;
        }
        /** Tools for this response. */
        public Builder tools(List<Tool> tools) { this.tools = tools; return this; }
        /** Tool choice. */
        public Builder toolChoice(ToolChoice toolChoice) { this.toolChoice = toolChoice; return this; }
        /** Parallel tool calls (GA). */
        public Builder parallelToolCalls(Boolean parallelToolCalls) { this.parallelToolCalls = parallelToolCalls; return this; }
        /** Reasoning settings (GA). */
        public Builder reasoning(Reasoning reasoning) { this.reasoning = reasoning; return this; }
        /** Maximum output tokens. */
        public Builder maxOutputTokens(TokenLimit maxOutputTokens) { this.maxOutputTokens = maxOutputTokens; return this; }
        /** {@code auto} or {@code none}. */
        public Builder conversation(String conversation) { this.conversation = conversation; return this; }
        /** Metadata echoed in the response. */
        public Builder metadata(Map<String, String> metadata) { this.metadata = metadata; return this; }
        /** Stored prompt reference (GA). */
        public Builder prompt(JsonNode prompt) { this.prompt = prompt; return this; }
        /** Context items instead of the conversation. */
        public Builder input(List<Item> input) { this.input = input; return this; }
        /** Sampling temperature (preview only). */
        public Builder temperature(Double temperature) { this.temperature = temperature; return this; }

        /** The parameters. */
        public ResponseParams build() {
            return new ResponseParams(outputModalities, instructions, audio, tools, toolChoice, parallelToolCalls, reasoning,
                    maxOutputTokens, conversation, metadata, prompt, input, temperature);
        }
    }
}
