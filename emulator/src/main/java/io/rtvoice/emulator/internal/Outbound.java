package io.rtvoice.emulator.internal;

import java.util.concurrent.ScheduledExecutorService;

/** Where a session's frames go: the connection, seen from the session. All calls on the connection's event loop. */
interface Outbound {

    /** Sends one text frame of UTF-8 JSON. */
    void send(byte[] utf8);

    /** Closes with a close frame. */
    void close(int code, String reason);

    /** Drops the TCP connection with no close frame (a fault). */
    void abort();

    /** Sends the first half of a text frame carrying {@code utf8}, then drops the TCP connection (a fault). */
    void abortMidFrame(byte[] utf8);

    /** The connection's event loop, for timers. */
    ScheduledExecutorService executor();
}
