/**
 * The WebSocket transport on reactor-netty: {@link io.rtvoice.transport.websocket.WebSocketTransport} (keep-alive,
 * proxy, TLS engine and trust are its options), found by {@code ServiceLoader} through
 * {@link io.rtvoice.transport.websocket.WebSocketTransportProvider}.
 */
package io.rtvoice.transport.websocket;
