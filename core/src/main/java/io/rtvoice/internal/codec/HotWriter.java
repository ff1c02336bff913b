package io.rtvoice.internal.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;

/**
 * One JSON generator per thread for the hot events, kept between frames and pointed at each frame's
 * output stream in turn, so steady-state encoding allocates nothing. Base64 is done by the JDK's
 * vectorised encoder into a reused buffer and written as the string value as is.
 */
final class HotWriter extends OutputStream {

    /** Base64 text above this size is not kept between frames. */
    private static final int MAX_RETAINED_BASE64 = 1 << 20;
    private static final ThreadLocal<HotWriter> WRITERS = new ThreadLocal<>();

    private final JsonGenerator generator;
    private OutputStream target;
    private byte[] base64 = new byte[4096];

    private HotWriter(JsonFactory factory) throws IOException {
        generator = factory.createGenerator(this);
        generator.setRootValueSeparator(null); // frames follow each other with nothing between them
    }

    /** Writes one event into {@code out}: {@code body} writes the fields after {@code type}. */
    static void write(JsonFactory factory, OutputStream out, String type, Body body) throws IOException {
        HotWriter writer = WRITERS.get();
        if (writer == null) {
            writer = new HotWriter(factory);
            WRITERS.set(writer);
        }
        writer.target = out;
        boolean done = false;
        try {
            JsonGenerator g = writer.generator;
            g.writeStartObject();
            g.writeStringField("type", type);
            body.write(g, writer);
            g.writeEndObject();
            g.flush();
            done = true;
        } finally {
            writer.target = null;
            if (!done || writer.base64.length > MAX_RETAINED_BASE64) {
                WRITERS.remove(); // a half-written generator is never reused
            }
        }
    }

    /** Writes {@code data} as a base64 string value. */
    void writeBase64(JsonGenerator g, byte[] data) throws IOException {
        int needed = 4 * ((data.length + 2) / 3);
        if (base64.length < needed) {
            base64 = new byte[Math.max(needed, base64.length * 2)];
        }
        int written = Base64.getEncoder().encode(data, base64);
        g.writeRawUTF8String(base64, 0, written);
    }

    @Override
    public void write(int b) throws IOException {
        target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        target.write(b, off, len);
    }

    /** The fields of one hot event after its {@code type}. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g, HotWriter writer) throws IOException;
    }
}
