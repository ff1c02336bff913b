package io.rtvoice.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportConnection;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One upgraded connection: inbound frames lent by {@link TextFrameHandler}, how it ended from
 * {@link CloseHandshakeHandler}, outbound frames through reactor-netty's {@link WebsocketOutbound}.
 */
final class WebSocketConnection implements TransportConnection {

    /** How long a close waits for the server's answering close frame. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Channel channel;
    private final WebsocketOutbound out;
    private final String subprotocol;
    private final Mono<Void> closed;
    private final UnaryOperator<String> redact;
    private final TextFrameHandler textFrames = new TextFrameHandler();
    private final CloseHandshakeHandler closeHandshake = new CloseHandshakeHandler(CLOSE_TIMEOUT);

    /**
     * Installs the pipeline of {@link WebSocketPipeline} on {@code connection}; call on its event loop.
     *
     * @param subprotocol the subprotocol the server selected, or {@code null}
     * @param maxFrameBytes the largest message accepted, in bytes
     * @param keepAlive the keep-alive settings, or {@code null} for none
     * @param redact removes the request's credentials from a text the server sent (a close reason)
     */
    WebSocketConnection(Connection connection, WebsocketOutbound out, String subprotocol, int maxFrameBytes,
            WebSocketTransportConfig.KeepAlive keepAlive, UnaryOperator<String> redact) {
        this.redact = redact;
        this.channel = connection.channel();
        this.out = out;
        this.subprotocol = subprotocol;
        this.closed = connection.onDispose();
        WebSocketPipeline.install(connection, keepAlive, closeHandshake, maxFrameBytes, textFrames);
    }

    /** Completes when the channel is closed. */
    Mono<Void> closed() {
        return closed;
    }

    @Override
    public Flux<byte[]> inbound() {
        return textFrames.frames();
    }

    @Override
    public void receive(Receiver receiver) {
        textFrames.receive(receiver);
    }

    @Override
    public Mono<Void> send(Publisher<byte[]> frames) {
        return send(frames, null);
    }

    @Override
    public Mono<Void> send(Publisher<byte[]> frames, Consumer<byte[]> written) {
        // Subscribing starts the writes; the cached result tells any later subscriber how they ended.
        Mono<Void> sending = out.sendObject(Flux.from(frames).map(b -> new TextWebSocketFrame(
                written == null ? Unpooled.wrappedBuffer(b) : new ReturnedWhenFreed(b, written)))).then().cache();
        sending.subscribe(null, e -> { });
        return sending;
    }

    /**
     * A frame's array, handed back when Netty frees its buffer: after the encoder has copied it out (masking it),
     * or after a write that failed. Freed at most once, so handed back at most once.
     */
    private static final class ReturnedWhenFreed extends UnpooledHeapByteBuf {
        private final Consumer<byte[]> written;

        ReturnedWhenFreed(byte[] frame, Consumer<byte[]> written) {
            super(UnpooledByteBufAllocator.DEFAULT, frame, frame.length);
            this.written = written;
        }

        @Override
        protected void freeArray(byte[] array) {
            written.accept(array);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @return completes when the channel is closed; fails with {@link IllegalArgumentException} for a
     *         {@code code} that may not be sent (1000-1003, 1007-1014 and 3000-4999 may)
     */
    @Override
    public Mono<Void> close(int code, String reason) {
        if (!CloseHandshakeHandler.isSendable(code)) {
            return Mono.error(CloseHandshakeHandler.unsendable(code));
        }
        // Not reactor-netty's sendClose: it discards unread frames and closes the socket right after the
        // close frame, so events the server sent before its close were lost and, with our unread data
        // reset, so were frames we had sent. RFC 6455 §7.1.1: send ours, read on until the server's
        // close frame, then close; CloseHandshakeHandler cuts off a server that never answers.
        return Mono.defer(() -> {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
            return closed;
        });
    }

    @Override
    public Mono<CloseStatus> closeStatus() {
        // A server may echo the key in its close reason.
        return closeHandshake.closeStatus().map(s -> new CloseStatus(s.code(), redact.apply(s.reason())));
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }
}
