package io.rtvoice.transport.websocket;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The closing handshake of RFC 6455 §7, begun by either side, and the record of how the connection ended.
 *
 * <pre>
 *  we close first:    our close frame written ──► peer's close frame ──► TCP closed
 *                                  └─ no answer within closeTimeout ──► TCP closed
 *  peer closes first: peer's close frame ──► answered with its code and reason ──► TCP closed
 *  neither:           channel broken or closed ──► 1006
 * </pre>
 *
 * <p>The connection's {@link #closeStatus() status} is the first close frame, ours or the peer's; 1005 for a
 * close frame without a code; 1006 when the channel ended without one (with the {@link TransportException}'s
 * message as reason when one came down the pipeline first, such as keep-alive's dead-peer verdict). It is set
 * before {@code channelInactive} goes on to the handlers after this one, so a reader told there that the
 * connection ended finds the status already there.
 *
 * <p>Only one close frame goes out per connection (RFC 6455 §5.5.1): later ones are released unwritten
 * and their writes succeed. A close frame with a code that may not be sent fails its write with
 * {@link IllegalArgumentException}; one written to a closed channel fails as any write there does, and
 * changes no status.
 *
 * <p>Runs on the channel's event loop; {@link #closeStatus()} may be read from any thread. Buffers: the
 * peer's close frame is released here; the close frames written are released by the encoder.
 */
final class CloseHandshakeHandler extends ChannelDuplexHandler {

    /** A close frame without a status code (RFC 6455 §7.4.1: 1005, never sent). */
    private static final int NO_STATUS_CODE = 1005;

    private final long closeTimeoutNanos;
    private final Sinks.One<CloseStatus> closeStatus = Sinks.one();
    /** Our close frame is on its way: the peer's answering close then ends the connection. */
    private boolean closeSent;
    /** The peer's close frame came first and was answered. */
    private boolean closeReceived;

    /** @param closeTimeout how long, after our close frame, to wait for the peer's before closing TCP anyway */
    CloseHandshakeHandler(Duration closeTimeout) {
        this.closeTimeoutNanos = closeTimeout.toNanos();
    }

    /** How the connection ended: emits once it has, and then to every later subscriber at once. */
    Mono<CloseStatus> closeStatus() {
        return closeStatus.asMono();
    }

    /** Whether {@code code} may be sent in a close frame: 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4). */
    static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** The error for a close code that {@link #isSendable(int) may not be sent}. */
    static IllegalArgumentException unsendable(int code) {
        return new IllegalArgumentException("code : " + code + " (expected: 1000..1003, 1007..1014 or 3000..4999)");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof CloseWebSocketFrame peer)) {
            ctx.fireChannelRead(msg);
            return;
        }
        int code = peer.statusCode();
        String reason = peer.reasonText();
        peer.release();
        if (closeSent) {
            ctx.close(); // the handshake is complete: our close, then theirs; now TCP
            return;
        }
        if (closeReceived) {
            return; // a second close frame breaks RFC 6455 §5.5.1; ours is already on its way
        }
        closeReceived = true;
        closeStatus.tryEmitValue(code < 0 ? new CloseStatus(NO_STATUS_CODE, "") : new CloseStatus(code, reason));
        // The usual answer echoes the peer's code (RFC 6455 §5.5.1). The decoder lets no unsendable code
        // through; should one come anyway, the answer carries none rather than a code that may not be sent.
        CloseWebSocketFrame answer = isSendable(code) ? new CloseWebSocketFrame(code, reason) : new CloseWebSocketFrame();
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof CloseWebSocketFrame ours)) {
            ctx.write(msg, promise);
            return;
        }
        if (closeSent || closeReceived) {
            ours.release();
            promise.setSuccess();
            return;
        }
        if (!ctx.channel().isActive()) {
            // Too late for a handshake, and not how the connection ended: reactor-netty writes an empty close
            // when it tidies up a closed channel. Netty fails the write and releases the frame.
            ctx.write(msg, promise);
            return;
        }
        int code = ours.statusCode();
        if (code >= 0 && !isSendable(code)) {
            ours.release();
            promise.setFailure(unsendable(code));
            return;
        }
        closeSent = true;
        // Ours is the first close frame, so it is the connection's status.
        closeStatus.tryEmitValue(code < 0 ? new CloseStatus(NO_STATUS_CODE, "") : new CloseStatus(code, ours.reasonText()));
        ScheduledFuture<?> cutOff = ctx.executor().schedule(() -> {
            ctx.close();
        }, closeTimeoutNanos, TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(closed -> cutOff.cancel(false));
        ctx.write(msg, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TransportException verdict) {
            closeStatus.tryEmitValue(new CloseStatus(CloseStatus.ABNORMAL.code(), verdict.getMessage()));
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeStatus.tryEmitValue(CloseStatus.ABNORMAL); // no-op when a close frame came first
        ctx.fireChannelInactive();
    }
}
