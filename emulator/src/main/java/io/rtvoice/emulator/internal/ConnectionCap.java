package io.rtvoice.emulator.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds the emulator to {@code maxConnections} open TCP connections, upgraded or not: one more is closed
 * as soon as it is accepted, before it costs a handshake or a session (a slowloris of idle sockets must not
 * take every file descriptor). The first handler of every connection; one instance shared by all.
 */
@ChannelHandler.Sharable
public final class ConnectionCap extends ChannelInboundHandlerAdapter {

    private final int maxConnections;
    private final EmulatorStats stats;
    private final boolean log;
    private final AtomicInteger open = new AtomicInteger();

    /** A cap of {@code maxConnections} open connections, counted in {@code stats}. */
    public ConnectionCap(int maxConnections, EmulatorStats stats, boolean log) {
        this.maxConnections = maxConnections;
        this.stats = stats;
        this.log = log;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > maxConnections) {
            stats.refused.incrementAndGet();
            if (log) {
                System.out.println("[rtvoice-emulator] refused a connection: " + maxConnections + " open (maxConnections)");
            }
            ctx.close(); // channelInactive follows and counts it out
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }
}
