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
    // reactor-netty is an automatic module: what it loads at run time must be resolved by someone, and on
    // the module path nothing else asks for these (the resolver it uses for host names, the HTTP proxy, and the HTTP/2 and compression
    // codecs its HTTP client's configuration refers to).
    requires io.netty.resolver.dns;
    requires io.netty.handler.proxy;
    requires io.netty.codec.http2;
    requires io.netty.codec.compression;

    exports io.rtvoice.transport.websocket;

    provides io.rtvoice.transport.TransportProvider with io.rtvoice.transport.websocket.WebSocketTransportProvider;
}
