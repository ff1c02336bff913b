package io.rtvoice.emulator.internal;

import java.util.concurrent.atomic.AtomicLong;

/** What the emulator counts across its connections, for tests and the CLI. */
public final class EmulatorStats {
    final AtomicLong connections = new AtomicLong();
    final AtomicLong pings = new AtomicLong();

    /** WebSocket upgrades accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** Ping frames received so far, whether answered or not (a stalled session does not answer). */
    public long pings() {
        return pings.get();
    }
}
