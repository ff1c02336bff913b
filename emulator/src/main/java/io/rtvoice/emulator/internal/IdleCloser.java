package io.rtvoice.emulator.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Ends an upgraded connection whose client has sent nothing (no frame, not even a ping) for the idle
 * timeout, with close 1001 "idle timeout": it follows an {@link io.netty.handler.timeout.IdleStateHandler}
 * that watches reads only, so a client listening to a long answer while it pings stays.
 */
final class IdleCloser extends ChannelInboundHandlerAdapter {

    private final boolean log;

    IdleCloser(boolean log) {
        this.log = log;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (log) {
                System.out.println("[rtvoice-emulator] closed an idle connection: -> close 1001 \"idle timeout\"");
            }
            ctx.writeAndFlush(new CloseWebSocketFrame(1001, "idle timeout")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }
}
