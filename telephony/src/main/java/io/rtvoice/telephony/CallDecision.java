package io.rtvoice.telephony;

import io.rtvoice.event.SessionConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * What to do with an {@link IncomingCall}: answer it (with a session configuration of its own, after ringing for a
 * while) or refuse it with a SIP status.
 *
 * @param answers whether to answer
 * @param status the refusal's SIP status (4xx–6xx); 200 when answering
 * @param reason the refusal's reason phrase
 * @param session the session for this call (null: the gateway's); its audio formats are set to the call's G.711 law
 * @param ringFor how long to ring (180 Ringing) before answering; zero answers as soon as the session is ready
 */
public record CallDecision(boolean answers, int status, String reason, SessionConfig session, Duration ringFor) {

    /** Checks the status and the ringing time. */
    public CallDecision {
        Objects.requireNonNull(ringFor, "ringFor");
        if (answers ? status != 200 : status < 400 || status > 699) {
            throw new IllegalArgumentException("status " + status + (answers ? " (an answer is 200)" : " (a refusal is 400..699)"));
        }
        if (ringFor.isNegative() || ringFor.compareTo(Duration.ofMinutes(3)) > 0) {
            throw new IllegalArgumentException("ringFor " + ringFor + " (expected 0..3 min)");
        }
    }

    /** Answer with the gateway's session configuration. */
    public static CallDecision answer() {
        return new CallDecision(true, 200, "OK", null, Duration.ZERO);
    }

    /** Answer with this call's own session configuration (instructions, voice, tools …). */
    public static CallDecision answer(SessionConfig session) {
        return new CallDecision(true, 200, "OK", Objects.requireNonNull(session, "session"), Duration.ZERO);
    }

    /** Refuse: e.g. {@code reject(403, "Forbidden")}, {@code reject(486, "Busy Here")}. */
    public static CallDecision reject(int status, String reason) {
        return new CallDecision(false, status, Objects.requireNonNull(reason, "reason"), null, Duration.ZERO);
    }

    /** This decision, ringing for {@code ringing} first (answers only). */
    public CallDecision afterRinging(Duration ringing) {
        return new CallDecision(answers, status, reason, session, ringing);
    }
}
