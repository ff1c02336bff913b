package io.rtvoice.transport.websocket;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportException;
import io.rtvoice.transport.TransportRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.ProxyProvider;

/**
 * The WebSocket transport on reactor-netty: TLS for {@code wss://} with host-name verification (on the
 * JDK's engine, or OpenSSL when netty-tcnative is on the class path), frames up to the request's limit,
 * ping keep-alive that ends a dead connection, an optional HTTP proxy, and no {@code ws://} to anything
 * but loopback unless {@link #allowingPlainWebSocketToAnyHost()} says so. Immutable and thread-safe.
 *
 * <p>This class opens connections; its settings are a {@link WebSocketTransportConfig}, and an open
 * connection is a {@link WebSocketConnection} run by the handlers of {@link WebSocketPipeline}.
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

    private final WebSocketTransportConfig config;
    private final HttpClient client;
    private volatile SslContext sslContext; // built on the first wss:// connect, then shared

    private WebSocketTransport(WebSocketTransportConfig config) {
        this.config = config;
        // Not reactor-netty's default pool: a WebSocket holds its connection for life, so a pool capped at 500
        // per endpoint made session 501 wait for a free slot until its connect timed out.
        HttpClient direct = HttpClient.create(ConnectionProvider.newConnection());
        InetSocketAddress proxy = config.httpProxy();
        this.client = proxy == null ? direct
                : direct.proxy(spec -> spec.type(ProxyProvider.Proxy.HTTP).host(proxy.getHostString()).port(proxy.getPort()));
    }

    /**
     * A transport with reactor-netty's shared event loops, a connection of its own per session (no pool, so no
     * cap on sessions per endpoint) and keep-alive on: a ping every
     * {@link #DEFAULT_PING_INTERVAL}, and the connection ended as dead after
     * {@link #DEFAULT_DEAD_PEER_TIMEOUT} without any frame (pong or other) from the server.
     */
    public static WebSocketTransport create() {
        return new WebSocketTransport(WebSocketTransportConfig.DEFAULT);
    }

    /** A copy that may connect with unencrypted {@code ws://} to hosts other than loopback. */
    public WebSocketTransport allowingPlainWebSocketToAnyHost() {
        return new WebSocketTransport(config.withPlainToAnyHost());
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
        return new WebSocketTransport(config.withKeepAlive(new WebSocketTransportConfig.KeepAlive(pingInterval, deadPeerTimeout)));
    }

    /** A copy that sends no pings and never presumes the peer dead (the server's own pings are still answered). */
    public WebSocketTransport withoutKeepAlive() {
        return new WebSocketTransport(config.withKeepAlive(null));
    }

    /**
     * A copy that connects through the HTTP proxy at {@code host:port} (an HTTP {@code CONNECT} tunnel,
     * so TLS stays end to end).
     *
     * @throws IllegalArgumentException unless {@code 1 <= port <= 65535}
     */
    public WebSocketTransport httpProxy(String host, int port) {
        return new WebSocketTransport(config.withHttpProxy(host, port));
    }

    /**
     * A copy that uses this TLS implementation.
     *
     * @throws IllegalStateException for {@link TlsEngine#OPENSSL} when netty-tcnative is not on the class path
     */
    public WebSocketTransport tlsEngine(TlsEngine engine) {
        return new WebSocketTransport(config.withTlsEngine(engine));
    }

    /** The TLS implementation a {@code wss://} connection uses: {@link TlsEngine#AUTO} resolved. */
    public TlsEngine effectiveTlsEngine() {
        return config.effectiveTlsEngine();
    }

    /**
     * A copy that trusts the certificates of {@code trustManagers} (a private CA, a test certificate)
     * instead of the JDK's default trust store. Host names are verified either way.
     */
    public WebSocketTransport trust(TrustManagerFactory trustManagers) {
        return new WebSocketTransport(config.withTrust(trustManagers));
    }

    private SslContext sslContext() throws SSLException {
        SslContext built = sslContext;
        if (built == null) {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(effectiveTlsEngine() == TlsEngine.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
                    // Realtime servers speak HTTP/1.1 upgrades only; say so, or an h2-preferring edge may pick h2.
                    .applicationProtocolConfig(ApplicationProtocolConfig.DISABLED);
            if (config.trust() != null) {
                builder.trustManager(config.trust());
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

    /**
     * {@code uri} without its {@code api-key} query parameters, whose value goes into {@code headers} as the
     * {@code api-key} header (unless one is set already). Other parameters keep their order and encoding.
     */
    static URI withoutKeyInQuery(URI uri, Map<String, String> headers) {
        String query = uri.getRawQuery();
        if (query == null) {
            return uri;
        }
        List<String> kept = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase("api-key")) {
                headers.putIfAbsent("api-key", URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } else {
                kept.add(pair);
            }
        }
        if (kept.size() == query.split("&").length) {
            return uri;
        }
        String rest = uri.toString();
        int at = rest.indexOf('?');
        String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
        return URI.create(rest.substring(0, at) + (kept.isEmpty() ? "" : "?" + String.join("&", kept)) + fragment);
    }

    @Override
    public Mono<TransportConnection> connect(TransportRequest request) {
        URI uri = request.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        // reactor-netty opens http:// as plain ws:// and https:// as wss://: every spelling is checked, in any case.
        boolean secure = scheme.equals("wss") || scheme.equals("https");
        if (!secure && !scheme.equals("ws") && !scheme.equals("http")) {
            return Mono.error(new TransportException("uri scheme : " + (scheme.isEmpty() ? "(none)" : scheme)
                    + " (expected: wss, https, or ws or http to loopback)", 0, null));
        }
        if (!secure && !config.plainToAnyHost() && !isLoopback(uri.getHost())) {
            return Mono.error(new TransportException("refusing unencrypted " + scheme + ":// to non-loopback host " + uri.getHost()
                    + ": use wss://, or WebSocketTransport.allowingPlainWebSocketToAnyHost()", 0, null));
        }
        WebsocketClientSpec spec = WebsocketClientSpec.builder()
                .protocols(String.join(",", request.subprotocols()))
                .maxFramePayloadLength(request.maxFrameBytes())
                // The server's pings are ours to answer (PingReplyHandler): reactor-netty must not answer them too.
                .handlePing(true)
                .build();
        // reactor-netty logs the URI it connects to, query and all, at DEBUG: an Azure key given in the query
        // (?api-key=…, which Azure accepts) travels in the api-key header instead, which it does not log.
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        URI target = withoutKeyInQuery(uri, headers);
        HttpClient configured = client
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) request.connectTimeout().toMillis())
                .headers(h -> headers.forEach(h::set))
                // A server may echo the key in its reason phrase ("401 Incorrect key sk-…"): redacted before
                // reactor-netty's handshaker (which logs and throws with it) or we ever read it.
                // Netty's pipeline, not Connection.addHandlerLast: added that way, the keep-alive pings of the upgraded
                // connection no longer reached the server (KeepAliveTest); the handler removes itself after the response.
                .doOnConnected(c -> c.channel().pipeline().addBefore(NettyPipeline.ReactiveBridge, WebSocketPipeline.STATUS_REDACTION,
                        new StatusRedactionHandler(request::redact)));
        if (secure) {
            SslContext tls;
            try {
                tls = sslContext();
            } catch (SSLException e) {
                return Mono.error(new TransportException("cannot set up TLS: " + e.getMessage(), 0, e));
            }
            configured = configured.secure(ssl -> ssl.sslContext(tls).handlerConfigurator(WebSocketTransport::verifyHostName));
        }
        var receiver = configured.websocket(spec).uri(target);
        String where = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath(); // never the query: it may hold a key
        return Mono.<TransportConnection>create(sink -> {
            AtomicBoolean opened = new AtomicBoolean();
            var running = receiver.handle((WebsocketInbound in, WebsocketOutbound out) -> {
                Connection[] upgraded = new Connection[1];
                in.withConnection(c -> upgraded[0] = c); // runs at once: the handler runs on the connection's event loop
                WebSocketConnection connection = new WebSocketConnection(upgraded[0], out, in.selectedSubprotocol(),
                        request.maxFrameBytes(), config.keepAlive(), request::redact);
                opened.set(true);
                sink.success(connection);
                return connection.closed();
            }).subscribe(null, (Throwable error) -> {
                if (!opened.get()) {
                    TransportException failed = failure(where, error);
                    String redacted = request.redact(failed.getMessage());
                    sink.error(redacted.equals(failed.getMessage()) ? failed
                            : new TransportException(redacted, failed.httpStatus(), null)); // the cause may quote the key
                }
            });
            sink.onCancel(running);
        })
                // Connecting may read files the first time (the resolver's hosts file and resolv.conf): never on the
                // caller's event loop, as when a gateway or a relay opens a session from its network thread.
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(request.connectTimeout().plusSeconds(1),
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
}
