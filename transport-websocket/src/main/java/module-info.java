/** The WebSocket transport on reactor-netty: found by {@code ServiceLoader}, or passed to a client's builder. */
module io.rtvoice.transport.websocket {
    requires transitive io.rtvoice.core;
    requires reactor.netty.core;
    requires reactor.netty.http;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;

    exports io.rtvoice.transport.websocket;

    provides io.rtvoice.transport.TransportProvider with io.rtvoice.transport.websocket.WebSocketTransportProvider;
}
