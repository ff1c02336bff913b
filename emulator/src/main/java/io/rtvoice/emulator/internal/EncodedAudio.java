package io.rtvoice.emulator.internal;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A response's audio with its base64 made once, so that sending a delta copies text already made instead of
 * encoding it again. Base64 turns each 3 bytes into 4 characters on its own, so the base64 of any run of the
 * audio that starts at a multiple of 3 is a slice of the whole's; a run that starts 1 or 2 bytes past one is a
 * slice of the whole's made from that offset (three "phases", each made when first needed), and a run whose
 * length is not a multiple of 3 ends with one padded group of 4, made as it is written.
 *
 * <p>A looping voice (a monologue) is kept twice over, end to end, so that a delta that wraps from the loop's
 * end to its start is one run too. The text is only read once made, so one instance is shared by every session
 * saying the same words, on any event loop.
 */
final class EncodedAudio {

    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The audio, or for a loop the audio twice over. */
    private final byte[] bytes;
    /** The audio's length: runs start below it. */
    private final int length;
    /** Base64 of {@code bytes} from offset 0, 1 and 2, whole groups only; each made when first needed. */
    private final AtomicReferenceArray<byte[]> phases = new AtomicReferenceArray<>(3);

    private EncodedAudio(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** {@code audio} to be sent in runs that do not wrap. */
    static EncodedAudio of(byte[] audio) {
        return new EncodedAudio(audio, audio.length);
    }

    /** {@code audio} as a loop: a run may start anywhere in it and wrap past its end, up to one loop long. */
    static EncodedAudio loop(byte[] audio) {
        byte[] twice = Arrays.copyOf(audio, audio.length * 2);
        System.arraycopy(audio, 0, twice, audio.length, audio.length);
        return new EncodedAudio(twice, audio.length);
    }

    /** The length of the base64 of {@code n} bytes, padding included. */
    static int base64Length(int n) {
        return 4 * ((n + 2) / 3);
    }

    /** Whether the run of {@code n} bytes from {@code from} is one this can write. */
    boolean covers(int from, int n) {
        return from >= 0 && n >= 0 && from < Math.max(1, length) && (long) from + n <= bytes.length;
    }

    /** Writes the base64 of the {@code n} bytes from {@code from} ({@link #covers}), with its padding. */
    void writeBase64(int from, int n, ByteBuf out) {
        int phase = from % 3;
        int whole = n / 3 * 3;
        if (whole > 0) {
            out.writeBytes(phase(phase), (from - phase) / 3 * 4, whole / 3 * 4);
        }
        int rest = n - whole;
        if (rest > 0) {
            int b0 = bytes[from + whole] & 0xff;
            int b1 = rest > 1 ? bytes[from + whole + 1] & 0xff : 0;
            out.writeByte(ALPHABET[b0 >> 2]);
            out.writeByte(ALPHABET[(b0 & 0x03) << 4 | b1 >> 4]);
            out.writeByte(rest > 1 ? ALPHABET[(b1 & 0x0f) << 2] : '=');
            out.writeByte('=');
        }
    }

    private byte[] phase(int phase) {
        byte[] text = phases.get(phase);
        if (text == null) {
            // Two threads may both make it: the same text either way, and the first one kept.
            int n = Math.max(0, bytes.length - phase) / 3 * 3;
            text = Base64.getEncoder().encode(Arrays.copyOfRange(bytes, phase, phase + n));
            if (!phases.compareAndSet(phase, null, text)) {
                text = phases.get(phase);
            }
        }
        return text;
    }
}
