package io.rtvoice.telephony.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Whether a request asks for a WebSocket this server can open: {@code Upgrade: websocket}, {@code Connection: Upgrade},
 * a key and version 13 (RFC 6455, what carriers send). Anything else (a health check, a scanner, curl) is
 * answered before it takes a place: Netty's handshaker would throw on it, or answer it itself.
 */
public final class WebSocketUpgrade {

    /** The version a refused upgrade is told to use. */
    public static final String VERSION = "13";

    private WebSocketUpgrade() {
    }

    public static boolean requested(HttpHeaders headers) {
        return headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)
                && VERSION.equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION));
    }
}
