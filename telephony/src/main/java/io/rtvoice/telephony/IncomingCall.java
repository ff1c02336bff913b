package io.rtvoice.telephony;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A call as it arrives (the INVITE): what a {@link CallPolicy} decides by.
 *
 * @param callId the SIP Call-ID
 * @param from the From header (the caller, with its tag)
 * @param to the To header (whom it called)
 * @param requestUri the INVITE's Request-URI
 * @param headers every header of the INVITE, by canonical name, in order
 * @param source where the INVITE came from
 * @param codec the G.711 law the call will use: {@code PCMU} or {@code PCMA}
 */
public record IncomingCall(String callId, String from, String to, String requestUri, Map<String, List<String>> headers,
        InetSocketAddress source, String codec) {

    /** Copies the headers. */
    public IncomingCall {
        headers = Map.copyOf(headers);
    }
}
