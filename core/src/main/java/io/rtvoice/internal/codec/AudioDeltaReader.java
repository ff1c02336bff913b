package io.rtvoice.internal.codec;

import io.rtvoice.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads an output audio delta frame without a JSON parser, an event or a PCM array of its own: a scan of the
 * flat object the service sends (string and integer values, no escapes in them), the ids kept from the last
 * frame when their bytes are the same, and the audio base64-decoded by the JDK (vectorised) into a reused
 * array handed to a {@link EventCodec.AudioSink}. Anything else — another event, a nested value, an escape —
 * makes {@link #read} answer "not mine", and the frame takes the codec's full path, which reports precisely.
 *
 * <p>One per thread: it keeps scratch arrays and the last ids.
 */
final class AudioDeltaReader {

    /** The JDK's decoder takes whole arrays: one exact-size pair per length seen lately (deltas come in few sizes). */
    private static final int SIZES = 4;
    private static final int MAX_KEPT = 1 << 20;

    private final byte[][] base64 = new byte[SIZES][];
    private final byte[][] pcm = new byte[SIZES][];
    private int nextSlot;
    private final IdCache responseIds = new IdCache();
    private final IdCache itemIds = new IdCache();

    // Where the last scan found the values: [start, end) of the bytes between the quotes.
    private int typeStart;
    private int typeEnd;
    private int responseStart;
    private int responseEnd;
    private int itemStart;
    private int itemEnd;
    private int deltaStart;
    private int deltaEnd;
    private int outputIndex;
    private int contentIndex;
    private boolean guessed;

    /**
     * If {@code frame} is an audio delta named {@code typeName} of the plain shape, decodes its audio into
     * {@code sink} and returns true; otherwise returns false having delivered nothing.
     */
    boolean read(byte[] frame, int offset, int length, byte[] typeName, EventCodec.AudioSink sink) {
        // The audio is usually last, and then not scanned; when that guess was wrong, once more with a scan.
        return read(frame, offset, length, typeName, sink, true) || (guessed && read(frame, offset, length, typeName, sink, false));
    }

    private boolean read(byte[] frame, int offset, int length, byte[] typeName, EventCodec.AudioSink sink, boolean guess) {
        if (!scan(frame, offset, offset + length, guess) || typeEnd - typeStart != typeName.length
                || !java.util.Arrays.equals(frame, typeStart, typeEnd, typeName, 0, typeName.length)
                || deltaStart < 0 || outputIndex < 0 || contentIndex < 0) {
            return false;
        }
        int chars = deltaEnd - deltaStart;
        int slot = slotFor(chars);
        byte[] in = base64[slot];
        System.arraycopy(frame, deltaStart, in, 0, chars);
        byte[] out = pcm[slot];
        int decoded;
        try {
            decoded = Base64.getDecoder().decode(in, out);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        String responseId = responseStart < 0 ? null : responseIds.of(frame, responseStart, responseEnd);
        String itemId = itemStart < 0 ? null : itemIds.of(frame, itemStart, itemEnd);
        sink.audio(responseId, itemId, outputIndex, contentIndex, out, 0, decoded);
        return true;
    }

    /** The exact-size arrays for {@code chars} base64 characters (and the most PCM they can hold). */
    private int slotFor(int chars) {
        for (int i = 0; i < SIZES; i++) {
            if (base64[i] != null && base64[i].length == chars) {
                return i;
            }
        }
        int slot = nextSlot;
        nextSlot = (nextSlot + 1) % SIZES;
        base64[slot] = new byte[chars];
        pcm[slot] = new byte[(chars * 3 + 3) / 4];
        if (chars > MAX_KEPT) { // not worth keeping: the next call replaces it
            nextSlot = slot;
        }
        return slot;
    }

    /** Scans a flat JSON object; false when it is not one this reader handles. */
    private boolean scan(byte[] f, int at, int end, boolean guess) {
        guessed = false;
        typeStart = responseStart = itemStart = deltaStart = -1;
        outputIndex = contentIndex = -1;
        at = skipSpace(f, at, end);
        if (at >= end || f[at] != '{') {
            return false;
        }
        at++;
        while (true) {
            at = skipSpace(f, at, end);
            if (at >= end || f[at] != '"') {
                return false;
            }
            int keyStart = at + 1;
            int keyEnd = closingQuote(f, keyStart, end);
            if (keyEnd < 0) {
                return false;
            }
            at = skipSpace(f, keyEnd + 1, end);
            if (at >= end || f[at] != ':') {
                return false;
            }
            at = skipSpace(f, at + 1, end);
            if (at >= end) {
                return false;
            }
            int key = key(f, keyStart, keyEnd);
            if (guess && key == DELTA && f[at] == '"' && lastString(f, at, end)) {
                guessed = true;
                return true; // the audio, last as the service writes it: not scanned byte by byte (the decoder checks it)
            }
            if (f[at] == '"') {
                int valueEnd = closingQuote(f, at + 1, end);
                if (valueEnd < 0) {
                    return false;
                }
                switch (key) {
                    case TYPE -> { typeStart = at + 1; typeEnd = valueEnd; }
                    case RESPONSE_ID -> { responseStart = at + 1; responseEnd = valueEnd; }
                    case ITEM_ID -> { itemStart = at + 1; itemEnd = valueEnd; }
                    case DELTA -> { deltaStart = at + 1; deltaEnd = valueEnd; }
                    case OUTPUT_INDEX, CONTENT_INDEX -> {
                        return false;
                    }
                    default -> { } // event_id and anything else: not needed
                }
                at = valueEnd + 1;
            } else if (f[at] >= '0' && f[at] <= '9') {
                long value = 0;
                while (at < end && f[at] >= '0' && f[at] <= '9') {
                    value = value * 10 + (f[at++] - '0');
                    if (value > Integer.MAX_VALUE) {
                        return false;
                    }
                }
                if (key == OUTPUT_INDEX) {
                    outputIndex = (int) value;
                } else if (key == CONTENT_INDEX) {
                    contentIndex = (int) value;
                } else if (key != OTHER) {
                    return false;
                }
            } else if (key == OTHER && startsWith(f, at, end, NULL)) {
                at += NULL.length;
            } else {
                return false; // a nested value, a negative or fractional number, a literal: the full path decides
            }
            at = skipSpace(f, at, end);
            if (at >= end) {
                return false;
            }
            if (f[at] == '}') {
                return skipSpace(f, at + 1, end) == end;
            }
            if (f[at] != ',') {
                return false;
            }
            at++;
        }
    }

    private static final int OTHER = 0;
    private static final int TYPE = 1;
    private static final int RESPONSE_ID = 2;
    private static final int ITEM_ID = 3;
    private static final int OUTPUT_INDEX = 4;
    private static final int CONTENT_INDEX = 5;
    private static final int DELTA = 6;
    private static final byte[][] KEYS = {
        null, ascii("type"), ascii("response_id"), ascii("item_id"), ascii("output_index"), ascii("content_index"), ascii("delta"),
    };
    private static final byte[] NULL = ascii("null");

    private static int key(byte[] f, int start, int end) {
        for (int k = 1; k < KEYS.length; k++) {
            if (java.util.Arrays.equals(f, start, end, KEYS[k], 0, KEYS[k].length)) {
                return k;
            }
        }
        return OTHER;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] f, int at, int end, byte[] word) {
        return end - at >= word.length && java.util.Arrays.equals(f, at, at + word.length, word, 0, word.length);
    }

    /**
     * Whether the string value opening at {@code quote} runs to the frame's closing brace: then its bytes are
     * taken as the audio without a scan. The base64 decoder refuses a quote or a backslash, so a span that
     * really held more fields fails there, and the frame goes to the full decode.
     */
    private boolean lastString(byte[] f, int quote, int end) {
        int close = JacksonEventCodec.closingQuoteOfLast(f, quote, end);
        if (close < 0) {
            return false;
        }
        deltaStart = quote + 1;
        deltaEnd = close;
        return true;
    }

    /** The index of the quote closing a string that starts at {@code at}; -1 at an escape or a control byte. */
    private static int closingQuote(byte[] f, int at, int end) {
        for (int i = at; i < end; i++) {
            byte b = f[i];
            if (b == '"') {
                return i;
            }
            if (b == '\\' || (b >= 0 && b < 0x20)) {
                return -1;
            }
        }
        return -1;
    }

    private static int skipSpace(byte[] f, int at, int end) {
        while (at < end && JacksonEventCodec.isJsonWhitespace(f[at])) {
            at++;
        }
        return at;
    }

    /** The last id seen, as a String, kept while the same bytes come again (a response's deltas share theirs). */
    private static final class IdCache {
        private byte[] bytes = new byte[0];
        private String value;

        String of(byte[] f, int start, int end) {
            if (value != null && java.util.Arrays.equals(f, start, end, bytes, 0, bytes.length)) {
                return value;
            }
            bytes = java.util.Arrays.copyOfRange(f, start, end);
            value = new String(bytes, StandardCharsets.UTF_8);
            return value;
        }
    }
}
