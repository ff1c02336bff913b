package io.rtvoice.emulator.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Judges the upgrade request (path, dialect, key, faults) and refuses it with an HTTP status before the
 * upgrade, or upgrades and hands the channel to a {@link ConnectionHandler}. The plain HTTP requests it
 * serves go to {@link ClientSecretsEndpoint} ({@code POST …/realtime/client_secrets}) and {@link CallsEndpoint}
 * ({@code POST …/realtime/calls/{id}/…}). The upgrade selects
 * the {@code realtime} subprotocol when the client offers it (a browser fails a handshake that selects none of
 * those it offered, e.g. {@code realtime, openai-insecure-api-key.ek_…}).
 */
public final class HandshakeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Large enough for a 15 MiB append as base64 inside JSON. */
    public static final int MAX_FRAME_BYTES = 24 * 1024 * 1024;

    private final EmulatorSettings settings;
    private final EmulatorStats stats;

    /**
     * The handlers of a new connection, before its upgrade (after the {@link ConnectionCap}):
     * <pre>
     *   HandshakeDeadline ─ ReadsFollowWritability ─ [TLS] ─ HttpServerCodec ─ HttpObjectAggregator ─ HandshakeHandler
     * </pre>
     * The upgrade swaps the HTTP codec for the WebSocket one, adds the idle timeout ({@code IdleStateHandler},
     * {@link IdleCloser}), the frame aggregator and the {@link ConnectionHandler}, and removes the deadline and this.
     */
    public static void initialize(Channel ch, SslContext ssl, EmulatorSettings settings, EmulatorStats stats) {
        ch.pipeline().addLast(new HandshakeDeadline(settings.handshakeTimeout().toMillis(), settings.log()), ReadsFollowWritability.INSTANCE);
        if (ssl != null) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
        }
        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new HandshakeHandler(settings, stats));
    }

    /** A handler for one new channel. */
    public HandshakeHandler(EmulatorSettings settings, EmulatorStats stats) {
        this.settings = settings;
        this.stats = stats;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (ClientSecretsEndpoint.handles(request)) {
            FullHttpResponse answer = ClientSecretsEndpoint.answer(request, settings, this::log);
            HttpUtil.setKeepAlive(answer, false);
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (CallsEndpoint.handles(request)) {
            FullHttpResponse answer = CallsEndpoint.answer(request, settings, this::log);
            HttpUtil.setKeepAlive(answer, false);
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "this is a Realtime WebSocket endpoint: send an Upgrade: websocket request");
            return;
        }
        Handshake judged = Handshake.judge(request, settings.apiKey(), settings.allowedOrigins(), settings.faults(), settings.clientSecrets(),
                settings.calls());
        if (!judged.ok()) {
            log("refused " + judged.refusal().code() + " " + request.method() + " " + pathOf(request) + ": " + judged.reason());
            respond(ctx, judged.refusal(), judged.reason());
            return;
        }
        long connection = stats.connections.incrementAndGet();
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, "realtime", false, MAX_FRAME_BYTES)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        handshaker.handshake(ctx.channel(), request).addListener(done -> {
            if (!done.isSuccess()) {
                ctx.close();
                return;
            }
            log("conn-" + connection + " open " + judged.dialect() + " " + pathOf(request) + " model=" + judged.model()
                    + (judged.call() != null ? " call=" + judged.call().id() : "") + (judged.faults().any() ? " faults=" + judged.faults() : ""));
            ctx.pipeline().remove(HandshakeDeadline.class);
            if (!settings.idleTimeout().isZero()) {
                ctx.pipeline().addLast(new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                        new IdleCloser(settings.log()));
            }
            ctx.pipeline().addLast(new WebSocketFrameAggregator(MAX_FRAME_BYTES));
            ctx.pipeline().addLast(new ConnectionHandler(stats, settings.maxPendingWriteBytes(), settings.log(), judged.faults().pingEveryMillis(),
                    out -> new EmulatedSession(settings, judged.dialect(), judged.model(), judged.transcription(), judged.faults(), judged.keyToEcho(),
                            judged.minted(), judged.call(), out, connection)));
            ctx.pipeline().remove(this);
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed TLS handshake or a broken request: this connection is over, the server is not.
        log("connection dropped before the upgrade: " + cause.getClass().getSimpleName());
        ctx.close();
    }

    private static String pathOf(FullHttpRequest request) {
        int q = request.uri().indexOf('?');
        return q < 0 ? request.uri() : request.uri().substring(0, q); // the query may hold an api-key: never log it
    }

    private void log(String line) {
        if (settings.log()) {
            System.out.println("[rtvoice-emulator] " + line);
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer("{\"error\":{\"message\":\"" + reason.replace("\"", "'") + "\"}}\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
