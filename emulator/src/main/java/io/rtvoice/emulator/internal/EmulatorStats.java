package io.rtvoice.emulator.internal;

import java.util.concurrent.atomic.AtomicLong;

/** What the emulator counts across its connections, for tests and the CLI. */
public final class EmulatorStats {
    final AtomicLong connections = new AtomicLong();
    final AtomicLong pings = new AtomicLong();
    final AtomicLong pongs = new AtomicLong();
    final AtomicLong pingTimeouts = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong acceptErrors = new AtomicLong();
    final AtomicLong slowReadersClosed = new AtomicLong();
    private final AtomicLong peakPendingWriteBytes = new AtomicLong();

    /** WebSocket upgrades accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** Ping frames received so far, whether answered or not (a stalled session does not answer). */
    public long pings() {
        return pings.get();
    }

    /** Pongs received in answer to the {@code ping_every_ms} fault's pings. */
    public long pongs() {
        return pongs.get();
    }

    /** Connections the {@code ping_every_ms} fault closed because a ping went unanswered. */
    public long pingTimeouts() {
        return pingTimeouts.get();
    }

    /** TCP connections closed at accept because {@code maxConnections} were open. */
    public long refused() {
        return refused.get();
    }

    /** Accepts that failed (too many open files, say) and were survived. */
    public long acceptErrors() {
        return acceptErrors.get();
    }

    /** Connections closed because what was written to them piled up unread past {@code maxPendingWriteBytes}. */
    public long slowReadersClosed() {
        return slowReadersClosed.get();
    }

    /** The most bytes ever written to one connection and not yet taken by its socket. */
    public long peakPendingWriteBytes() {
        return peakPendingWriteBytes.get();
    }

    void pendingWriteBytes(long pending) {
        if (pending > peakPendingWriteBytes.get()) { // a read, not a write, per frame: the event loops share this line
            peakPendingWriteBytes.accumulateAndGet(pending, Math::max);
        }
    }
}
