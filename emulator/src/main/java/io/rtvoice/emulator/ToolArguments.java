package io.rtvoice.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments the standard {@link Responder} calls a function tool with: a JSON value that satisfies the
 * tool's {@code parameters} schema, its values taken from what the user said where they fit. Deterministic.
 *
 * <p>Understood: {@code type} (one or a list; {@code null} is chosen only when nothing else is allowed),
 * {@code properties}, {@code required}, {@code additionalProperties: false}, {@code items}, {@code enum},
 * {@code const}, {@code anyOf}/{@code oneOf} (the first alternative that is not {@code null}), {@code allOf}
 * (its object parts merged), local {@code $ref}s ({@code #/$defs/…}, {@code #/definitions/…}),
 * {@code minimum}/{@code maximum} (also exclusive), {@code minLength}/{@code maxLength},
 * {@code minItems}/{@code maxItems}, and the string formats {@code date}, {@code date-time}, {@code email},
 * {@code uri}. Not understood: {@code pattern}, {@code multipleOf}, {@code not}, {@code if}/{@code then}.
 *
 * <p>Where the values come from: an enum value the user mentioned (else the first); for a property named like a
 * place ({@code city}, {@code location}, …) a capitalised word of the user's (else their last word); for a free
 * text property ({@code query}, {@code text}, …) all they said; a word or number the user said right after the
 * property's name ("order 7" gives {@code order_id} 7); the first number they said; else a placeholder in range.
 * Optional properties are filled only when the user mentioned them. A schema without properties (and without
 * {@code additionalProperties: false}) gets {@code {"input": <what the user said>}}.
 */
final class ToolArguments {

    /** Words of a tool name that say what it does, not what it is about: hearing one alone calls no tool. */
    static final Set<String> GENERIC_VERBS = Set.of("fetch", "find", "lookup", "look", "search", "show", "list", "make",
            "create", "send", "open", "check", "query", "read", "write", "call", "tool", "function");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 16;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'.-]*[\\p{L}\\p{N}]|[\\p{L}\\p{N}]");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Set<String> PLACE = Set.of("city", "location", "place", "town", "country", "region", "destination",
            "origin", "address", "where", "state", "area");
    private static final Set<String> FREE_TEXT = Set.of("query", "text", "input", "question", "message", "prompt", "content",
            "search", "request", "description", "note", "notes", "comment", "utterance");
    private static final Set<String> STOP = Set.of("a", "an", "the", "in", "on", "at", "to", "for", "of", "and", "or", "is", "are",
            "what", "what's", "whats", "how", "please", "me", "my", "i", "you", "it", "this", "that", "with", "by", "from", "be",
            "do", "does", "say", "tell", "give", "get", "can", "could", "would", "will", "like", "now", "today");

    private final JsonNode root;
    private final String said;
    private final List<String> words = new ArrayList<>();

    private ToolArguments(JsonNode root, String said) {
        this.root = root;
        this.said = said == null ? "" : said.strip();
        Matcher m = WORD.matcher(this.said);
        while (m.find()) {
            words.add(m.group());
        }
    }

    /**
     * Arguments for a tool whose parameters are {@code schema} (may be {@code null}), from what the user
     * said, as compact JSON.
     */
    static String generate(JsonNode schema, String said) {
        ToolArguments generator = new ToolArguments(schema, said);
        return generator.topLevel().toString();
    }

    private JsonNode topLevel() {
        JsonNode schema = resolve(root, 0);
        if (schema == null || !schema.isObject()) {
            return legacy();
        }
        boolean declaresNothing = !schema.has("properties") && !schema.has("allOf") && !schema.has("anyOf") && !schema.has("oneOf")
                && !schema.has("required");
        if (declaresNothing) {
            // Any object is valid, unless additionalProperties is false: then only the empty one.
            return schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").booleanValue()
                    ? JSON.objectNode() : legacy();
        }
        JsonNode value = value(schema, "", 0);
        return value.isObject() ? value : legacy();
    }

    /** A schema that names no properties: the user's words as {@code input}, as the emulator always did. */
    private ObjectNode legacy() {
        ObjectNode o = JSON.objectNode();
        o.put("input", said);
        return o;
    }

    private JsonNode value(JsonNode schema, String name, int depth) {
        schema = resolve(schema, depth);
        if (schema == null || depth > MAX_DEPTH || !schema.isObject()) {
            return JSON.textNode(said);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return chooseEnum(schema.get("enum"));
        }
        JsonNode alternatives = schema.has("anyOf") ? schema.get("anyOf") : schema.get("oneOf");
        if (alternatives != null && alternatives.isArray() && !alternatives.isEmpty()) {
            for (JsonNode alternative : alternatives) {
                JsonNode a = resolve(alternative, depth + 1);
                if (a != null && !"null".equals(a.path("type").asText())) {
                    return value(a, name, depth + 1);
                }
            }
            return JSON.nullNode();
        }
        if (schema.path("allOf").isArray()) {
            return value(mergeAllOf(schema, depth), name, depth + 1);
        }
        return switch (type(schema)) {
            case "object" -> object(schema, depth);
            case "array" -> array(schema, name, depth);
            case "integer" -> JSON.numberNode(Math.round(number(schema, name, true)));
            case "number" -> JSON.numberNode(number(schema, name, false));
            case "boolean" -> JSON.booleanNode(mentions(name));
            case "null" -> JSON.nullNode();
            default -> JSON.textNode(string(schema, name));
        };
    }

    /** The schema's type: the first non-null one listed, or what its keywords imply. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            return type.textValue();
        }
        if (type != null && type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asText())) {
                    return t.asText();
                }
            }
            return "null";
        }
        if (schema.has("properties")) {
            return "object";
        }
        return schema.has("items") ? "array" : "string";
    }

    private JsonNode object(JsonNode schema, int depth) {
        ObjectNode o = JSON.objectNode();
        JsonNode properties = schema.path("properties");
        Set<String> required = new java.util.HashSet<>();
        for (JsonNode r : schema.path("required")) {
            required.add(r.asText());
        }
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String name = property.getKey();
            if (required.contains(name) || mentioned(name, property.getValue(), depth)) {
                o.set(name, value(property.getValue(), name, depth + 1));
            }
        }
        // A required name with no schema of its own (allowed by JSON Schema): any value will do, so the user's words.
        for (String name : required) {
            if (!o.has(name)) {
                o.put(name, said);
            }
        }
        return o;
    }

    /** Whether the user spoke of an optional property: its name, or one of its enum values. */
    private boolean mentioned(String name, JsonNode schema, int depth) {
        if (mentions(name)) {
            return true;
        }
        JsonNode s = resolve(schema, depth + 1);
        if (s != null && s.path("enum").isArray()) {
            for (JsonNode e : s.get("enum")) {
                if (e.isTextual() && containsPhrase(e.textValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    private JsonNode array(JsonNode schema, String name, int depth) {
        ArrayNode a = JSON.arrayNode();
        JsonNode items = resolve(schema.path("items"), depth + 1);
        int min = schema.path("minItems").asInt(0);
        int max = schema.has("maxItems") ? schema.get("maxItems").asInt() : Integer.MAX_VALUE;
        int wanted = Math.min(max, Math.max(1, min));
        if (items != null && items.path("enum").isArray()) {
            for (JsonNode e : items.get("enum")) { // every value the user named, in the schema's order
                if (a.size() < max && e.isTextual() && containsPhrase(e.textValue())) {
                    a.add(e);
                }
            }
            for (JsonNode e : items.get("enum")) { // then, up to minItems, the others
                if (a.size() < wanted && !contains(a, e)) {
                    a.add(e);
                }
            }
        }
        for (int i = 0; a.size() < wanted && i < wanted + 1; i++) {
            JsonNode element = items == null || items.isMissingNode() ? JSON.textNode(said) : value(items, name, depth + 1);
            if (schema.path("uniqueItems").asBoolean(false) && contains(a, element)) {
                break; // one more distinct value cannot be found: the fewest that minItems allows is what the schema gets
            }
            a.add(element);
        }
        return a;
    }

    private static boolean contains(ArrayNode a, JsonNode element) {
        for (JsonNode e : a) {
            if (e.equals(element)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode chooseEnum(JsonNode values) {
        for (JsonNode v : values) {
            if ((v.isTextual() && containsPhrase(v.textValue())) || (v.isNumber() && words.contains(v.asText()))) {
                return v;
            }
        }
        return values.get(0);
    }

    private double number(JsonNode schema, String name, boolean integer) {
        Double found = numberAfter(name);
        if (found == null) {
            Matcher m = NUMBER.matcher(said);
            found = m.find() ? Double.valueOf(m.group()) : null;
        }
        double value = found != null ? found : 1;
        double step = integer ? 1 : 0.5;
        if (schema.has("minimum")) {
            value = Math.max(value, schema.get("minimum").asDouble());
        }
        if (schema.path("exclusiveMinimum").isNumber() && value <= schema.get("exclusiveMinimum").asDouble()) {
            value = schema.get("exclusiveMinimum").asDouble() + step;
        }
        if (schema.has("maximum")) {
            value = Math.min(value, schema.get("maximum").asDouble());
        }
        if (schema.path("exclusiveMaximum").isNumber() && value >= schema.get("exclusiveMaximum").asDouble()) {
            value = schema.get("exclusiveMaximum").asDouble() - step;
        }
        return integer ? (schema.has("minimum") || schema.has("exclusiveMinimum") ? Math.ceil(value) : Math.floor(value)) : value;
    }

    private String string(JsonNode schema, String name) {
        String value = switch (schema.path("format").asText("")) {
            case "date" -> "2025-01-01";
            case "date-time" -> "2025-01-01T00:00:00Z";
            case "time" -> "12:00:00";
            case "email" -> "user@example.com";
            case "uri", "url" -> "https://example.com/";
            case "uuid" -> "00000000-0000-4000-8000-000000000000";
            default -> fromWords(name);
        };
        int max = schema.has("maxLength") ? schema.get("maxLength").asInt() : Integer.MAX_VALUE;
        int min = schema.path("minLength").asInt(0);
        if (value.codePointCount(0, value.length()) > max) {
            value = value.substring(0, value.offsetByCodePoints(0, max));
        }
        StringBuilder padded = new StringBuilder(value);
        while (padded.codePointCount(0, padded.length()) < min) {
            padded.append('x');
        }
        return padded.toString();
    }

    private String fromWords(String name) {
        List<String> parts = nameParts(name);
        if (parts.stream().anyMatch(PLACE::contains)) {
            String place = properNoun();
            return place != null ? place : lastContentWord();
        }
        if (parts.stream().anyMatch(FREE_TEXT::contains) || name.isEmpty()) {
            return said;
        }
        String after = wordAfter(name);
        if (after != null) {
            return after;
        }
        if (parts.contains("name")) {
            String proper = properNoun();
            if (proper != null) {
                return proper;
            }
        }
        return said.isEmpty() ? name : said;
    }

    /** The first capitalised word that does not merely start the sentence, joined with capitalised words after it. */
    private String properNoun() {
        for (int i = 1; i < words.size(); i++) {
            if (capitalised(words.get(i)) && !words.get(i).equals("I")) {
                StringBuilder place = new StringBuilder(trimDots(words.get(i)));
                for (int j = i + 1; j < words.size() && capitalised(words.get(j)); j++) {
                    place.append(' ').append(trimDots(words.get(j)));
                }
                return place.toString();
            }
        }
        return null;
    }

    private static boolean capitalised(String word) {
        return Character.isUpperCase(word.codePointAt(0));
    }

    private static String trimDots(String word) {
        return word.endsWith(".") ? word.substring(0, word.length() - 1) : word;
    }

    private String lastContentWord() {
        for (int i = words.size() - 1; i >= 0; i--) {
            if (!STOP.contains(words.get(i).toLowerCase(Locale.ROOT))) {
                return trimDots(words.get(i));
            }
        }
        return said;
    }

    /** The word the user said right after the property's name or a part of it ("order 7" for {@code order_id}). */
    private String wordAfter(String name) {
        List<String> parts = nameParts(name);
        for (int i = 0; i + 1 < words.size(); i++) {
            String w = words.get(i).toLowerCase(Locale.ROOT);
            if (parts.contains(w) || w.equals(name.toLowerCase(Locale.ROOT))) {
                String next = words.get(i + 1);
                if (!STOP.contains(next.toLowerCase(Locale.ROOT))) {
                    return trimDots(next);
                }
            }
        }
        return null;
    }

    private Double numberAfter(String name) {
        String after = wordAfter(name);
        return after != null && NUMBER.matcher(after).matches() ? Double.valueOf(after) : null;
    }

    /** Whether the user said the property's name or a distinctive part of it. */
    private boolean mentions(String name) {
        if (name.isEmpty()) {
            return false;
        }
        if (containsPhrase(name) || containsPhrase(name.replace('_', ' '))) {
            return true;
        }
        for (String part : nameParts(name)) {
            if (part.length() >= 3 && !STOP.contains(part) && !part.equals("id") && containsPhrase(part)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code phrase} occurs in what the user said as whole words, ignoring case. */
    private boolean containsPhrase(String phrase) {
        if (phrase.isBlank()) {
            return false;
        }
        Pattern p = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(phrase) + "(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return p.matcher(said).find();
    }

    /** {@code orderId}, {@code order_id}, {@code order-id} → {@code [order, id]}. */
    static List<String> nameParts(String name) {
        List<String> parts = new ArrayList<>();
        for (String p : name.split("[_\\-\\s.]+|(?<=\\p{Ll})(?=\\p{Lu})")) {
            if (!p.isEmpty()) {
                parts.add(p.toLowerCase(Locale.ROOT));
            }
        }
        return parts;
    }

    private JsonNode resolve(JsonNode schema, int depth) {
        JsonNode s = schema;
        for (int hops = 0; s != null && s.path("$ref").isTextual() && hops < MAX_DEPTH && depth <= MAX_DEPTH; hops++) {
            String ref = s.get("$ref").textValue();
            if (!ref.startsWith("#")) {
                return JSON.objectNode(); // a remote schema cannot be fetched offline: anything goes
            }
            s = root.at(ref.substring(1));
            if (s.isMissingNode()) {
                return JSON.objectNode();
            }
        }
        return s;
    }

    /** An {@code allOf}'s object parts as one schema: their properties and required names together. */
    private JsonNode mergeAllOf(JsonNode schema, int depth) {
        ObjectNode merged = ((ObjectNode) schema).deepCopy();
        merged.remove("allOf");
        ObjectNode properties = merged.has("properties") ? (ObjectNode) merged.get("properties") : merged.putObject("properties");
        ArrayNode required = merged.has("required") ? (ArrayNode) merged.get("required") : merged.putArray("required");
        for (JsonNode part : schema.get("allOf")) {
            JsonNode p = resolve(part, depth + 1);
            if (p == null || !p.isObject()) {
                continue;
            }
            p.path("properties").properties().forEach(f -> properties.set(f.getKey(), f.getValue()));
            p.path("required").forEach(required::add);
            if (!merged.has("type") && p.has("type")) {
                merged.set("type", p.get("type"));
            }
        }
        if (properties.isEmpty() && !merged.has("type")) {
            merged.remove("properties");
        }
        return merged;
    }
}
