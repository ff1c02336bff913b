package io.rtvoice.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.event.RealtimeAudioFormat;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.Dialect;
import io.rtvoice.event.EventEncodeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites event JSON between the preview shape and the GA shape the event model uses. Everything the
 * codec knows about the preview dialect's shapes is here (names are in {@link EventTypes}).
 */
final class PreviewShape {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Session, response and response-parameter fields that exist only in GA. */
    private static final Set<String> GA_ONLY_SETTINGS = Set.of("truncation", "prompt", "reasoning", "parallel_tool_calls");

    /**
     * Session, response and response-parameter fields named otherwise in preview. {@code max_response_output_tokens}
     * is the service's name; the first spec (2024-10) said {@code max_output_tokens}, which is read as is.
     */
    private static final TwoWay FIELD_NAMES = TwoWay.of(Map.of("max_output_tokens", "max_response_output_tokens"));

    /** Content-part types: the preview item names, and the {@code part} of content-part events in both dialects. */
    private static final TwoWay CONTENT_TYPES = TwoWay.of(Map.of("output_text", "text", "output_audio", "audio"));

    private static final String GA_PCM = "audio/pcm";

    /** Audio formats: GA's {@code type} and the preview's name. */
    private static final TwoWay FORMATS = TwoWay.of(Map.of(GA_PCM, "pcm16", "audio/pcmu", "g711_ulaw", "audio/pcma", "g711_alaw"));

    /** The one rate of the preview's {@code pcm16} (Hz); GA says it in {@code rate}. */
    private static final int PREVIEW_PCM_RATE = RealtimeAudioFormat.PCM_RATE_HZ;

    /**
     * Where GA keeps each flat preview audio setting: {@code audio.<direction>.<name>}. Sessions have them
     * all; responses and response parameters have the output ones.
     */
    private static final List<AudioSetting> AUDIO_SETTINGS = List.of(
            new AudioSetting("input_audio_format", "input", "format"),
            new AudioSetting("input_audio_transcription", "input", "transcription"),
            new AudioSetting("input_audio_noise_reduction", "input", "noise_reduction"),
            new AudioSetting("turn_detection", "input", "turn_detection"),
            new AudioSetting("output_audio_format", "output", "format"),
            new AudioSetting("voice", "output", "voice"),
            new AudioSetting("speed", "output", "speed"));

    /**
     * One flat preview audio setting and its place in GA.
     *
     * @param preview the preview's top-level field
     * @param direction {@code input} or {@code output}
     * @param name the field in GA's {@code audio.<direction>}
     */
    private record AudioSetting(String preview, String direction, String name) {

        boolean isFormat() {
            return name.equals("format");
        }
    }

    /** What of an event the two shapes write differently. */
    private enum Part {
        SESSION, TRANSCRIPTION_SESSION, RESPONSE_PARAMS, RESPONSE, ITEM, NONE;

        static Part of(String gaType) {
            return switch (gaType) {
                case "session.update", "session.created", "session.updated" -> SESSION;
                case "transcription_session.update", "transcription_session.created", "transcription_session.updated" ->
                        TRANSCRIPTION_SESSION;
                case "response.create" -> RESPONSE_PARAMS;
                case "response.created", "response.done" -> RESPONSE;
                case "conversation.item.create", "conversation.item.created", "conversation.item.added",
                        "conversation.item.done", "conversation.item.retrieved", "response.output_item.added",
                        "response.output_item.done" -> ITEM;
                default -> NONE;
            };
        }
    }

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
        switch (Part.of(gaType)) {
            case SESSION, TRANSCRIPTION_SESSION -> ifObject(event, "session", PreviewShape::sessionToGa);
            case RESPONSE_PARAMS -> ifObject(event, "response", PreviewShape::responseParamsToGa);
            case RESPONSE -> ifObject(event, "response", PreviewShape::responseToGa);
            case ITEM -> ifObject(event, "item", PreviewShape::itemToGa);
            case NONE -> {
            }
        }
    }

    private static void sessionToGa(ObjectNode s) {
        modalitiesToGa(s);
        renameAll(s, FIELD_NAMES.toGa());
        audioToGa(s, true);
    }

    private static void responseParamsToGa(ObjectNode r) {
        modalitiesToGa(r);
        renameAll(r, FIELD_NAMES.toGa());
        audioToGa(r, false);
        items(r, "input", PreviewShape::itemToGa);
    }

    private static void responseToGa(ObjectNode r) {
        modalitiesToGa(r);
        audioToGa(r, false);
        items(r, "output", PreviewShape::itemToGa);
    }

    private static void itemToGa(ObjectNode item) {
        items(item, "content", PreviewShape::contentTypeToGa);
    }

    /** Content-part types: see {@link #CONTENT_TYPES}. */
    static void contentTypeToGa(ObjectNode part) {
        retype(part, CONTENT_TYPES.toGa());
    }

    /** Moves the flat audio settings into {@code audio.input/output} (the input ones only if {@code input}). */
    private static void audioToGa(ObjectNode o, boolean input) {
        for (AudioSetting setting : AUDIO_SETTINGS) {
            if (input || setting.direction().equals("output")) {
                moveInto(o, setting);
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
        String type = FORMATS.toGa().get(f.textValue());
        if (type == null) {
            // An unknown name survives the round trip as {"type": name}.
            return JSON.objectNode().put("type", f.textValue());
        }
        ObjectNode format = JSON.objectNode().put("type", type);
        if (type.equals(GA_PCM)) {
            format.put("rate", PREVIEW_PCM_RATE);
        }
        return format;
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
        switch (Part.of(gaType)) {
            case SESSION -> ifObject(event, "session", s -> sessionToPreview(s, "session", false));
            case TRANSCRIPTION_SESSION -> ifObject(event, "session", s -> sessionToPreview(s, "session", true));
            case RESPONSE_PARAMS -> ifObject(event, "response", r -> responseParamsToPreview(r, "response"));
            case RESPONSE -> ifObject(event, "response", r -> responseToPreview(r, "response"));
            case ITEM -> ifObject(event, "item", PreviewShape::itemToPreview);
            case NONE -> {
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
        renameAll(s, FIELD_NAMES.toPreview());
        tools(s, path);
        audioToPreview(s, path, true);
    }

    private static void responseParamsToPreview(ObjectNode r, String path) {
        rejectGaOnly(r, path);
        modalitiesToPreview(r);
        renameAll(r, FIELD_NAMES.toPreview());
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
        items(item, "content", PreviewShape::contentTypeToPreview);
    }

    /** Content-part types back to the preview item names (and the content-part events' wire names). */
    static void contentTypeToPreview(ObjectNode part) {
        retype(part, CONTENT_TYPES.toPreview());
    }

    /** Flattens {@code audio.input/output} into the preview's top-level fields (input only if {@code input}). */
    private static void audioToPreview(ObjectNode o, String path, boolean input) {
        JsonNode audio = o.remove("audio");
        if (audio == null || audio.isNull()) {
            return;
        }
        for (String direction : names(audio)) {
            JsonNode settings = audio.get(direction);
            String at = path + ".audio." + direction;
            boolean flattens = direction.equals("output") || (input && direction.equals("input"));
            if (flattens && settings instanceof ObjectNode named) {
                for (String name : names(named)) {
                    JsonNode v = named.get(name);
                    AudioSetting setting = audioSetting(direction, name);
                    if (setting == null) {
                        throw unsupported(at + "." + name, "not available in the preview dialect");
                    }
                    if (name.equals("voice") && !v.isTextual()) {
                        throw unsupported(at + ".voice", "custom voices are GA only");
                    }
                    o.set(setting.preview(), setting.isFormat() ? formatToPreview(v, at + ".format") : v);
                }
            } else if (!settings.isNull()) {
                throw unsupported(at, "not available in the preview dialect");
            }
        }
    }

    private static JsonNode formatToPreview(JsonNode f, String path) {
        if (!f.isObject()) {
            return f;
        }
        String type = f.path("type").asText("");
        String name = FORMATS.toPreview().get(type);
        if (name != null) {
            JsonNode rate = f.get("rate");
            if (type.equals(GA_PCM) && rate != null && rate.asInt() != PREVIEW_PCM_RATE) {
                throw unsupported(path + ".rate", "preview PCM is " + PREVIEW_PCM_RATE + " Hz only, got " + rate.asInt());
            }
            return JSON.textNode(name);
        }
        if (f.size() == 1 && !type.isEmpty()) {
            return JSON.textNode(type);
        }
        throw unsupported(path, "format '" + type + "' has no preview name");
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

    /** Renames each field of {@code o} that is a key of {@code names} to its value. */
    private static void renameAll(ObjectNode o, Map<String, String> names) {
        names.forEach((from, to) -> {
            JsonNode v = o.remove(from);
            if (v != null) {
                o.set(to, v);
            }
        });
    }

    /** Moves the top-level preview field of {@code setting} to {@code audio.<direction>.<name>}. */
    private static void moveInto(ObjectNode o, AudioSetting setting) {
        JsonNode v = o.remove(setting.preview());
        if (v == null) {
            return;
        }
        ObjectNode audio = o.get("audio") instanceof ObjectNode a ? a : o.putObject("audio");
        ObjectNode dir = audio.get(setting.direction()) instanceof ObjectNode d ? d : audio.putObject(setting.direction());
        dir.set(setting.name(), setting.isFormat() ? formatToGa(v) : v);
    }

    /** The setting at GA's {@code audio.<direction>.<name>}, or {@code null}. */
    private static AudioSetting audioSetting(String direction, String name) {
        for (AudioSetting setting : AUDIO_SETTINGS) {
            if (setting.direction().equals(direction) && setting.name().equals(name)) {
                return setting;
            }
        }
        return null;
    }

    /** Renames the {@code type} of {@code part} by {@code names}; a type not in it stays. */
    private static void retype(ObjectNode part, Map<String, String> names) {
        String renamed = names.get(part.path("type").asText(""));
        if (renamed != null) {
            part.put("type", renamed);
        }
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

    /**
     * A one-to-one table of names, written once GA name to preview name, read either way.
     *
     * @param toPreview GA name → preview name
     * @param toGa preview name → GA name, derived
     */
    private record TwoWay(Map<String, String> toPreview, Map<String, String> toGa) {

        static TwoWay of(Map<String, String> gaToPreview) {
            Map<String, String> inverse = new HashMap<>();
            gaToPreview.forEach((ga, preview) -> {
                if (inverse.put(preview, ga) != null) {
                    throw new IllegalArgumentException("preview name " + preview + " stands for two GA names");
                }
            });
            return new TwoWay(Map.copyOf(gaToPreview), Map.copyOf(inverse));
        }
    }
}
