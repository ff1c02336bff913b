package io.rtvoice.emulator.internal;

import io.rtvoice.event.SessionConfig;

/**
 * One incoming SIP call, as the service keeps it: ringing until the application accepts or rejects it, then live
 * until someone ends it (the application's {@code hangup} or {@code refer}, or the caller). The caller's audio and
 * keys are the {@link SyntheticCaller}'s. Thread-safe: the calls API answers on any event loop, the sideband
 * session lives on its connection's.
 */
final class EmulatedCall {

    enum State { RINGING, ACCEPTED, ENDED }

    private final String id;
    /** The caller's voice, mono PCM16 at {@link #rateHz}. */
    private final short[] voice;
    private final int rateHz;
    /** The keys the caller presses after speaking, in order (DTMF: 0-9, *, #, A-D). */
    private final String dtmf;
    private final CallRegistry registry;

    private State state = State.RINGING;
    private SessionConfig accepted;
    private EmulatedSession sideband;

    EmulatedCall(String id, short[] voice, int rateHz, String dtmf, CallRegistry registry) {
        this.id = id;
        this.voice = voice;
        this.rateHz = rateHz;
        this.dtmf = dtmf;
        this.registry = registry;
    }

    String id() {
        return id;
    }

    short[] voice() {
        return voice;
    }

    int rateHz() {
        return rateHz;
    }

    String dtmf() {
        return dtmf;
    }

    synchronized State state() {
        return state;
    }

    synchronized SessionConfig accepted() {
        return accepted;
    }

    /** Ringing → accepted with {@code session}; {@code false} if it was not ringing. */
    synchronized boolean accept(SessionConfig session) {
        if (state != State.RINGING) {
            return false;
        }
        state = State.ACCEPTED;
        accepted = session;
        return true;
    }

    /**
     * Attaches the sideband connection's session; {@code false} when the call is not accepted or already has one
     * (the emulator runs one session per call, on its one sideband connection).
     */
    synchronized boolean attach(EmulatedSession session) {
        if (state != State.ACCEPTED || sideband != null) {
            return false;
        }
        sideband = session;
        return true;
    }

    /** The sideband connection closed: the call goes on, and a new sideband connection may attach. */
    synchronized void detach(EmulatedSession session) {
        if (sideband == session) {
            sideband = null;
        }
    }

    /**
     * Ends the call (the application hung up or referred it, rejected it while it rang, or the caller hung up);
     * the sideband connection is closed with {@code reason}. {@code false} if it had already ended.
     */
    boolean end(String reason) {
        EmulatedSession session;
        synchronized (this) {
            if (state == State.ENDED) {
                return false;
            }
            state = State.ENDED;
            session = sideband;
            sideband = null;
        }
        registry.forget(this);
        if (session != null) {
            session.out().executor().execute(() -> session.callEnded(reason));
        }
        return true;
    }
}
