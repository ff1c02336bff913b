package io.rtvoice.agent;

import io.rtvoice.event.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One agent of a voice app: its instructions, its voice, its tools, and the agents it may hand the call to. An
 * immutable value; an {@link AgentRunner} runs a set of them over one conversation. Handoffs name their target
 * (agents may hand off to each other, back and forth); each becomes a tool the model calls,
 * {@code transfer_to_<name>}.
 */
public final class Agent {

    private final String name;
    private final String instructions;
    private final String voice;
    private final String handoffDescription;
    private final List<FunctionTool> tools;
    private final List<Tool> serverTools;
    private final List<String> handoffs;

    private Agent(Builder b) {
        this.name = b.name;
        this.instructions = b.instructions;
        this.voice = b.voice;
        this.handoffDescription = b.handoffDescription;
        this.tools = List.copyOf(b.tools);
        this.serverTools = List.copyOf(b.serverTools);
        this.handoffs = List.copyOf(b.handoffs);
    }

    /**
     * A builder for the agent {@code name}: letters, digits, {@code _} and {@code -}, as tool names allow (it is
     * part of the handoff tool's name).
     */
    public static Builder builder(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_-]{1,50}")) {
            throw new IllegalArgumentException("name : '" + name + "' (expected: 1 to 50 letters, digits, _ or -)");
        }
        return new Builder(name);
    }

    /** Its name, unique among a runner's agents. */
    public String name() {
        return name;
    }

    /** What the model is told while this agent has the call, or {@code null}. */
    public String instructions() {
        return instructions;
    }

    /** Its voice ({@code alloy}, {@code marin}, …), or {@code null} to keep the session's. */
    public String voice() {
        return voice;
    }

    /** What the other agents' handoff tools tell the model about this one, or {@code null}. */
    public String handoffDescription() {
        return handoffDescription;
    }

    /** The functions it offers, run here. */
    public List<FunctionTool> tools() {
        return tools;
    }

    /** The tools the service runs for it (MCP servers: {@link Tool#mcp}), offered as they are. */
    public List<Tool> serverTools() {
        return serverTools;
    }

    /** The names of the agents it may hand the call to. */
    public List<String> handoffs() {
        return handoffs;
    }

    /** The name of the tool that hands the call to this agent. */
    public String handoffToolName() {
        return "transfer_to_" + name.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Agent[" + name + ", " + tools.size() + " tools, handoffs " + handoffs + "]";
    }

    /** Builds an {@link Agent}. */
    public static final class Builder {
        private final String name;
        private String instructions;
        private String voice;
        private String handoffDescription;
        private final List<FunctionTool> tools = new ArrayList<>();
        private final List<Tool> serverTools = new ArrayList<>();
        private final List<String> handoffs = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** What the model is told while this agent has the call. */
        public Builder instructions(String instructions) {
            this.instructions = instructions;
            return this;
        }

        /**
         * Its voice. The service keeps a conversation's voice once the model has spoken in it: a handoff after
         * that keeps the voice it has (see {@link AgentEvent.VoiceKept}).
         */
        public Builder voice(String voice) {
            this.voice = voice;
            return this;
        }

        /** What other agents' handoff tools say about this one ("Takes billing questions"). */
        public Builder handoffDescription(String description) {
            this.handoffDescription = description;
            return this;
        }

        /** A function it offers. */
        public Builder tool(FunctionTool tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /** A tool the service runs (an MCP server); its approvals go through {@link AgentRunner#approve} too. */
        public Builder tool(Tool serverTool) {
            Objects.requireNonNull(serverTool, "serverTool");
            if ("function".equals(serverTool.type())) {
                throw new IllegalArgumentException("serverTool : function " + serverTool.name()
                        + " (expected: a tool the service runs, such as mcp; a function is a FunctionTool)");
            }
            serverTools.add(serverTool);
            return this;
        }

        /** The agents, by name, it may hand the call to. */
        public Builder handoffs(String... agentNames) {
            for (String n : agentNames) {
                handoffs.add(Objects.requireNonNull(n, "agentNames[i]"));
            }
            return this;
        }

        /** The agent. */
        public Agent build() {
            return new Agent(this);
        }
    }
}
