package io.rtvoice.emulator.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that has not completed its WebSocket upgrade (TLS included) within the handshake
 * timeout: a slowloris that sends nothing, or its request a byte at a time, holds a socket only that long.
 * {@link HandshakeHandler} removes it once the upgrade is done.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter {

    private final long timeoutMillis;
    private final boolean log;
    private ScheduledFuture<?> deadline;

    HandshakeDeadline(long timeoutMillis, boolean log) {
        this.timeoutMillis = timeoutMillis;
        this.log = log;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            if (log) {
                System.out.println("[rtvoice-emulator] closed a connection with no upgrade after " + timeoutMillis + " ms");
            }
            ctx.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
