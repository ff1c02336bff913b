package io.rtvoice.emulator.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.ScheduledExecutorService;

/** Where a session's frames go: the connection, seen from the session. All calls on the connection's event loop. */
interface Outbound {

    /** Sends one text frame of UTF-8 JSON. */
    void send(byte[] utf8);

    /** Sends one text frame that {@code frame} writes straight into the connection's buffer. */
    void send(Frame frame);

    /** Closes with a close frame. */
    void close(int code, String reason);

    /** Drops the TCP connection with no close frame (a fault). */
    void abort();

    /** Sends the first half of a text frame carrying {@code utf8}, then drops the TCP connection (a fault). */
    void abortMidFrame(byte[] utf8);

    /** The connection's event loop, for timers. */
    ScheduledExecutorService executor();

    /** A text frame that writes its own UTF-8 JSON, without being made a {@code byte[]} first. */
    interface Frame {

        /** Its length in bytes. */
        int length();

        /** Writes its {@link #length()} bytes into {@code out}. */
        void writeTo(ByteBuf out);

        /** Its bytes as an array (for the log and the faults, off the hot path). */
        default byte[] toBytes() {
            byte[] bytes = new byte[length()];
            writeTo(Unpooled.wrappedBuffer(bytes).clear());
            return bytes;
        }
    }
}
