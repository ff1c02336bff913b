package io.rtvoice.transport.websocket;

import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import reactor.netty.Connection;

/**
 * The names and the order of the handlers this transport adds to an upgraded connection, written down once.
 * reactor-netty's handlers stay where it put them; ours go after the WebSocket codec (so they see frames,
 * not bytes) and before reactor-netty's bridge to its reactive streams:
 *
 * <pre>
 *                         socket
 *                           │ ▲
 *   reactor.left.sslHandler │ │                        (wss:// only)
 *   ws-decoder, ws-encoder  │ │                        (Netty's, added by the handshake)
 *                           ▼ │
 *   rtvoice.keepAlive        any frame: the peer lives; pongs end here       ──► our pings
 *                                                      (absent after withoutKeepAlive())
 *   rtvoice.pingReply        the peer's pings end here                       ──► pongs
 *   rtvoice.closeHandshake   the peer's close frame ends here; sets the close status
 *                                                                             ◄─► close frames
 *   rtvoice.frameAggregator  fragments joined into one frame of up to maxFrameBytes
 *   rtvoice.textFrames       text frames → TransportConnection.inbound(); every frame ends here
 *                           │ ▲
 *   reactor.right.reactiveBridge                       (reactor-netty's; TransportConnection.send()
 *                                                       writes enter the pipeline here)
 * </pre>
 *
 * Why this order: keep-alive is first, so that every frame counts as a sign of life, a fragment of a long
 * message included; the close handshake sets the close status before {@code channelInactive} reaches the
 * text frames, whose stream completing tells the session to read that status.
 */
final class WebSocketPipeline {

    /**
     * Before the upgrade, for the handshake only: the response's reason phrase with the request's
     * credentials redacted (see {@link StatusRedactionHandler}).
     */
    static final String STATUS_REDACTION = "rtvoice.statusRedaction";
    static final String KEEP_ALIVE = "rtvoice.keepAlive";
    static final String PING_REPLY = "rtvoice.pingReply";
    static final String CLOSE_HANDSHAKE = "rtvoice.closeHandshake";
    static final String FRAME_AGGREGATOR = "rtvoice.frameAggregator";
    static final String TEXT_FRAMES = "rtvoice.textFrames";

    private WebSocketPipeline() {
    }

    /**
     * Adds our handlers to {@code connection}, in the drawn order, on its event loop (as reactor-netty's
     * {@code handle} callback runs).
     *
     * @param keepAlive the keep-alive settings, or {@code null} for none
     * @param maxFrameBytes the largest message, in bytes, the fragments of one may add up to
     */
    static void install(Connection connection, WebSocketTransportConfig.KeepAlive keepAlive,
            CloseHandshakeHandler closeHandshake, int maxFrameBytes, TextFrameHandler textFrames) {
        // addHandlerLast: after the codec, before reactor-netty's bridge (addHandlerFirst would go before the
        // ws-decoder, where only bytes pass), each after the one added before it.
        if (keepAlive != null) {
            connection.addHandlerLast(KEEP_ALIVE, new KeepAliveHandler(keepAlive.pingInterval(), keepAlive.deadPeerTimeout()));
        }
        connection.addHandlerLast(PING_REPLY, PingReplyHandler.INSTANCE);
        connection.addHandlerLast(CLOSE_HANDSHAKE, closeHandshake);
        connection.addHandlerLast(FRAME_AGGREGATOR, new WebSocketFrameAggregator(maxFrameBytes));
        connection.addHandlerLast(TEXT_FRAMES, textFrames);
    }
}
