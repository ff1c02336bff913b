package io.rtvoice.internal.client;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Append frames for reuse, handed back by the transport once written: a session's appends come in one or two
 * sizes (one period of audio each), so a few exact-size arrays carry them all. Lock-free; bounded.
 */
final class FramePool {

    private static final int SLOTS = 16;
    /** Larger frames are not kept: their memory would outweigh what reuse saves (a 200 ms append is 13 KB). */
    static final int MAX_FRAME = 16 * 1024;

    private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(SLOTS);
    /** The size last asked for: only arrays of it are kept (the transport hands back every frame, not only appends). */
    private volatile int wanted = -1;

    /** An array of exactly {@code length} bytes: one handed back, else a new one. */
    byte[] take(int length) {
        wanted = length;
        for (int i = 0; i < SLOTS; i++) {
            byte[] frame = slots.get(i);
            if (frame != null && frame.length == length && slots.compareAndSet(i, frame, null)) {
                return frame;
            }
        }
        return new byte[length];
    }

    /**
     * Keeps {@code frame}, if it has the size last asked for, for a later {@link #take}: in a free slot, else in place
     * of one of another size (the period changed: those are not asked for again); else leaves it to the garbage collector.
     */
    void give(byte[] frame) {
        if (frame.length > MAX_FRAME || frame.length != wanted) {
            return;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, frame)) {
                return;
            }
        }
        for (int i = 0; i < SLOTS; i++) {
            byte[] other = slots.get(i);
            if (other != null && other.length != frame.length && slots.compareAndSet(i, other, frame)) {
                return;
            }
        }
    }
}
