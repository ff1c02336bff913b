package io.rtvoice.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The inbound end of a connection: each text frame's payload is lent to the {@link TransportConnection.Receiver}
 * in wire order, as a view of Netty's buffer, which is released when the receiver returns. Frames that come
 * before the receiver is attached (between the upgrade and the session's start) are copied and kept for it.
 * The receiver is told the connection completed when the channel closes, or failed with a
 * {@link TransportException} when it broke: the exception that came down the pipeline when it is one
 * (keep-alive's dead-peer verdict), else one that wraps it. A broken channel is closed.
 *
 * <p>Buffers: every WebSocket frame that reaches this handler ends here; binary frames (the Realtime API sends
 * none) are released unread. Anything else goes on.
 *
 * <p>Runs on the channel's event loop, the receiver too; {@link #receive} may be called from any thread, once.
 */
final class TextFrameHandler extends ChannelInboundHandlerAdapter {

    private final AtomicBoolean receiving = new AtomicBoolean();
    // Event loop only.
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private TransportConnection.Receiver receiver;
    private boolean ended;
    private Throwable failure;

    /** Lends the text frames to {@code receiver} from now on, after any that came first; once. */
    void receive(TransportConnection.Receiver receiver) {
        if (!receiving.compareAndSet(false, true)) {
            throw new IllegalStateException("the connection's frames are already being received");
        }
        if (ctx.executor().inEventLoop()) {
            attach(receiver);
            return;
        }
        try {
            ctx.executor().execute(() -> attach(receiver));
        } catch (java.util.concurrent.RejectedExecutionException loopGone) {
            receiver.failed(new TransportException("connection broken: its event loop has shut down", 0, loopGone));
        }
    }

    /** The text frames as copies, for {@link TransportConnection#inbound()}; subscribe once. */
    Flux<byte[]> frames() {
        Sinks.Many<byte[]> frames = Sinks.many().unicast().onBackpressureBuffer();
        receive(new TransportConnection.Receiver() {
            @Override
            public void frame(ByteBuffer utf8) {
                byte[] copy = new byte[utf8.remaining()];
                utf8.get(copy);
                frames.tryEmitNext(copy);
            }

            @Override
            public void completed() {
                frames.tryEmitComplete();
            }

            @Override
            public void failed(Throwable error) {
                frames.tryEmitError(error);
            }
        });
        return frames.asFlux();
    }

    private void attach(TransportConnection.Receiver receiver) {
        this.receiver = receiver; // first: a receiver that throws on an early frame must still hear how the connection ends
        try {
            for (byte[] frame; (frame = early.poll()) != null; ) {
                receiver.frame(ByteBuffer.wrap(frame));
            }
        } catch (RuntimeException e) {
            exceptionCaught(ctx, e); // as a frame that throws in channelRead would: the connection breaks, the receiver is told
            return;
        }
        if (ended) {
            signalEnd();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // reactor-netty reads only as its own inbound stream asks, and nothing asks now that the frames end
        // here; frames wait only until the receiver is attached, so let the channel read on its own.
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (frame instanceof TextWebSocketFrame && !ended) {
                ByteBuf content = frame.content();
                if (receiver == null) {
                    early.add(ByteBufUtil.getBytes(content));
                } else {
                    receiver.frame(lent(content));
                }
            }
        } finally {
            frame.release();
        }
    }

    /**
     * A view of {@code content}'s readable bytes: the buffer's own cached view when it is one piece (a pooled
     * buffer keeps it across reuse, so lending allocates nothing), a joined copy when it is several.
     */
    private static ByteBuffer lent(ByteBuf content) {
        return content.nioBufferCount() == 1 ? content.internalNioBuffer(content.readerIndex(), content.readableBytes())
                : content.nioBuffer();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end(cause instanceof TransportException verdict ? verdict
                : new TransportException("connection broken: " + cause, 0, cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(null); // a no-op after an error
        ctx.fireChannelInactive();
    }

    private void end(Throwable error) {
        if (ended) {
            return;
        }
        ended = true;
        failure = error;
        if (receiver != null) {
            signalEnd();
        }
    }

    private void signalEnd() {
        if (failure != null) {
            receiver.failed(failure);
        } else {
            receiver.completed();
        }
    }
}
