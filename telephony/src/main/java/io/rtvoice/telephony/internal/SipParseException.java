package io.rtvoice.telephony.internal;

/** A datagram that is not a SIP message this gateway can use; the message says why (the 400's reason). */
public final class SipParseException extends RuntimeException {

    private final transient SipMessage partial;

    public SipParseException(String message) {
        this(message, null);
    }

    /** {@code partial}: what was read of it, enough to answer 400 (its Via, From, To, Call-ID and CSeq), or null. */
    public SipParseException(String message, SipMessage partial) {
        super(message, null, false, false);
        this.partial = partial;
    }

    public SipMessage partial() {
        return partial;
    }
}
