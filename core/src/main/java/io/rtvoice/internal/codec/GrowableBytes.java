package io.rtvoice.internal.codec;

import java.io.OutputStream;
import java.util.Arrays;

/** A reusable byte sink: decoded base64 lands here before it is copied out at its exact size. */
final class GrowableBytes extends OutputStream {
    private byte[] bytes;
    private int size;

    GrowableBytes(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** The bytes, copied into the array {@code arrays} gives for their exact size. */
    byte[] copyInto(java.util.function.IntFunction<byte[]> arrays) {
        byte[] into = arrays.apply(size);
        if (into.length != size) {
            throw new IllegalStateException("arrays gave " + into.length + " bytes for a frame of " + size);
        }
        System.arraycopy(bytes, 0, into, 0, size);
        return into;
    }

    void reset() {
        size = 0;
    }

    int capacity() {
        return bytes.length;
    }
}
