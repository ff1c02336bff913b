package io.rtvoice.transport.websocket;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportException;
import io.rtvoice.transport.TransportRequest;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.ConnectionProvider;

/**
 * The WebSocket transport on reactor-netty: TLS for {@code wss://} with host-name verification (on the
 * JDK's engine, or OpenSSL when netty-tcnative is on the class path), frames up to the request's limit,
 * ping keep-alive that ends a dead connection, an optional HTTP proxy, and no {@code ws://} to anything
 * but loopback unless {@link #allowingPlainWebSocketToAnyHost()} says so. Immutable and thread-safe.
 */
public final class WebSocketTransport implements Transport {

    /** Default ping period: well inside the idle timeouts of common load balancers and proxies (60 s and up). */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);
    /** Default silence after which the peer is presumed dead: two unanswered pings. */
    public static final Duration DEFAULT_DEAD_PEER_TIMEOUT = Duration.ofSeconds(40);

    /** Which TLS implementation encrypts {@code wss://}. */
    public enum TlsEngine {
        /** OpenSSL (BoringSSL) when netty-tcnative is on the class path, else the JDK's. */
        AUTO,
        /** The JDK's {@code SSLEngine}. */
        JDK,
        /** OpenSSL through netty-tcnative (for example {@code netty-tcnative-boringssl-static}); faster handshakes and records. */
        OPENSSL
    }

    private final HttpClient client;
    private final boolean plainToAnyHost;
    private final KeepAlive keepAlive;
    private final TlsEngine tlsEngine;
    private final TrustManagerFactory trust;
    private volatile SslContext sslContext; // built on the first wss:// connect, then shared

    private WebSocketTransport(HttpClient client, boolean plainToAnyHost, KeepAlive keepAlive, TlsEngine tlsEngine,
                               TrustManagerFactory trust) {
        this.client = client;
        this.plainToAnyHost = plainToAnyHost;
        this.keepAlive = keepAlive;
        this.tlsEngine = tlsEngine;
        this.trust = trust;
    }

    /**
     * A transport with reactor-netty's shared event loops, a connection of its own per session (no pool, so no
     * cap on sessions per endpoint) and keep-alive on: a ping every
     * {@link #DEFAULT_PING_INTERVAL}, and the connection ended as dead after
     * {@link #DEFAULT_DEAD_PEER_TIMEOUT} without any frame (pong or other) from the server.
     */
    public static WebSocketTransport create() {
        // Not reactor-netty's default pool: a WebSocket holds its connection for life, so a pool capped at 500
        // per endpoint made session 501 wait for a free slot until its connect timed out.
        return new WebSocketTransport(HttpClient.create(ConnectionProvider.newConnection()), false, new KeepAlive(DEFAULT_PING_INTERVAL, DEFAULT_DEAD_PEER_TIMEOUT),
                TlsEngine.AUTO, null);
    }

    /** A copy that may connect with unencrypted {@code ws://} to hosts other than loopback. */
    public WebSocketTransport allowingPlainWebSocketToAnyHost() {
        return new WebSocketTransport(client, true, keepAlive, tlsEngine, trust);
    }

    /**
     * A copy that sends a ping every {@code pingInterval} and ends the connection (with a
     * {@link TransportException} on {@link TransportConnection#inbound()}) once nothing at all has come
     * from the server for {@code deadPeerTimeout}. A TCP connection whose peer vanished (a VM gone, a
     * NAT entry dropped) otherwise looks open for many minutes.
     *
     * @throws IllegalArgumentException unless {@code 0 < pingInterval < deadPeerTimeout}
     */
    public WebSocketTransport keepAlive(Duration pingInterval, Duration deadPeerTimeout) {
        return new WebSocketTransport(client, plainToAnyHost, new KeepAlive(pingInterval, deadPeerTimeout), tlsEngine, trust);
    }

    /** A copy that sends no pings and never presumes the peer dead (the server's own pings are still answered). */
    public WebSocketTransport withoutKeepAlive() {
        return new WebSocketTransport(client, plainToAnyHost, null, tlsEngine, trust);
    }

    /**
     * A copy that connects through the HTTP proxy at {@code host:port} (an HTTP {@code CONNECT} tunnel,
     * so TLS stays end to end).
     */
    public WebSocketTransport httpProxy(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port : " + port + " (expected: 1..65535)");
        }
        java.util.Objects.requireNonNull(host, "host");
        return new WebSocketTransport(client.proxy(spec -> spec.type(reactor.netty.transport.ProxyProvider.Proxy.HTTP)
                .host(host).port(port)), plainToAnyHost, keepAlive, tlsEngine, trust);
    }

    /**
     * A copy that uses this TLS implementation.
     *
     * @throws IllegalStateException for {@link TlsEngine#OPENSSL} when netty-tcnative is not on the class path
     */
    public WebSocketTransport tlsEngine(TlsEngine engine) {
        java.util.Objects.requireNonNull(engine, "engine");
        if (engine == TlsEngine.OPENSSL && !OpenSsl.isAvailable()) {
            throw new IllegalStateException("TlsEngine.OPENSSL needs netty-tcnative on the class path (for example "
                    + "io.netty:netty-tcnative-boringssl-static): " + OpenSsl.unavailabilityCause());
        }
        return new WebSocketTransport(client, plainToAnyHost, keepAlive, engine, trust);
    }

    /** The TLS implementation a {@code wss://} connection uses: {@link TlsEngine#AUTO} resolved. */
    public TlsEngine effectiveTlsEngine() {
        return switch (tlsEngine) {
            case AUTO -> OpenSsl.isAvailable() ? TlsEngine.OPENSSL : TlsEngine.JDK;
            default -> tlsEngine;
        };
    }

    /**
     * A copy that trusts the certificates of {@code trustManagers} (a private CA, a test certificate)
     * instead of the JDK's default trust store. Host names are verified either way.
     */
    public WebSocketTransport trust(TrustManagerFactory trustManagers) {
        return new WebSocketTransport(client, plainToAnyHost, keepAlive, tlsEngine,
                java.util.Objects.requireNonNull(trustManagers, "trustManagers"));
    }

    private SslContext sslContext() throws SSLException {
        SslContext built = sslContext;
        if (built == null) {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(effectiveTlsEngine() == TlsEngine.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
                    // Realtime servers speak HTTP/1.1 upgrades only; say so, or an h2-preferring edge may pick h2.
                    .applicationProtocolConfig(ApplicationProtocolConfig.DISABLED);
            if (trust != null) {
                builder.trustManager(trust);
            }
            built = builder.build();
            sslContext = built;
        }
        return built;
    }

    /** Host-name verification, set on every engine rather than trusting a default. */
    private static void verifyHostName(SslHandler handler) {
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
    }

    @Override
    public Mono<TransportConnection> connect(TransportRequest request) {
        URI uri = request.uri();
        if ("ws".equalsIgnoreCase(uri.getScheme()) && !plainToAnyHost && !isLoopback(uri.getHost())) {
            return Mono.error(new TransportException("refusing unencrypted ws:// to non-loopback host " + uri.getHost()
                    + ": use wss://, or WebSocketTransport.allowingPlainWebSocketToAnyHost()", 0, null));
        }
        WebsocketClientSpec spec = WebsocketClientSpec.builder()
                .protocols(String.join(",", request.subprotocols()))
                .maxFramePayloadLength(request.maxFrameBytes())
                .handlePing(true)
                .build();
        HttpClient configured = client
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) request.connectTimeout().toMillis())
                .headers(h -> request.headers().forEach(h::set));
        if ("wss".equalsIgnoreCase(uri.getScheme())) {
            SslContext tls;
            try {
                tls = sslContext();
            } catch (SSLException e) {
                return Mono.error(new TransportException("cannot set up TLS: " + e.getMessage(), 0, e));
            }
            configured = configured.secure(ssl -> ssl.sslContext(tls).handlerConfigurator(WebSocketTransport::verifyHostName));
        }
        var receiver = configured.websocket(spec).uri(uri);
        String where = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath(); // never the query: it may hold a key
        return Mono.<TransportConnection>create(sink -> {
            AtomicBoolean opened = new AtomicBoolean();
            var running = receiver.handle((WebsocketInbound in, WebsocketOutbound out) -> {
                NettyConnection connection = new NettyConnection(in, out, request.maxFrameBytes(), keepAlive);
                opened.set(true);
                sink.success(connection);
                return connection.lifetime();
            }).subscribe(null, (Throwable error) -> {
                if (!opened.get()) {
                    sink.error(failure(where, error));
                }
            });
            sink.onCancel(running);
        }).timeout(request.connectTimeout().plusSeconds(1),
                Mono.error(() -> new TransportException("no WebSocket handshake with " + where + " within " + request.connectTimeout(), 0, null)));
    }

    private static TransportException failure(String where, Throwable error) {
        if (error instanceof WebSocketClientHandshakeException h && h.response() != null) {
            int status = h.response().status().code();
            return new TransportException("WebSocket handshake with " + where + " refused: HTTP " + h.response().status(), status, null);
        }
        if (error instanceof TransportException t) {
            return t;
        }
        StringBuilder message = new StringBuilder("cannot connect to ").append(where).append(": ");
        describe(error, message);
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != error) { // e.g. OpenSSL's "General OpenSslEngine problem" hides the certificate's fault here
            describe(root, message.append(", caused by "));
        }
        return new TransportException(message.toString(), 0, error);
    }

    private static void describe(Throwable t, StringBuilder out) {
        out.append(t.getClass().getSimpleName());
        if (t.getMessage() != null) {
            out.append(' ').append(t.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** One upgraded connection: frames copied out of Netty's buffers into a buffer the session drains in order. */
    private static final class NettyConnection implements TransportConnection {
        /** How long a close waits for the server's answering close frame. */
        private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
        private final WebsocketInbound in;
        private final WebsocketOutbound out;
        private final Sinks.Many<byte[]> frames = Sinks.many().unicast().onBackpressureBuffer();
        private final Sinks.One<CloseStatus> closeStatus = Sinks.one();
        private final Mono<Void> lifetime;
        /** When the last frame of any kind arrived. */
        private volatile long lastHeardNanos = System.nanoTime();
        /** Set on the event loop before the channel is closed for silence. */
        private volatile TransportException deadPeer;
        /** The connection's channel: our close frame is written to it directly. */
        private volatile Channel channel;
        /** Set once our close frame is on its way: the server's answering close then ends the connection. */
        private volatile boolean closeSent;

        NettyConnection(WebsocketInbound in, WebsocketOutbound out, int maxFrameBytes, KeepAlive keepAlive) {
            this.in = in;
            this.out = out;
            in.receiveCloseStatus()
                    .subscribe(s -> closeStatus.tryEmitValue(new CloseStatus(s.code(), s.reasonText())));
            in.withConnection(c -> {
                channel = c.channel();
                c.addHandlerFirst("rtvoice-close-handshake", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (closeSent && msg instanceof CloseWebSocketFrame answer) {
                            answer.release(); // the handshake is complete: our close, then theirs; now TCP
                            ctx.close();
                            return;
                        }
                        ctx.fireChannelRead(msg);
                    }
                });
            });
            if (keepAlive != null) {
                in.withConnection(c -> keepAlive.watch(c.channel(), this));
            }
            this.lifetime = in.aggregateFrames(maxFrameBytes).receiveFrames()
                    .doOnNext(frame -> {
                        lastHeardNanos = System.nanoTime(); // pongs count: they are what keep-alive waits for
                        if (frame instanceof TextWebSocketFrame) {
                            frames.tryEmitNext(ByteBufUtil.getBytes(frame.content()));
                        }
                    })
                    .doOnComplete(() -> {
                        TransportException dead = deadPeer;
                        if (dead != null) {
                            closeStatus.tryEmitValue(new CloseStatus(CloseStatus.ABNORMAL.code(), dead.getMessage()));
                            frames.tryEmitError(dead);
                            return;
                        }
                        closeStatus.tryEmitValue(CloseStatus.ABNORMAL); // no-op when the peer's close frame came first
                        frames.tryEmitComplete();
                    })
                    .doOnError(e -> {
                        closeStatus.tryEmitValue(CloseStatus.ABNORMAL);
                        frames.tryEmitError(new TransportException("connection broken: " + e, 0, e));
                    })
                    .then()
                    .onErrorResume(e -> Mono.empty())
                    .cache();
        }

        Mono<Void> lifetime() {
            return lifetime;
        }

        @Override
        public Flux<byte[]> inbound() {
            return frames.asFlux();
        }

        @Override
        public Mono<Void> send(Publisher<byte[]> frames) {
            // Subscribing starts the writes; the cached result tells any later subscriber how they ended.
            Mono<Void> sending = out.sendObject(Flux.from(frames).map(b -> new TextWebSocketFrame(Unpooled.wrappedBuffer(b))))
                    .then().cache();
            sending.subscribe(null, e -> { });
            return sending;
        }

        @Override
        public Mono<Void> close(int code, String reason) {
            // Ours is the first close frame, so it is the connection's status (a no-op if the server's came first).
            // Set here because reactor-netty ends the inbound stream before it records the status it sent.
            closeStatus.tryEmitValue(new CloseStatus(code, reason));
            // Not reactor-netty's sendClose: it discards unread frames and closes the socket right after the
            // close frame, so events the server sent before its close were lost and, with our unread data
            // reset, so were frames we had sent. RFC 6455 §7.1.1: send ours, read on until the server's
            // close frame, then close; a server that never answers is cut off after CLOSE_TIMEOUT.
            return Mono.defer(() -> {
                Channel ch = channel;
                if (ch == null || !ch.isActive() || closeSent) {
                    return lifetime;
                }
                closeSent = true;
                ch.writeAndFlush(new CloseWebSocketFrame(code, reason));
                return lifetime.timeout(CLOSE_TIMEOUT, Mono.fromRunnable(ch::close).then(lifetime));
            });
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return closeStatus.asMono();
        }

        @Override
        public String subprotocol() {
            return in.selectedSubprotocol();
        }
    }

    /** Pings on the channel's own event loop, and closes the channel once the peer has been silent too long. */
    private record KeepAlive(Duration pingInterval, Duration deadPeerTimeout) {
        KeepAlive {
            if (pingInterval.isNegative() || pingInterval.isZero() || deadPeerTimeout.compareTo(pingInterval) <= 0) {
                throw new IllegalArgumentException("keep-alive needs 0 < pingInterval < deadPeerTimeout, got "
                        + pingInterval + " and " + deadPeerTimeout);
            }
        }

        void watch(Channel channel, NettyConnection connection) {
            long interval = pingInterval.toNanos();
            long timeout = deadPeerTimeout.toNanos();
            // Written straight to the channel, not through the session's send stream, so a ping never waits
            // behind queued audio; Netty writes whole frames, so it cannot split a text message.
            ScheduledFuture<?> task = channel.eventLoop().scheduleAtFixedRate(() -> {
                long silent = System.nanoTime() - connection.lastHeardNanos;
                if (silent >= timeout) {
                    connection.deadPeer = new TransportException("no frame or pong from the server for "
                            + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (dead-peer timeout " + deadPeerTimeout.toMillis()
                            + " ms): connection presumed dead", 0, null);
                    channel.close();
                } else if (channel.isActive()) {
                    channel.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(PING_PAYLOAD.clone())));
                }
            }, interval, interval, TimeUnit.NANOSECONDS);
            channel.closeFuture().addListener(closed -> task.cancel(false));
        }

        private static final byte[] PING_PAYLOAD = "rtvoice".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
