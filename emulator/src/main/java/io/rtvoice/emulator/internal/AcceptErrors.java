package io.rtvoice.emulator.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * On the listening channel: an accept that fails (EMFILE, "Too many open files", when idle sockets took
 * every descriptor) is one line on standard error, and accepting pauses for a second, then goes on — the
 * server stays up and accepts again once descriptors are free. Why it must end here: Netty keeps a server
 * channel open on an {@link IOException}, but passes the error on to the pipeline's tail, whose warning,
 * through java.util.logging, formats a date and so loads the time-zone database — a file. With no
 * descriptor left that load throws an {@link Error}, which ended the event-loop thread that accepts: the
 * emulator was "up" and never accepted again (256 descriptors, 300 idle sockets;
 * {@code EmulatorOutOfDescriptorsTest}). This handler sits before Netty's acceptor, takes the error, prints
 * a plain line (no date, nothing to load) and pauses, as the acceptor would, so the loop does not spin on a
 * full descriptor table.
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
