package io.rtvoice.event;

import io.rtvoice.Dialect;
import io.rtvoice.internal.codec.JacksonEventCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Encodes and decodes Realtime events as UTF-8 JSON text frames in one {@link Dialect}. Both sides are
 * covered (client and server events), so the same codec serves a client and a server. Immutable and
 * thread-safe: build one per dialect and share it.
 *
 * <p>The hot events ({@code input_audio_buffer.append} and the audio and transcript deltas) go through
 * Jackson's streaming API straight between UTF-8 bytes and PCM; everything else through databind on
 * the event records.
 */
public interface EventCodec {

    /** Default largest frame accepted by the decoders: 16 MiB. */
    int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

    /** A codec for {@code dialect} with default limits. */
    static EventCodec of(Dialect dialect) {
        return builder().dialect(dialect).build();
    }

    /** A builder; the dialect defaults to {@link Dialect#GA}. */
    static Builder builder() {
        return new Builder();
    }

    /** The dialect this codec reads and writes. */
    Dialect dialect();

    /** The largest frame the decoders accept, in bytes. */
    int maxFrameBytes();

    /**
     * Decodes a server event from {@code length} UTF-8 bytes of {@code frame} at {@code offset}. The bytes
     * are only read during the call. An event type the codec does not know becomes
     * {@link ServerEvent.Unknown}; unknown fields of known events are ignored.
     *
     * @throws EventDecodeException if the frame is not a valid event (the reason says why)
     */
    ServerEvent decodeServerEvent(byte[] frame, int offset, int length) throws EventDecodeException;

    /** Decodes a client event; see {@link #decodeServerEvent(byte[], int, int)}. */
    ClientEvent decodeClientEvent(byte[] frame, int offset, int length) throws EventDecodeException;

    /** Encodes a client event as UTF-8 JSON into {@code out} (not closed). */
    void encode(ClientEvent event, OutputStream out) throws IOException;

    /** Encodes a server event as UTF-8 JSON into {@code out} (not closed). */
    void encode(ServerEvent event, OutputStream out) throws IOException;

    /** Decodes a whole server event frame. */
    default ServerEvent decodeServerEvent(byte[] frame) throws EventDecodeException {
        return decodeServerEvent(frame, 0, frame.length);
    }

    /** Decodes a server event from JSON text. */
    default ServerEvent decodeServerEvent(String json) throws EventDecodeException {
        return decodeServerEvent(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a whole client event frame. */
    default ClientEvent decodeClientEvent(byte[] frame) throws EventDecodeException {
        return decodeClientEvent(frame, 0, frame.length);
    }

    /** Decodes a client event from JSON text. */
    default ClientEvent decodeClientEvent(String json) throws EventDecodeException {
        return decodeClientEvent(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Where {@link #decodeAudioDelta} puts the audio of an output audio delta: the voice path's sink (a
     * playout buffer), which needs neither an event nor an array of its own.
     */
    @FunctionalInterface
    interface AudioSink {
        /**
         * The audio of one delta, in the session's output format (PCM16 little-endian unless configured
         * otherwise). {@code audio} is lent: valid only during the call, and reused after it.
         *
         * @param responseId the response, or null when the frame had none
         * @param itemId the item, or null when the frame had none
         */
        void audio(String responseId, String itemId, int outputIndex, int contentIndex, byte[] audio, int offset, int length);
    }

    /**
     * If {@code frame} is a {@code response.output_audio.delta} (the dialect's name for it) of the plain shape
     * the service sends, decodes its audio straight into {@code sink} — no event, no parser, no PCM array of
     * its own; ids that repeat the last frame's are the same {@code String}s — and returns true. Otherwise
     * returns false having delivered nothing: the frame is then for {@link #decodeServerEvent(byte[], int, int)},
     * which also reports what is wrong with a malformed one.
     */
    default boolean decodeAudioDelta(byte[] frame, int offset, int length, AudioSink sink) {
        return false;
    }

    /** Encodes a client event as UTF-8 JSON. */
    byte[] encode(ClientEvent event);

    /**
     * Encodes a client event as UTF-8 JSON into the array {@code arrays} gives for its exact size, and returns that
     * array: with arrays from a pool, the send path allocates none of its own.
     *
     * @throws IllegalStateException when {@code arrays} gives an array of another size
     */
    default byte[] encode(ClientEvent event, IntFunction<byte[]> arrays) {
        byte[] frame = encode(event);
        byte[] into = arrays.apply(frame.length);
        if (into.length != frame.length) {
            throw new IllegalStateException("arrays gave " + into.length + " bytes for a frame of " + frame.length);
        }
        System.arraycopy(frame, 0, into, 0, frame.length);
        return into;
    }

    /** Encodes a server event as UTF-8 JSON. */
    byte[] encode(ServerEvent event);

    /** Builds an {@link EventCodec}. */
    final class Builder {
        private Dialect dialect = Dialect.GA;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;

        private Builder() {
        }

        /** The dialect to read and write. */
        public Builder dialect(Dialect dialect) {
            this.dialect = java.util.Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** The largest frame the decoders accept, in bytes (default 16 MiB). */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes < 1) {
                throw new IllegalArgumentException("maxFrameBytes : " + maxFrameBytes + " (expected: > 0)");
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** The codec. */
        public EventCodec build() {
            return new JacksonEventCodec(dialect, maxFrameBytes);
        }
    }
}
