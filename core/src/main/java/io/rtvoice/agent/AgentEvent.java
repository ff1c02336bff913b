package io.rtvoice.agent;

/**
 * What an {@link AgentRunner} did, for an app to log or show: a sealed interface of records, so a {@code switch} over
 * them is checked by the compiler. Every event names the agent that had the call.
 */
public sealed interface AgentEvent {

    /** The agent that had the call when it happened. */
    String agent();

    /** {@code agent} has the call: its instructions, tools and (if it could change) voice are the session's. */
    record AgentStarted(String agent) implements AgentEvent {
    }

    /** {@code agent} no longer has the call (it handed it off, or the runner ended). */
    record AgentEnded(String agent) implements AgentEvent {
    }

    /** The call went from {@code agent} to {@code to}, in the same session, without reconnecting. */
    record Handoff(String agent, String to) implements AgentEvent {
    }

    /**
     * {@code agent} asked for voice {@code wanted}, but the session keeps {@code kept}: the service does not change a
     * conversation's voice once the model has spoken in it. The handoff went on with the old voice.
     */
    record VoiceKept(String agent, String kept, String wanted) implements AgentEvent {
    }

    /** The model called {@code tool}; {@code arguments} is its JSON. */
    record ToolStarted(String agent, String callId, String tool, String arguments) implements AgentEvent {
    }

    /** The call ended; {@code output} went back to the model (an {@code {"error":…}} when it failed or was not approved). */
    record ToolEnded(String agent, String callId, String tool, String output) implements AgentEvent {
    }

    /**
     * A call waits for the app: answer with {@link AgentRunner#approve(String)} or {@link AgentRunner#reject(String,
     * String)} before {@link AgentRunner.Builder#approvalTimeout}. {@code id} is the call's {@code call_id} for a
     * function, the {@code mcp_approval_request} item's id for an MCP tool ({@code tool} is then
     * {@code server_label/tool_name}).
     */
    record ApprovalRequested(String agent, String id, String tool, String arguments) implements AgentEvent {
    }

    /** The decision on an approval: {@code approved}, or not and why ({@code reason}: the app's, or the timeout). */
    record ApprovalDecided(String agent, String id, boolean approved, String reason) implements AgentEvent {
    }

    /**
     * {@code guardrail} tripped on the answer {@code itemId}, whose text so far was {@code transcript}: the answer was
     * cut where the user stopped hearing it. The app may answer: {@link AgentRunner#say(String)} says a fixed sentence.
     */
    record GuardrailTripped(String agent, String guardrail, String itemId, String transcript) implements AgentEvent {
    }

    /** Something the runner could not do ({@code message} says what); the call goes on. */
    record Error(String agent, String message) implements AgentEvent {
    }
}
