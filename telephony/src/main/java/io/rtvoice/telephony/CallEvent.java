package io.rtvoice.telephony;

import java.net.InetSocketAddress;
import java.time.Duration;

/** What happens to a call, as it happens; every event names its call by Call-ID. */
public sealed interface CallEvent {

    /** The SIP Call-ID. */
    String callId();

    /** A call arrived and was accepted by the policy: 180 Ringing was sent. */
    record Ringing(String callId, IncomingCall call) implements CallEvent {
    }

    /** A call was refused: by the policy, the call limit, or an offer without G.711. */
    record Rejected(String callId, int status, String reason) implements CallEvent {
    }

    /**
     * The caller acknowledged the answer (ACK): audio flows both ways.
     *
     * @param codec {@code PCMU} or {@code PCMA}
     * @param rtp where the gateway receives the call's RTP
     */
    record Answered(String callId, String codec, InetSocketAddress rtp) implements CallEvent {
    }

    /** The caller pressed a key (RFC 4733 telephone-event, or SIP INFO): {@code 0}–{@code 9}, {@code *}, {@code #}, {@code A}–{@code D}. */
    record Dtmf(String callId, char digit) implements CallEvent {
    }

    /**
     * The caller spoke during an answer: the gateway stopped sending it and truncated it at what it had sent.
     *
     * @param itemId the interrupted assistant item
     * @param sentMillis the answer's audio sent as RTP, what {@code audio_end_ms} was set to
     * @param toSilence from {@code speech_started} to the last packet of the answer (its fade included)
     */
    record BargeIn(String callId, String itemId, long sentMillis, Duration toSilence) implements CallEvent {
    }

    /**
     * The call ended.
     *
     * @param by who ended it: {@code caller} (BYE or CANCEL), {@code gateway} ({@link SipGateway#hangUp}, shutdown, an
     *           unacknowledged answer) or {@code service} (the Realtime session ended or could not start)
     * @param reason why, in a few words
     */
    record HungUp(String callId, String by, String reason, CallMetrics metrics) implements CallEvent {
    }
}
