package io.rtvoice.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.rtvoice.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ping keep-alive: a ping every {@code pingInterval}, and the channel closed once nothing at all has come
 * from the peer for {@code deadPeerTimeout}, with a {@link TransportException} fired down the pipeline
 * first so that the connection's inbound stream fails with it. A TCP connection whose peer vanished (a VM
 * gone, a NAT entry dropped) otherwise looks open for many minutes.
 *
 * <p>Any frame is a sign of life, not only a pong. The silence is measured at each ping, so a dead peer is
 * found between {@code deadPeerTimeout} and {@code deadPeerTimeout + pingInterval} after it last spoke.
 * Pongs end here: they carry nothing for the handlers after this one.
 *
 * <p>Runs on the channel's event loop only, and reads the time from the event loop's ticker, so that a test
 * on {@code EmbeddedChannel} can move it. Buffers: the pongs it takes it releases; the pings it writes the
 * encoder releases.
 */
final class KeepAliveHandler extends ChannelInboundHandlerAdapter {

    private static final byte[] PING_PAYLOAD = "rtvoice".getBytes(StandardCharsets.US_ASCII);

    private final long pingIntervalNanos;
    private final long deadPeerTimeoutNanos;
    /** When the last frame of any kind arrived, on the event loop's ticker (ns). */
    private long lastHeardNanos;
    private ScheduledFuture<?> pings;

    /**
     * @param pingInterval time between pings, {@code > 0}
     * @param deadPeerTimeout silence after which the peer is presumed dead, {@code > pingInterval}
     */
    KeepAliveHandler(Duration pingInterval, Duration deadPeerTimeout) {
        // Checked once, where the user set them: WebSocketTransportConfig.KeepAlive.
        this.pingIntervalNanos = pingInterval.toNanos();
        this.deadPeerTimeoutNanos = deadPeerTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (pings != null) {
            return;
        }
        lastHeardNanos = now(ctx);
        pings = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), pingIntervalNanos, pingIntervalNanos, TimeUnit.NANOSECONDS);
    }

    private void tick(ChannelHandlerContext ctx) {
        long silentNanos = now(ctx) - lastHeardNanos;
        if (silentNanos >= deadPeerTimeoutNanos) {
            stop();
            ctx.fireExceptionCaught(new TransportException("no frame or pong from the server for "
                    + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms (dead-peer timeout "
                    + TimeUnit.NANOSECONDS.toMillis(deadPeerTimeoutNanos) + " ms): connection presumed dead", 0, null));
            ctx.close();
        } else if (ctx.channel().isActive()) {
            // Written straight to the channel, not through the session's send stream, so a ping never waits
            // behind queued audio; Netty writes whole frames, so it cannot split a text message.
            ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(PING_PAYLOAD.clone())));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastHeardNanos = now(ctx); // pongs count: they are what keep-alive waits for
        if (msg instanceof PongWebSocketFrame pong) {
            pong.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (pings != null) {
            pings.cancel(false);
        }
    }

    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }
}
