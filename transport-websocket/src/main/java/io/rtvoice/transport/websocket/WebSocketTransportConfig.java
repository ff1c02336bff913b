package io.rtvoice.transport.websocket;

import io.netty.handler.ssl.OpenSsl;
import io.rtvoice.transport.websocket.WebSocketTransport.TlsEngine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;

/**
 * The settings of a {@link WebSocketTransport}, checked when they are made, so that a transport that exists
 * can connect. Immutable; every {@code with…} method returns a changed copy. What runs a connection is
 * elsewhere ({@link WebSocketConnection} and the handlers of {@link WebSocketPipeline}).
 *
 * @param plainToAnyHost whether {@code ws://} may go to hosts other than loopback
 * @param keepAlive the ping interval and dead-peer timeout, or {@code null} for no pings and no timeout
 * @param tlsEngine the TLS implementation for {@code wss://}
 * @param trust the trust managers for {@code wss://}, or {@code null} for the JDK's default trust store
 * @param httpProxy the HTTP {@code CONNECT} proxy's host and port (unresolved), or {@code null} to connect directly
 */
record WebSocketTransportConfig(boolean plainToAnyHost, KeepAlive keepAlive, TlsEngine tlsEngine, TrustManagerFactory trust,
        InetSocketAddress httpProxy) {

    /** What {@link WebSocketTransport#create()} uses: keep-alive on, TLS engine chosen at connect time. */
    static final WebSocketTransportConfig DEFAULT = new WebSocketTransportConfig(false,
            new KeepAlive(WebSocketTransport.DEFAULT_PING_INTERVAL, WebSocketTransport.DEFAULT_DEAD_PEER_TIMEOUT),
            TlsEngine.AUTO, null, null);

    /**
     * Checks the settings.
     *
     * @throws IllegalStateException for {@link TlsEngine#OPENSSL} when netty-tcnative is not on the class path
     */
    WebSocketTransportConfig {
        Objects.requireNonNull(tlsEngine, "tlsEngine");
        if (tlsEngine == TlsEngine.OPENSSL && !OpenSsl.isAvailable()) {
            throw new IllegalStateException("TlsEngine.OPENSSL needs netty-tcnative on the class path (for example "
                    + "io.netty:netty-tcnative-boringssl-static): " + OpenSsl.unavailabilityCause());
        }
    }

    WebSocketTransportConfig withPlainToAnyHost() {
        return new WebSocketTransportConfig(true, keepAlive, tlsEngine, trust, httpProxy);
    }

    /** @param keepAlive {@code null} for none */
    WebSocketTransportConfig withKeepAlive(KeepAlive keepAlive) {
        return new WebSocketTransportConfig(plainToAnyHost, keepAlive, tlsEngine, trust, httpProxy);
    }

    /** @throws IllegalArgumentException unless {@code 1 <= port <= 65535} */
    WebSocketTransportConfig withHttpProxy(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port : " + port + " (expected: 1..65535)");
        }
        return new WebSocketTransportConfig(plainToAnyHost, keepAlive, tlsEngine, trust,
                InetSocketAddress.createUnresolved(host, port));
    }

    WebSocketTransportConfig withTlsEngine(TlsEngine engine) {
        return new WebSocketTransportConfig(plainToAnyHost, keepAlive, Objects.requireNonNull(engine, "engine"), trust, httpProxy);
    }

    WebSocketTransportConfig withTrust(TrustManagerFactory trustManagers) {
        return new WebSocketTransportConfig(plainToAnyHost, keepAlive, tlsEngine,
                Objects.requireNonNull(trustManagers, "trustManagers"), httpProxy);
    }

    /** The TLS implementation a {@code wss://} connection uses: {@link TlsEngine#AUTO} resolved. */
    TlsEngine effectiveTlsEngine() {
        return switch (tlsEngine) {
            case AUTO -> OpenSsl.isAvailable() ? TlsEngine.OPENSSL : TlsEngine.JDK;
            default -> tlsEngine;
        };
    }

    /**
     * Ping keep-alive: see {@link KeepAliveHandler}.
     *
     * @param pingInterval time between our pings
     * @param deadPeerTimeout silence from the peer (no frame of any kind) after which it is presumed dead
     */
    record KeepAlive(Duration pingInterval, Duration deadPeerTimeout) {

        /** @throws IllegalArgumentException unless {@code 0 < pingInterval < deadPeerTimeout} */
        KeepAlive {
            Objects.requireNonNull(pingInterval, "pingInterval");
            Objects.requireNonNull(deadPeerTimeout, "deadPeerTimeout");
            if (pingInterval.isNegative() || pingInterval.isZero()) {
                throw new IllegalArgumentException("pingInterval : " + pingInterval + " (expected: > 0)");
            }
            if (deadPeerTimeout.compareTo(pingInterval) <= 0) {
                throw new IllegalArgumentException("deadPeerTimeout : " + deadPeerTimeout
                        + " (expected: > pingInterval, which is " + pingInterval + ")");
            }
        }
    }
}
