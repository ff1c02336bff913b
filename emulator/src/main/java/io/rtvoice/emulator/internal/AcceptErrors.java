package io.rtvoice.emulator.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * On the listening channel: an accept that fails (EMFILE, "Too many open files", when idle sockets took
 * every descriptor) is logged, and accepting pauses for a second, then goes on — the server stays up and
 * accepts again once descriptors are free. Netty keeps a server channel open on an {@link IOException};
 * this handler, before its acceptor, takes the error there, so it ends here rather than as a warning from
 * the pipeline's tail, and the pause keeps the event loop from spinning on a full descriptor table.
 */
@ChannelHandler.Sharable
public final class AcceptErrors extends ChannelInboundHandlerAdapter {

    /** How long accepting pauses after a failed accept, in ms. */
    static final long PAUSE_MILLIS = 1000;

    private final EmulatorStats stats;

    /** Counts accept errors in {@code stats}. */
    public AcceptErrors(EmulatorStats stats) {
        this.stats = stats;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.acceptErrors.incrementAndGet();
        // Always printed, log or not: a server that cannot accept is news to its operator.
        System.err.println("[rtvoice-emulator] accept failed (" + cause + "); accepting again in " + PAUSE_MILLIS + " ms");
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
