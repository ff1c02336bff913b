package io.rtvoice.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.Dialect;
import io.rtvoice.event.EventEncodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites event JSON between the preview shape and the GA shape the event model uses. Everything the
 * codec knows about the preview dialect's shapes is here (names are in {@link EventTypes}).
 */
final class PreviewShape {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Session, response and response-parameter fields that exist only in GA. */
    private static final Set<String> GA_ONLY_SETTINGS = Set.of("truncation", "prompt", "reasoning", "parallel_tool_calls");

    private PreviewShape() {
    }

    // ---------------------------------------------------------------- preview -> GA (decoding)

    /**
     * Whether the event's session always travels in the flat preview shape: the GA spec still defines
     * {@code transcription_session.*} with the beta session schema, so they use it in both dialects.
     */
    static boolean alwaysFlat(String gaType) {
        return gaType.startsWith("transcription_session.");
    }

    /** Rewrites a preview event (already carrying its GA type name) into the GA shape, in place. */
    static void toGa(ObjectNode event, String gaType) {
        switch (gaType) {
            case "session.update", "transcription_session.update", "session.created", "session.updated",
                    "transcription_session.created", "transcription_session.updated" ->
                    ifObject(event, "session", PreviewShape::sessionToGa);
            case "response.create" -> ifObject(event, "response", PreviewShape::responseParamsToGa);
            case "response.created", "response.done" -> ifObject(event, "response", PreviewShape::responseToGa);
            case "conversation.item.create", "conversation.item.created", "conversation.item.added",
                    "conversation.item.done", "conversation.item.retrieved", "response.output_item.added",
                    "response.output_item.done" -> ifObject(event, "item", PreviewShape::itemToGa);
            default -> {
            }
        }
    }

    private static void sessionToGa(ObjectNode s) {
        modalitiesToGa(s);
        // The service's name; the first spec (2024-10) said max_output_tokens, which is read as is.
        rename(s, "max_response_output_tokens", "max_output_tokens");
        moveInto(s, "input_audio_format", s, "input", "format", true);
        moveInto(s, "input_audio_transcription", s, "input", "transcription", false);
        moveInto(s, "input_audio_noise_reduction", s, "input", "noise_reduction", false);
        moveInto(s, "turn_detection", s, "input", "turn_detection", false);
        moveInto(s, "output_audio_format", s, "output", "format", true);
        moveInto(s, "voice", s, "output", "voice", false);
        moveInto(s, "speed", s, "output", "speed", false);
    }

    private static void responseParamsToGa(ObjectNode r) {
        modalitiesToGa(r);
        rename(r, "max_response_output_tokens", "max_output_tokens");
        moveInto(r, "output_audio_format", r, "output", "format", true);
        moveInto(r, "voice", r, "output", "voice", false);
        items(r, "input", PreviewShape::itemToGa);
    }

    private static void responseToGa(ObjectNode r) {
        modalitiesToGa(r);
        moveInto(r, "output_audio_format", r, "output", "format", true);
        moveInto(r, "voice", r, "output", "voice", false);
        items(r, "output", PreviewShape::itemToGa);
    }

    private static void itemToGa(ObjectNode item) {
        if (item.get("content") instanceof ArrayNode content) {
            for (JsonNode part : content) {
                if (part instanceof ObjectNode p) {
                    contentTypeToGa(p);
                }
            }
        }
    }

    /** Content-part types: the preview item names, and the {@code part} of content-part events in both dialects. */
    static void contentTypeToGa(ObjectNode part) {
        switch (part.path("type").asText("")) {
            case "text" -> part.put("type", "output_text");
            case "audio" -> part.put("type", "output_audio");
            default -> {
            }
        }
    }

    private static void modalitiesToGa(ObjectNode o) {
        JsonNode m = o.remove("modalities");
        if (m == null) {
            return;
        }
        // Preview ["text","audio"] means audio with its transcript: GA says that with ["audio"].
        if (m instanceof ArrayNode a && contains(a, "audio")) {
            o.set("output_modalities", JSON.arrayNode().add("audio"));
        } else {
            o.set("output_modalities", m);
        }
    }

    private static JsonNode formatToGa(JsonNode f) {
        if (!f.isTextual()) {
            return f;
        }
        return switch (f.textValue()) {
            case "pcm16" -> JSON.objectNode().put("type", "audio/pcm").put("rate", 24_000);
            case "g711_ulaw" -> JSON.objectNode().put("type", "audio/pcmu");
            case "g711_alaw" -> JSON.objectNode().put("type", "audio/pcma");
            // An unknown name survives the round trip as {"type": name}.
            default -> JSON.objectNode().put("type", f.textValue());
        };
    }

    // ---------------------------------------------------------------- GA -> preview (encoding)

    /** Rewrites a GA-shaped event into the preview shape, in place; fails on settings preview cannot express. */
    static void toPreview(ObjectNode event, String gaType) {
        if (gaType.equals("conversation.item.created") || gaType.equals("input_audio_buffer.committed")) {
            // Required (and nullable) in preview: the first item of a conversation says null, not nothing.
            if (!event.has("previous_item_id")) {
                event.putNull("previous_item_id");
            }
        }
        switch (gaType) {
            case "session.update" -> ifObject(event, "session", s -> sessionToPreview(s, "session", false));
            case "transcription_session.update", "transcription_session.created", "transcription_session.updated" ->
                    ifObject(event, "session", s -> sessionToPreview(s, "session", true));
            case "session.created", "session.updated" -> ifObject(event, "session", s -> sessionToPreview(s, "session", false));
            case "response.create" -> ifObject(event, "response", r -> responseParamsToPreview(r, "response"));
            case "response.created", "response.done" -> ifObject(event, "response", r -> responseToPreview(r, "response"));
            case "conversation.item.create", "conversation.item.created", "conversation.item.added",
                    "conversation.item.done", "conversation.item.retrieved", "response.output_item.added",
                    "response.output_item.done" -> ifObject(event, "item", PreviewShape::itemToPreview);
            default -> {
            }
        }
    }

    private static void sessionToPreview(ObjectNode s, String path, boolean transcriptionSession) {
        JsonNode type = s.remove("type");
        if (type != null && !"realtime".equals(type.asText()) && !(transcriptionSession && "transcription".equals(type.asText()))) {
            throw unsupported(path + ".type", "session type '" + type.asText()
                    + "' has no preview form (use transcription_session.update for transcription sessions)");
        }
        rejectGaOnly(s, path);
        modalitiesToPreview(s);
        rename(s, "max_output_tokens", "max_response_output_tokens");
        tools(s, path);
        audioToPreview(s, path, true);
    }

    private static void responseParamsToPreview(ObjectNode r, String path) {
        rejectGaOnly(r, path);
        modalitiesToPreview(r);
        rename(r, "max_output_tokens", "max_response_output_tokens");
        tools(r, path);
        audioToPreview(r, path, false);
        items(r, "input", PreviewShape::itemToPreview);
    }

    private static void responseToPreview(ObjectNode r, String path) {
        modalitiesToPreview(r);
        audioToPreview(r, path, false);
        items(r, "output", PreviewShape::itemToPreview);
    }

    private static void itemToPreview(ObjectNode item) {
        if (item.get("content") instanceof ArrayNode content) {
            for (JsonNode part : content) {
                if (part instanceof ObjectNode p) {
                    contentTypeToPreview(p);
                }
            }
        }
    }

    /** Content-part types back to the preview item names (and the content-part events' wire names). */
    static void contentTypeToPreview(ObjectNode part) {
        switch (part.path("type").asText("")) {
            case "output_text" -> part.put("type", "text");
            case "output_audio" -> part.put("type", "audio");
            default -> {
            }
        }
    }

    /** Flattens {@code audio.input/output} into the preview's top-level fields. */
    private static void audioToPreview(ObjectNode o, String path, boolean inputAllowed) {
        JsonNode audio = o.remove("audio");
        if (audio == null || audio.isNull()) {
            return;
        }
        for (String key : names(audio)) {
            JsonNode part = audio.get(key);
            String at = path + ".audio." + key;
            if ("input".equals(key) && inputAllowed && part instanceof ObjectNode in) {
                for (String f : names(in)) {
                    JsonNode v = in.get(f);
                    switch (f) {
                        case "format" -> o.set("input_audio_format", formatToPreview(v, at + ".format"));
                        case "transcription" -> o.set("input_audio_transcription", v);
                        case "noise_reduction" -> o.set("input_audio_noise_reduction", v);
                        case "turn_detection" -> o.set("turn_detection", v);
                        default -> throw unsupported(at + "." + f, "not available in the preview dialect");
                    }
                }
            } else if ("output".equals(key) && part instanceof ObjectNode out) {
                for (String f : names(out)) {
                    JsonNode v = out.get(f);
                    switch (f) {
                        case "format" -> o.set("output_audio_format", formatToPreview(v, at + ".format"));
                        case "voice" -> {
                            if (!v.isTextual()) {
                                throw unsupported(at + ".voice", "custom voices are GA only");
                            }
                            o.set("voice", v);
                        }
                        case "speed" -> o.set("speed", v);
                        default -> throw unsupported(at + "." + f, "not available in the preview dialect");
                    }
                }
            } else if (!part.isNull()) {
                throw unsupported(at, "not available in the preview dialect");
            }
        }
    }

    private static JsonNode formatToPreview(JsonNode f, String path) {
        if (!f.isObject()) {
            return f;
        }
        String type = f.path("type").asText("");
        JsonNode rate = f.get("rate");
        switch (type) {
            case "audio/pcm" -> {
                if (rate != null && rate.asInt() != 24_000) {
                    throw unsupported(path + ".rate", "preview PCM is 24000 Hz only, got " + rate.asInt());
                }
                return JSON.textNode("pcm16");
            }
            case "audio/pcmu" -> {
                return JSON.textNode("g711_ulaw");
            }
            case "audio/pcma" -> {
                return JSON.textNode("g711_alaw");
            }
            default -> {
                if (f.size() == 1 && !type.isEmpty()) {
                    return JSON.textNode(type);
                }
                throw unsupported(path, "format '" + type + "' has no preview name");
            }
        }
    }

    private static void modalitiesToPreview(ObjectNode o) {
        JsonNode m = o.remove("output_modalities");
        if (m == null) {
            return;
        }
        if (m instanceof ArrayNode a && a.size() == 1 && contains(a, "audio")) {
            o.set("modalities", JSON.arrayNode().add("text").add("audio"));
        } else {
            o.set("modalities", m);
        }
    }

    private static void rejectGaOnly(ObjectNode o, String path) {
        for (String f : GA_ONLY_SETTINGS) {
            if (o.has(f)) {
                throw unsupported(path + "." + f, "GA only, not available in the preview dialect");
            }
        }
    }

    private static void tools(ObjectNode o, String path) {
        if (o.get("tools") instanceof ArrayNode tools) {
            for (int i = 0; i < tools.size(); i++) {
                String type = tools.get(i).path("type").asText("function");
                if ("mcp".equals(type)) {
                    throw unsupported(path + ".tools[" + i + "].type", "'" + type + "' tools are GA only");
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static EventEncodeException unsupported(String field, String problem) {
        return new EventEncodeException(Dialect.PREVIEW, field, problem);
    }

    private static void ifObject(ObjectNode parent, String field, java.util.function.Consumer<ObjectNode> action) {
        if (parent.get(field) instanceof ObjectNode child) {
            action.accept(child);
        }
    }

    private static void items(ObjectNode parent, String field, java.util.function.Consumer<ObjectNode> action) {
        if (parent.get(field) instanceof ArrayNode array) {
            for (JsonNode item : array) {
                if (item instanceof ObjectNode o) {
                    action.accept(o);
                }
            }
        }
    }

    private static void rename(ObjectNode o, String from, String to) {
        JsonNode v = o.remove(from);
        if (v != null) {
            o.set(to, v);
        }
    }

    /** Moves top-level {@code field} of {@code from} to {@code audio.<direction>.<name>} of {@code to}. */
    private static void moveInto(ObjectNode from, String field, ObjectNode to, String direction, String name, boolean format) {
        JsonNode v = from.remove(field);
        if (v == null) {
            return;
        }
        ObjectNode audio = to.get("audio") instanceof ObjectNode a ? a : to.putObject("audio");
        ObjectNode dir = audio.get(direction) instanceof ObjectNode d ? d : audio.putObject(direction);
        dir.set(name, format ? formatToGa(v) : v);
    }

    private static boolean contains(ArrayNode a, String value) {
        for (JsonNode n : a) {
            if (value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
