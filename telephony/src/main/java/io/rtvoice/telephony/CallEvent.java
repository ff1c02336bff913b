package io.rtvoice.telephony;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * What happens to a call, as it happens; every event names its call: by SIP Call-ID ({@link SipGateway}), by Twilio's
 * {@code callSid} or by ACS's {@code subscriptionId} ({@link MediaStreamServer}).
 */
public sealed interface CallEvent {

    /** The SIP Call-ID. */
    String callId();

    /** A call arrived and was accepted by the policy: 180 Ringing was sent. */
    record Ringing(String callId, IncomingCall call) implements CallEvent {
    }

    /**
     * A call was refused before it rang: by the policy, the call limit, an offer without G.711, or no RTP port free.
     * It is that call's last event. A call that rang ends with {@link HungUp} instead, and only with it, whatever
     * its caller was answered (487 after a CANCEL, 503 when its Realtime session could not start, 480 at shutdown).
     */
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

    /**
     * A carrier's media stream started and its Realtime session is ready: audio flows both ways.
     *
     * @param carrier {@code twilio} or {@code acs}
     * @param streamId Twilio's {@code streamSid}, or ACS's {@code subscriptionId}
     * @param encoding the stream's audio: {@code audio/x-mulaw} (Twilio) or {@code PCM} (ACS)
     * @param sampleRate the stream's rate, in Hz: 8000 (Twilio), 16000 or 24000 (ACS)
     * @param parameters the stream's custom parameters (TwiML {@code <Parameter>}); empty for ACS
     */
    record StreamStarted(String callId, String carrier, String streamId, String encoding, int sampleRate,
            Map<String, String> parameters) implements CallEvent {

        /** Copies the parameters. */
        public StreamStarted {
            parameters = Map.copyOf(parameters);
        }
    }

    /** The caller pressed a key (RFC 4733 telephone-event, or SIP INFO): {@code 0}–{@code 9}, {@code *}, {@code #}, {@code A}–{@code D}. */
    record Dtmf(String callId, char digit) implements CallEvent {
    }

    /**
     * The caller spoke during an answer: the gateway stopped sending it and truncated it at what it had sent.
     *
     * @param itemId the interrupted assistant item
     * @param sentMillis what {@code audio_end_ms} was set to: the answer's audio sent as RTP (SIP), acknowledged played
     *                   by the carrier's marks (Twilio), or sent in real time (ACS)
     * @param toSilence from {@code speech_started} to the last packet of the answer (its fade included); for a media
     *                  stream, to the carrier's clear ({@code clear}, {@code StopAudio}) being sent
     */
    record BargeIn(String callId, String itemId, long sentMillis, Duration toSilence) implements CallEvent {
    }

    /**
     * The call ended: the last event of every call that rang (never preceded by {@link Rejected}).
     *
     * @param by who ended it: {@code caller} (BYE or CANCEL; a media stream's stop or closed socket), {@code gateway} ({@link SipGateway#hangUp}, shutdown, an
     *           unacknowledged answer) or {@code service} (the Realtime session ended or could not start)
     * @param reason why, in a few words
     */
    record HungUp(String callId, String by, String reason, CallMetrics metrics) implements CallEvent {
    }
}
