package io.rtvoice.internal.codec;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.Dialect;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.EventDecodeException.Reason;
import io.rtvoice.event.EventEncodeException;
import io.rtvoice.event.ServerEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The {@link EventCodec}: streaming for the hot events, databind on GA-shaped trees for the rest, with
 * {@link PreviewShape} translating the preview dialect.
 */
public final class JacksonEventCodec implements EventCodec {

    /** Standard base64 with padding and no line breaks, as the service writes it. */
    static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS;
    /** Scratch buffers above this size are not kept between calls, so one huge frame does not pin memory. */
    private static final int MAX_RETAINED_SCRATCH = 1 << 20;
    /** Output of {@code encode(event)} and decoded base64 on Jackson's path, per thread. */
    private static final ThreadLocal<GrowableBytes> SCRATCH = ThreadLocal.withInitial(() -> new GrowableBytes(8 * 1024));

    private final Dialect dialect;
    private final int maxFrameBytes;
    private final ObjectMapper mapper = JsonMapping.mapper();
    private final JsonFactory factory = JsonMapping.factory();

    private final String audioDeltaName;
    private final byte[] audioDeltaBytes;
    /** The zero-copy reader of audio deltas, per thread (it keeps scratch arrays and the last ids). */
    private static final ThreadLocal<AudioDeltaReader> AUDIO_DELTAS = ThreadLocal.withInitial(AudioDeltaReader::new);
    private final String transcriptDeltaName;
    private final String textDeltaName;
    /** Made once: a method reference made on each decode would be an allocation per frame. */
    private final StreamingPath<ServerEvent> streamServerEvent = this::streamServerEvent;
    private final StreamingPath<ClientEvent> streamClientEvent = this::streamClientEvent;

    /** A codec for {@code dialect}; use {@link EventCodec#builder()}. */
    public JacksonEventCodec(Dialect dialect, int maxFrameBytes) {
        this.dialect = dialect;
        this.maxFrameBytes = maxFrameBytes;
        this.audioDeltaName = wireName("response.output_audio.delta");
        this.audioDeltaBytes = audioDeltaName.getBytes(StandardCharsets.US_ASCII);
        this.transcriptDeltaName = wireName("response.output_audio_transcript.delta");
        this.textDeltaName = wireName("response.output_text.delta");
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    private String wireName(String gaName) {
        return dialect == Dialect.PREVIEW ? EventTypes.GA_TO_PREVIEW.getOrDefault(gaName, gaName) : gaName;
    }

    private String gaName(String wireName) {
        return dialect == Dialect.PREVIEW ? EventTypes.PREVIEW_TO_GA.getOrDefault(wireName, wireName) : wireName;
    }

    // ================================================================ decoding

    @Override
    public boolean decodeAudioDelta(byte[] frame, int offset, int length, AudioSink sink) {
        Objects.checkFromIndexSize(offset, length, frame.length);
        return length <= maxFrameBytes && AUDIO_DELTAS.get().read(frame, offset, length, audioDeltaBytes, sink);
    }

    @Override
    public ServerEvent decodeServerEvent(byte[] frame, int offset, int length) throws EventDecodeException {
        return decode(frame, offset, length, streamServerEvent, EventTypes::serverClass, ServerEvent.Unknown::new);
    }

    @Override
    public ClientEvent decodeClientEvent(byte[] frame, int offset, int length) throws EventDecodeException {
        return decode(frame, offset, length, streamClientEvent, EventTypes::clientClass, ClientEvent.Unknown::new);
    }

    /**
     * Decodes one event of either side: a hot event by streaming when the frame starts with its type, every
     * other event (and any the streaming path cannot read) through databind on a GA-shaped tree.
     *
     * @param streaming reads a hot event whose type the parser is on, or returns {@code null}
     * @param classOfGaName the record class of a GA event name, or {@code null} for a name not known
     * @param unknown makes the event for a type not known, from its event id, wire type and JSON
     */
    private <E> E decode(byte[] frame, int offset, int length, StreamingPath<E> streaming,
            Function<String, Class<? extends E>> classOfGaName, UnknownEvent<E> unknown) throws EventDecodeException {
        checkFrame(frame, offset, length);
        try (JsonParser p = factory.createParser(frame, offset, length)) {
            // The service writes "type" first; then the hot events never become a tree.
            if (p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
                    && "type".equals(p.currentName()) && p.nextToken() == JsonToken.VALUE_STRING) {
                E hot = streaming.read(p, frame, offset, length);
                if (hot != null) {
                    return hot;
                }
            }
        } catch (StreamReadException e) {
            // Fall through: the tree path reports the problem with the same reason.
        } catch (IOException e) {
            throw new EventDecodeException(Reason.MALFORMED_JSON, null, null, e.getMessage(), e);
        }
        ObjectNode event = readObject(frame, offset, length);
        String wire = typeOf(event);
        String ga = gaName(wire);
        Class<? extends E> type = classOfGaName.apply(ga);
        if (type == null) {
            return unknown.of(event.path("event_id").textValue(), wire, new String(frame, offset, length, StandardCharsets.UTF_8));
        }
        normaliseToGa(event, ga);
        return bind(event, type, wire);
    }

    /** The server's hot events: the output deltas. */
    private ServerEvent streamServerEvent(JsonParser p, byte[] frame, int offset, int length)
            throws IOException, EventDecodeException {
        if (textEquals(p, audioDeltaName)) {
            return readDelta(p, audioDeltaName, true, frame, offset, length);
        }
        if (textEquals(p, transcriptDeltaName)) {
            return readDelta(p, transcriptDeltaName, false, frame, offset, length);
        }
        if (textEquals(p, textDeltaName)) {
            return readDelta(p, textDeltaName, false, frame, offset, length);
        }
        return null;
    }

    /** The client's hot event: the audio append. */
    private ClientEvent streamClientEvent(JsonParser p, byte[] frame, int offset, int length)
            throws IOException, EventDecodeException {
        return textEquals(p, "input_audio_buffer.append") ? readAppend(p, frame, offset, length) : null;
    }

    private void checkFrame(byte[] frame, int offset, int length) throws EventDecodeException {
        if (offset < 0 || length < 0 || offset > frame.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " outside frame of " + frame.length);
        }
        if (length > maxFrameBytes) {
            throw new EventDecodeException(Reason.FRAME_TOO_LARGE, null, null,
                    "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes + " bytes", null);
        }
    }

    /** Streams a delta event (type already read) into its record; audio is decoded from base64 in place. */
    private ServerEvent readDelta(JsonParser p, String wire, boolean audio, byte[] frame, int offset, int length)
            throws IOException, EventDecodeException {
        String eventId = null;
        String responseId = null;
        String itemId = null;
        int outputIndex = -1;
        int contentIndex = -1;
        String text = null;
        byte[] pcm = null;
        boolean ranToEnd = false;
        fields:
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "event_id" -> eventId = string(p, value, wire, field);
                case "response_id" -> responseId = string(p, value, wire, field);
                case "item_id" -> itemId = string(p, value, wire, field);
                case "output_index" -> outputIndex = integer(p, value, wire, field);
                case "content_index" -> contentIndex = integer(p, value, wire, field);
                case "delta" -> {
                    if (audio) {
                        pcm = lastFieldBase64(p, value, frame, offset, length);
                        if (pcm != null) {
                            ranToEnd = true; // the value ran to the closing brace: nothing follows
                            break fields;
                        }
                        pcm = base64(p, value, wire, field);
                    } else {
                        text = string(p, value, wire, field);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!ranToEnd) {
            requireEnd(p, wire);
        }
        if (outputIndex < 0 || contentIndex < 0 || (audio ? pcm == null : text == null)) {
            String missing = outputIndex < 0 ? "output_index" : contentIndex < 0 ? "content_index" : "delta";
            throw new EventDecodeException(Reason.INVALID_FIELD, wire, missing, "required field is missing", null);
        }
        if (audio) {
            return new ServerEvent.ResponseOutputAudioDelta(eventId, responseId, itemId, outputIndex, contentIndex, pcm);
        }
        return wire.equals(textDeltaName)
                ? new ServerEvent.ResponseOutputTextDelta(eventId, responseId, itemId, outputIndex, contentIndex, text)
                : new ServerEvent.ResponseOutputAudioTranscriptDelta(eventId, responseId, itemId, outputIndex, contentIndex, text);
    }

    private ClientEvent readAppend(JsonParser p, byte[] frame, int offset, int length) throws IOException, EventDecodeException {
        String wire = "input_audio_buffer.append";
        String eventId = null;
        byte[] audio = null;
        boolean ranToEnd = false;
        fields:
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "event_id" -> eventId = string(p, value, wire, field);
                case "audio" -> {
                    audio = lastFieldBase64(p, value, frame, offset, length);
                    if (audio != null) {
                        ranToEnd = true;
                        break fields;
                    }
                    audio = base64(p, value, wire, field);
                }
                default -> p.skipChildren();
            }
        }
        if (!ranToEnd) {
            requireEnd(p, wire);
        }
        if (audio == null) {
            throw new EventDecodeException(Reason.INVALID_FIELD, wire, "audio", "required field is missing", null);
        }
        return new ClientEvent.InputAudioBufferAppend(eventId, audio);
    }

    private static void requireEnd(JsonParser p, String wire) throws IOException, EventDecodeException {
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new EventDecodeException(Reason.MALFORMED_JSON, wire, null, "content after the event object", null);
        }
    }

    private static String string(JsonParser p, JsonToken value, String wire, String field) throws IOException, EventDecodeException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(wire, field, "a string", value);
    }

    private static int integer(JsonParser p, JsonToken value, String wire, String field) throws IOException, EventDecodeException {
        if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() >= 0) {
            return p.getIntValue();
        }
        throw wrongType(wire, field, "a non-negative integer", value);
    }

    /**
     * The fast path for the audio field, which the service writes last: if the frame ends with the
     * closing quote of this string and the brace, the bytes between the quotes are base64-decoded by the
     * JDK (whose decoder is vectorised) without Jackson scanning them. The JDK decoder rejects {@code "}
     * and {@code \\}, so a successful decode proves the span is exactly the string value. Returns
     * {@code null} when the shape does not fit; the caller then takes Jackson's own path.
     */
    private static byte[] lastFieldBase64(JsonParser p, JsonToken value, byte[] frame, int offset, int length) {
        if (value != JsonToken.VALUE_STRING) {
            return null;
        }
        int open = offset + (int) p.currentTokenLocation().getByteOffset();
        int close = closingQuoteOfLast(frame, open, offset + length);
        if (close < 0) {
            return null;
        }
        try {
            ByteBuffer pcm = Base64.getDecoder().decode(ByteBuffer.wrap(frame, open + 1, close - open - 1));
            return pcm.limit() == pcm.capacity() ? pcm.array() : Arrays.copyOf(pcm.array(), pcm.limit());
        } catch (IllegalArgumentException e) {
            return null; // not plain base64 up to the brace: let Jackson read it and report precisely
        }
    }

    /**
     * If the string value whose opening quote is at {@code open} is the object's last, running to the closing
     * brace at the frame's {@code end} (exclusive; whitespace allowed around), the index of its closing quote;
     * else -1. Nothing between is checked: the caller's base64 decoder refuses a quote or a backslash.
     */
    static int closingQuoteOfLast(byte[] frame, int open, int end) {
        int brace = end - 1;
        while (brace > open && isJsonWhitespace(frame[brace])) {
            brace--;
        }
        if (brace <= open || frame[brace] != '}') {
            return -1;
        }
        int close = brace - 1;
        while (close > open && isJsonWhitespace(frame[close])) {
            close--;
        }
        return close > open && frame[open] == '"' && frame[close] == '"' ? close : -1;
    }

    static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** Decodes a base64 string value straight from the input bytes; no String of the audio is made. */
    private static byte[] base64(JsonParser p, JsonToken value, String wire, String field) throws IOException, EventDecodeException {
        if (value != JsonToken.VALUE_STRING) {
            throw wrongType(wire, field, "a base64 string", value);
        }
        GrowableBytes sink = SCRATCH.get();
        sink.reset();
        try {
            p.readBinaryValue(BASE64, sink);
            return sink.toByteArray();
        } catch (JsonEOFException e) {
            throw new EventDecodeException(Reason.MALFORMED_JSON, wire, field, "frame ends inside the string", e);
        } catch (IllegalArgumentException | StreamReadException e) {
            throw new EventDecodeException(Reason.INVALID_BASE64, wire, field, "invalid base64: " + firstLine(e), e);
        } finally {
            if (sink.capacity() > MAX_RETAINED_SCRATCH) {
                SCRATCH.remove();
            }
        }
    }

    private static EventDecodeException wrongType(String wire, String field, String expected, JsonToken got) {
        return new EventDecodeException(Reason.INVALID_FIELD, wire, field, "expected " + expected + ", got " + got, null);
    }

    /** Compares the current string token with {@code expected} without making a String. */
    private static boolean textEquals(JsonParser p, String expected) throws IOException {
        int length = p.getTextLength();
        if (length != expected.length()) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private ObjectNode readObject(byte[] frame, int offset, int length) throws EventDecodeException {
        JsonNode root;
        try (JsonParser p = factory.createParser(frame, offset, length)) {
            root = mapper.readTree(p);
            if (root != null && p.nextToken() != null) {
                throw new EventDecodeException(Reason.MALFORMED_JSON, null, null, "content after the event object", null);
            }
        } catch (StreamReadException e) {
            throw new EventDecodeException(Reason.MALFORMED_JSON, null, null, firstLine(e), e);
        } catch (IOException e) {
            throw new EventDecodeException(Reason.MALFORMED_JSON, null, null, e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new EventDecodeException(Reason.MALFORMED_JSON, null, null, "empty frame", null);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new EventDecodeException(Reason.MALFORMED_JSON, null, null, "expected a JSON object, got " + root.getNodeType(), null);
        }
        return object;
    }

    private static String typeOf(ObjectNode event) throws EventDecodeException {
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual() || type.textValue().isEmpty()) {
            throw new EventDecodeException(Reason.MISSING_TYPE, null, "type",
                    type == null ? "the 'type' field is missing" : "'type' must be a non-empty string", null);
        }
        return type.textValue();
    }

    private void normaliseToGa(ObjectNode event, String ga) {
        if (dialect == Dialect.PREVIEW || PreviewShape.alwaysFlat(ga)) {
            PreviewShape.toGa(event, ga);
        }
        if (event.get("part") instanceof ObjectNode part) {
            // Content-part events say audio/text on the wire in both dialects; the model says output_*.
            PreviewShape.contentTypeToGa(part);
        }
        event.remove("type");
    }

    private <T> T bind(ObjectNode event, Class<T> type, String wire) throws EventDecodeException {
        try {
            return mapper.treeToValue(event, type);
        } catch (MismatchedInputException e) {
            Reason reason = e.getTargetType() == byte[].class ? Reason.INVALID_BASE64 : Reason.INVALID_FIELD;
            throw new EventDecodeException(reason, wire, path(e), firstLine(e), e);
        } catch (JsonMappingException e) {
            throw new EventDecodeException(Reason.INVALID_FIELD, wire, path(e), firstLine(e), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new EventDecodeException(Reason.INVALID_FIELD, wire, null, e.getMessage(), e);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder s = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (s.length() > 0) {
                    s.append('.');
                }
                s.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                s.append('[').append(r.getIndex()).append(']');
            }
        }
        return s.length() == 0 ? null : s.toString();
    }

    private static String firstLine(Exception e) {
        String m = e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    // ================================================================ encoding

    @Override
    public void encode(ClientEvent event, OutputStream out) throws IOException {
        if (event instanceof ClientEvent.InputAudioBufferAppend append) {
            HotWriter.write(factory, out, "input_audio_buffer.append", (g, w) -> {
                if (append.eventId() != null) {
                    g.writeStringField("event_id", append.eventId());
                }
                g.writeFieldName("audio");
                w.writeBase64(g, append.audio());
            });
        } else if (event instanceof ClientEvent.Unknown unknown) {
            out.write(unknown.json().getBytes(StandardCharsets.UTF_8));
        } else {
            writeTree(event, EventTypes.clientTypeName(event), out);
        }
    }

    @Override
    public void encode(ServerEvent event, OutputStream out) throws IOException {
        if (event instanceof ServerEvent.ResponseOutputAudioDelta d) {
            HotWriter.write(factory, out, audioDeltaName, (g, w) -> {
                deltaFields(g, d.eventId(), d.responseId(), d.itemId(), d.outputIndex(), d.contentIndex());
                g.writeFieldName("delta");
                w.writeBase64(g, d.delta());
            });
        } else if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDelta d) {
            HotWriter.write(factory, out, transcriptDeltaName, (g, w) -> {
                deltaFields(g, d.eventId(), d.responseId(), d.itemId(), d.outputIndex(), d.contentIndex());
                g.writeStringField("delta", d.delta());
            });
        } else if (event instanceof ServerEvent.Unknown unknown) {
            out.write(unknown.json().getBytes(StandardCharsets.UTF_8));
        } else {
            writeTree(event, EventTypes.serverTypeName(event), out);
        }
    }

    private static void deltaFields(JsonGenerator g, String eventId, String responseId, String itemId, int outputIndex,
            int contentIndex) throws IOException {
        if (eventId != null) {
            g.writeStringField("event_id", eventId);
        }
        if (responseId != null) {
            g.writeStringField("response_id", responseId);
        }
        if (itemId != null) {
            g.writeStringField("item_id", itemId);
        }
        g.writeNumberField("output_index", outputIndex);
        g.writeNumberField("content_index", contentIndex);
    }

    private void writeTree(Object event, String ga, OutputStream out) throws IOException {
        ObjectNode body = mapper.valueToTree(event);
        ObjectNode json = mapper.createObjectNode();
        json.put("type", wireName(ga));
        json.setAll(body);
        if (dialect == Dialect.PREVIEW || PreviewShape.alwaysFlat(ga)) {
            PreviewShape.toPreview(json, ga);
        } else {
            rejectPreviewOnly(json);
        }
        if (json.get("part") instanceof ObjectNode part) {
            PreviewShape.contentTypeToPreview(part);
        }
        mapper.writeValue(out, json);
    }

    /** GA has no temperature: refusing it beats silently dropping a setting the user chose. */
    private static void rejectPreviewOnly(ObjectNode event) {
        for (String holder : new String[] {"session", "response"}) {
            if (event.get(holder) instanceof ObjectNode o && o.has("temperature")) {
                throw new EventEncodeException(Dialect.GA, holder + ".temperature", "not available in the GA dialect");
            }
        }
    }

    @Override
    public byte[] encode(ClientEvent event) {
        return toBytes(out -> encode(event, out));
    }

    @Override
    public byte[] encode(ClientEvent event, IntFunction<byte[]> arrays) {
        // Written out rather than through toBytes: a capturing lambda here was not scalar-replaced (24 B per append).
        GrowableBytes sink = SCRATCH.get();
        sink.reset();
        try {
            encode(event, sink);
            return sink.copyInto(arrays);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the sink is in memory
        } finally {
            if (sink.capacity() > MAX_RETAINED_SCRATCH) {
                SCRATCH.remove();
            }
        }
    }

    @Override
    public byte[] encode(ServerEvent event) {
        return toBytes(out -> encode(event, out));
    }

    /** Runs {@code encoding} into this thread's scratch buffer and returns the bytes at their exact size. */
    private static byte[] toBytes(Encoding encoding) {
        GrowableBytes sink = SCRATCH.get();
        sink.reset();
        try {
            encoding.into(sink);
            return sink.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the sink is in memory
        } finally {
            if (sink.capacity() > MAX_RETAINED_SCRATCH) {
                SCRATCH.remove();
            }
        }
    }

    /** An encoding into an in-memory stream. */
    @FunctionalInterface
    private interface Encoding {
        void into(OutputStream out) throws IOException;
    }

    /** Reads a hot event by streaming, the parser on its type's value; {@code null} when the type is not a hot one. */
    @FunctionalInterface
    private interface StreamingPath<E> {
        E read(JsonParser p, byte[] frame, int offset, int length) throws IOException, EventDecodeException;
    }

    /** The {@code Unknown} event of one side. */
    @FunctionalInterface
    private interface UnknownEvent<E> {
        E of(String eventId, String wireType, String json);
    }
}
