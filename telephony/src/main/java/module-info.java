/**
 * The telephony end of rtvoice: a SIP/RTP gateway that answers calls and bridges them to Realtime sessions.
 * {@code io.rtvoice.telephony.internal} is not exported.
 */
module io.rtvoice.telephony {
    requires transitive io.rtvoice.core;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;

    exports io.rtvoice.telephony;
}
