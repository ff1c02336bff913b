package io.rtvoice.calls;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A verified webhook event. For {@code realtime.call.incoming} ({@link #incomingCall()}), {@link #callId()} is the
 * call to accept, reject or refer, and {@link #sipHeaders()} the headers of the SIP {@code INVITE} (untrusted
 * metadata: {@code From}, {@code To}, {@code Call-ID}, …). Other event types keep their {@code data} in
 * {@link #json()} only.
 *
 * @param id the event's id, {@code evt_…} (its {@code webhook-id} header may differ: that one is the delivery's)
 * @param type the event type, e.g. {@code realtime.call.incoming}
 * @param createdAt when the event happened, in Unix seconds
 * @param callId {@code data.call_id}, or {@code null} when the event has none
 * @param sipHeaders {@code data.sip_headers} in their order, repeated names kept; empty when the event has none
 * @param json the whole body as it was signed (UTF-8)
 */
public record WebhookEvent(String id, String type, long createdAt, String callId, List<SipHeader> sipHeaders, String json) {

    /** The type of the event OpenAI sends when a SIP call arrives at the project's number. */
    public static final String CALL_INCOMING = "realtime.call.incoming";

    /** One header of the SIP {@code INVITE}. */
    public record SipHeader(String name, String value) {
        /** Requires both. */
        public SipHeader {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Requires id, type and json; copies the headers. */
    public WebhookEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
        sipHeaders = List.copyOf(sipHeaders);
    }

    /** Whether this is {@code realtime.call.incoming}, with a call id. */
    public boolean incomingCall() {
        return CALL_INCOMING.equals(type) && callId != null;
    }

    /** The first value of the SIP header {@code name} (in any case), or {@code null}. */
    public String sipHeader(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (SipHeader h : sipHeaders) {
            if (h.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return h.value();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "WebhookEvent[" + type + " " + id + (callId != null ? ", call " + callId : "") + ", " + sipHeaders.size() + " SIP headers]";
    }
}
