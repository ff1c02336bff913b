package io.rtvoice.transport.websocket;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The inbound end of a connection: each text frame's payload, copied out as UTF-8 bytes, goes to
 * {@link #frames()} (the {@link TransportConnection#inbound()} stream) in wire order. The stream completes
 * when the channel closes and fails with a {@link TransportException} when it breaks; the exception that
 * came down the pipeline when it is one (keep-alive's dead-peer verdict), else one that wraps it. A broken
 * channel is closed.
 *
 * <p>Buffers: every WebSocket frame that reaches this handler ends here, released once its bytes are
 * copied; binary frames (the Realtime API sends none) are released unread. Anything else goes on.
 *
 * <p>Runs on the channel's event loop; {@link #frames()} may be subscribed from any thread, once.
 */
final class TextFrameHandler extends ChannelInboundHandlerAdapter {

    private final Sinks.Many<byte[]> frames = Sinks.many().unicast().onBackpressureBuffer();

    /** The text frames' payloads in wire order; subscribe once. */
    Flux<byte[]> frames() {
        return frames.asFlux();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // reactor-netty reads only as its own inbound stream asks, and nothing asks now that the frames end
        // here; this handler buffers without bound, so let the channel read on its own.
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (frame instanceof TextWebSocketFrame) {
                frames.tryEmitNext(ByteBufUtil.getBytes(frame.content()));
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        frames.tryEmitError(cause instanceof TransportException verdict ? verdict
                : new TransportException("connection broken: " + cause, 0, cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        frames.tryEmitComplete(); // a no-op after an error
        ctx.fireChannelInactive();
    }
}
