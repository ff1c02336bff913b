package io.rtvoice.transport.websocket;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;

/**
 * Answers each of the peer's pings with a pong that carries the same payload (RFC 6455 §5.5.3), with or
 * without our own keep-alive; the pings end here. A server that pings to keep its side of the connection
 * alive would otherwise, unanswered, close it.
 *
 * <p>Buffers: a ping's payload becomes its pong's, which the encoder releases once written (or Netty, if
 * the channel is closed by then).
 */
@Sharable
final class PingReplyHandler extends ChannelInboundHandlerAdapter {

    /** Holds no state, so one serves every connection. */
    static final PingReplyHandler INSTANCE = new PingReplyHandler();

    private PingReplyHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
