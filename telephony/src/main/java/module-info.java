/**
 * The telephony end of rtvoice: a SIP/RTP gateway that answers calls, and a server for carriers' media streams
 * (Twilio, Azure Communication Services), each call bridged to a Realtime session.
 * {@code io.rtvoice.telephony.internal} is not exported.
 */
module io.rtvoice.telephony {
    requires transitive io.rtvoice.core;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.codec.http;
    requires reactor.netty.core;
    requires reactor.netty.http;
    requires com.fasterxml.jackson.databind;

    exports io.rtvoice.telephony;
}
