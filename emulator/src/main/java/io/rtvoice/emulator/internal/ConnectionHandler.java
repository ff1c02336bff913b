package io.rtvoice.emulator.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Carries one upgraded connection's frames to and from its {@link EmulatedSession}. */
final class ConnectionHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements Outbound {

    private final EmulatorStats stats;
    private final long maxPendingWriteBytes;
    private final boolean log;
    private final EmulatedSessionFactory factory;
    private final int pingEveryMillis;
    private ChannelHandlerContext ctx;
    private EmulatedSession session;
    private boolean closeSent;
    private ScheduledFuture<?> pinger;
    /** The payload of the ping not yet answered, 0 when none is. */
    private long unansweredPing;
    private long pingsSent;

    /** Makes the session once the channel is known. */
    @FunctionalInterface
    interface EmulatedSessionFactory {
        EmulatedSession create(Outbound out);
    }

    ConnectionHandler(EmulatorStats stats, long maxPendingWriteBytes, boolean log, int pingEveryMillis, EmulatedSessionFactory factory) {
        this.stats = stats;
        this.maxPendingWriteBytes = maxPendingWriteBytes;
        this.log = log;
        this.pingEveryMillis = pingEveryMillis;
        this.factory = factory;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.session = factory.create(this);
        session.start();
        if (pingEveryMillis > 0) {
            pinger = ctx.executor().scheduleAtFixedRate(this::ping, pingEveryMillis, pingEveryMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The {@code ping_every_ms} fault, as servers that enforce ping/pong behave (Python {@code websockets}
     * with {@code ping_interval} = {@code ping_timeout}): a ping not answered by the next tick ends the connection.
     */
    private void ping() {
        if (closeSent || !ctx.channel().isActive() || session.stalled()) {
            return;
        }
        if (unansweredPing != 0) {
            stats.pingTimeouts.incrementAndGet();
            if (log) {
                System.out.println("[rtvoice-emulator] " + session.tagName() + " closed: ping " + unansweredPing + " not answered within "
                        + pingEveryMillis + " ms");
            }
            close(1011, "keepalive ping timeout");
            return;
        }
        unansweredPing = ++pingsSent;
        ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copyLong(unansweredPing)));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            session.onFrame(ByteBufUtil.getBytes(text.content()));
        } else if (frame instanceof PingWebSocketFrame ping) {
            stats.pings.incrementAndGet();
            if (!session.stalled()) { // a stalled server is silent, pongs included
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            }
        } else if (frame instanceof PongWebSocketFrame pong) {
            if (pong.content().readableBytes() == Long.BYTES && pong.content().getLong(pong.content().readerIndex()) == unansweredPing) {
                unansweredPing = 0;
                stats.pongs.incrementAndGet();
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            session.logClose("<-", close.statusCode(), close.reasonText());
            if (!closeSent) {
                closeSent = true;
                // RFC 6455 §5.5.1: the reply carries the client's code; a close without a code (statusCode -1) gets
                // one without a code, never a made-up one (-1 written as a short is 65535, invalid on the wire).
                CloseWebSocketFrame reply = close.statusCode() < 0 ? new CloseWebSocketFrame()
                        : new CloseWebSocketFrame(close.statusCode(), close.reasonText());
                session.logClose("->", reply.statusCode(), reply.reasonText());
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        } else if (frame instanceof BinaryWebSocketFrame) {
            session.binaryFrame();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pinger != null) {
            pinger.cancel(false);
        }
        session.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void send(byte[] utf8) {
        if (ctx.channel().isActive() && !closeSent) {
            ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)));
            checkPending();
        }
    }

    @Override
    public void send(Outbound.Frame frame) {
        if (ctx.channel().isActive() && !closeSent) {
            int length = frame.length();
            ByteBuf buf = ctx.alloc().ioBuffer(length, length);
            try {
                frame.writeTo(buf);
            } catch (RuntimeException e) {
                buf.release();
                throw e;
            }
            ctx.writeAndFlush(new TextWebSocketFrame(buf));
            checkPending();
        }
    }

    /**
     * A client that does not read its answers is dropped once they pile up past the limit: reads stop at
     * the high water mark ({@link ReadsFollowWritability}), but the requests read before that, a timer's
     * audio and a retrieve's item still write. Without the limit, one such client grew the emulator from
     * 623 MB to 2.1 GB off-heap. The close frame is written for form: behind the pile, it is not read.
     */
    private void checkPending() {
        ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        long pending = outbound == null ? 0 : outbound.totalPendingWriteBytes();
        stats.pendingWriteBytes(pending);
        if (pending > maxPendingWriteBytes) {
            stats.slowReadersClosed.incrementAndGet();
            if (log) {
                System.out.println("[rtvoice-emulator] closed a client that does not read: " + pending + " bytes pending (maxPendingWriteBytes "
                        + maxPendingWriteBytes + ")");
            }
            closeSent = true;
            session.logClose("->", 1008, "client does not read");
            ctx.writeAndFlush(new CloseWebSocketFrame(1008, "client does not read"));
            ctx.close(); // discards (and releases) what is pending
        }
    }

    @Override
    public void close(int code, String reason) {
        if (!closeSent && ctx.channel().isActive()) {
            closeSent = true;
            session.logClose("->", code, reason);
            ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
            // The peer answers with its close frame; a peer that does not is cut off after 5 s.
            ctx.executor().schedule(() -> ctx.close(), 5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Override
    public void abort() {
        // The TCP connection ends with no WebSocket close frame, after what was already written
        // (a reset would also discard the events sent just before the fault).
        closeSent = true;
        session.log("-> TCP closed without a close frame (fault)");
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void abortMidFrame(byte[] utf8) {
        // The frame is written by hand, as the encoder would (FIN, text, unmasked), so that its header can
        // promise bytes that never come; the encoder passes a plain buffer through.
        ByteBuf head = ctx.alloc().buffer(10 + utf8.length / 2);
        head.writeByte(0x81);
        if (utf8.length < 126) {
            head.writeByte(utf8.length);
        } else if (utf8.length < 65_536) {
            head.writeByte(126).writeShort(utf8.length);
        } else {
            head.writeByte(127).writeLong(utf8.length);
        }
        head.writeBytes(utf8, 0, utf8.length / 2);
        closeSent = true;
        ctx.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public ScheduledExecutorService executor() {
        return ctx.executor();
    }
}
