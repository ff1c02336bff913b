package io.rtvoice.telephony;

/**
 * Decides each incoming call, from its From, To and headers. Called on the gateway's network thread: it must
 * not block (look up what it needs beforehand, or answer and decide in the session).
 */
@FunctionalInterface
public interface CallPolicy {

    /** Answers every call with the gateway's session. */
    CallPolicy ANSWER_ALL = call -> CallDecision.answer();

    /** What to do with {@code call}. */
    CallDecision decide(IncomingCall call);
}
