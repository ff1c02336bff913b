/**
 * Voice agents over a {@link io.rtvoice.conversation.Conversation}: {@link io.rtvoice.agent.Agent}s with their own
 * instructions, voice and tools, handoffs between them in the same call, {@link io.rtvoice.agent.Guardrail}s on what
 * the model says, approval before a sensitive tool runs, and a {@link io.rtvoice.agent.History} the app can show,
 * store and start again from. {@link io.rtvoice.agent.AgentRunner} runs them; {@link io.rtvoice.agent.AgentEvent}
 * says what it did.
 */
package io.rtvoice.agent;
