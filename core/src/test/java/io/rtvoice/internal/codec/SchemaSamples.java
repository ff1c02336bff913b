package io.rtvoice.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.internal.codec.SpecReference.CatalogEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds deterministic example JSON from a spec snapshot's schemas, so codec tests can feed every
 * catalogued event shape (and every oneOf/anyOf branch) without hand-writing fixtures.
 *
 * <p>Rules: {@code $ref} is resolved and {@code allOf} merged; at a oneOf/anyOf choice point at
 * nesting depth {@code d} with {@code n} non-null branches, branch {@code (variant + d) % n} is taken;
 * objects get every declared property; arrays get one element, except arrays of a string enum, which
 * list every value; a string enum yields {@code enum[variant % len]}; plain strings are
 * {@code "sample_<property>"}; integers are {@code minimum} or 7; numbers {@code minimum} or 0.5;
 * booleans {@code true}; {@code nullable} is ignored (values are never null unless a choice point
 * offers nothing but null). Objects/arrays deeper than {@link #MAX_DEPTH} are emitted empty and a
 * schema already being expanded on the current path is not expanded again.
 */
final class SchemaSamples {

    /** Deepest object/array nesting that is still expanded; the real event schemas need at most 6. */
    static final int MAX_DEPTH = 8;

    private static final String REF_PREFIX = "#/components/schemas/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, SchemaSamples> BY_FILE = new ConcurrentHashMap<>();

    private final String source;
    private final JsonNode schemas;

    /** Loads one {@code *.realtime-schemas.json} file ({@code {source, paths, schemas}}). */
    SchemaSamples(Path schemasFile) {
        JsonNode root = SpecReference.readJson(schemasFile);
        this.schemas = root.path("schemas");
        this.source = root.path("source").asText(schemasFile.getFileName().toString());
        if (!schemas.isObject()) {
            throw new IllegalArgumentException(schemasFile + " has no 'schemas' object");
        }
    }

    /** The (cached, immutable) samples for a catalog version's schemas file. */
    static SchemaSamples forVersion(String version) {
        String file = SpecReference.schemasFileFor(version);
        return BY_FILE.computeIfAbsent(file, f -> new SchemaSamples(SpecReference.specDir().resolve(f)));
    }

    /** The spec file these schemas came from, for messages. */
    String source() {
        return source;
    }

    /** Whether the file defines a component schema of this name. */
    boolean hasSchema(String schemaName) {
        return schemas.has(schemaName);
    }

    /** A fresh example object for the named schema; different {@code variant}s walk different oneOf/anyOf branches. */
    ObjectNode sample(String schemaName, int variant) {
        JsonNode value = new Generator(variant).build(refTo(schemaName), null, 0);
        if (!value.isObject()) {
            throw new IllegalArgumentException("Schema " + schemaName + " in " + source + " yields "
                    + value.getNodeType() + ", not an object");
        }
        return (ObjectNode) value;
    }

    /** Like {@link #sample} for a catalog event, with {@code type} forced to the event type (2024-10 declares it as a plain string). */
    ObjectNode eventSample(CatalogEvent event, int variant) {
        ObjectNode sample = sample(event.schema(), variant);
        sample.put("type", event.type());
        return sample;
    }

    /** The largest number of non-null branches at any choice point reachable from the schema (at least 1). */
    int variantCount(String schemaName) {
        return Math.max(1, maxBranches(refTo(schemaName), 0, new HashSet<>()));
    }

    private JsonNode refTo(String schemaName) {
        if (!hasSchema(schemaName)) {
            throw new IllegalArgumentException("No schema " + schemaName + " in " + source);
        }
        return NODES.objectNode().put("$ref", REF_PREFIX + schemaName);
    }

    /** Expands one sample for a fixed variant; holds the names of the schemas being expanded on the current path. */
    private final class Generator {
        private final int variant;
        private final Set<String> expanding = new HashSet<>();

        Generator(int variant) {
            this.variant = variant;
        }

        /** Builds the value of {@code schema}; {@code name} is the property it belongs to, used for readable strings. */
        JsonNode build(JsonNode schema, String name, int depth) {
            if (schema.has("$ref")) {
                return buildRef(schema.get("$ref").asText(), name, depth);
            }
            if (schema.has("allOf")) {
                return build(mergeAllOf(schema, new HashSet<>()), name, depth);
            }
            if (schema.has("const")) {
                return schema.get("const").deepCopy();
            }
            List<JsonNode> branches = branches(schema);
            if (branches != null) {
                return branches.isEmpty() ? NODES.nullNode()
                        : build(branches.get(Math.floorMod(variant + depth, branches.size())), name, depth);
            }
            List<JsonNode> values = enumValues(schema);
            if (!values.isEmpty()) {
                return values.get(Math.floorMod(variant, values.size())).deepCopy();
            }
            return switch (kind(schema)) {
                case "object" -> buildObject(schema, depth);
                case "array" -> buildArray(schema, name, depth);
                case "integer" -> integerNode(integerValue(schema));
                case "number" -> NODES.numberNode(numberValue(schema));
                case "boolean" -> NODES.booleanNode(true);
                case "null" -> NODES.nullNode();
                default -> NODES.textNode("sample_" + (name == null ? "value" : name));
            };
        }

        private JsonNode buildRef(String ref, String name, int depth) {
            String schemaName = schemaName(ref);
            JsonNode target = resolveName(schemaName);
            if (!expanding.add(schemaName)) {
                return stub(target);
            }
            try {
                return build(target, name, depth);
            } finally {
                expanding.remove(schemaName);
            }
        }

        private JsonNode buildObject(JsonNode schema, int depth) {
            ObjectNode object = NODES.objectNode();
            JsonNode properties = schema.get("properties");
            if (properties == null || !properties.isObject()) {
                return object.put("key", "value");
            }
            if (depth >= MAX_DEPTH) {
                return object;
            }
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                object.set(property.getKey(), build(property.getValue(), property.getKey(), depth + 1));
            }
            return object;
        }

        private JsonNode buildArray(JsonNode schema, String name, int depth) {
            ArrayNode array = NODES.arrayNode();
            JsonNode items = schema.get("items");
            if (items == null || depth >= MAX_DEPTH) {
                return array;
            }
            List<String> stringEnum = stringEnum(followRefs(items));
            if (!stringEnum.isEmpty()) {
                stringEnum.forEach(array::add);
                return array;
            }
            return array.add(build(items, name, depth + 1));
        }
    }

    /** Counts branches the way {@link Generator} walks the tree, but visiting every branch. */
    private int maxBranches(JsonNode schema, int depth, Set<String> expanding) {
        if (schema.has("$ref")) {
            String schemaName = schemaName(schema.get("$ref").asText());
            if (!expanding.add(schemaName)) {
                return 0;
            }
            int count = maxBranches(resolveName(schemaName), depth, expanding);
            expanding.remove(schemaName);
            return count;
        }
        if (schema.has("allOf")) {
            return maxBranches(mergeAllOf(schema, new HashSet<>()), depth, expanding);
        }
        if (schema.has("const")) {
            return 0;
        }
        List<JsonNode> branches = branches(schema);
        if (branches != null) {
            int max = branches.size();
            for (JsonNode branch : branches) {
                max = Math.max(max, maxBranches(branch, depth, expanding));
            }
            return max;
        }
        if (!enumValues(schema).isEmpty() || depth >= MAX_DEPTH) {
            return 0;
        }
        int max = 0;
        String kind = kind(schema);
        if (kind.equals("object") && schema.path("properties").isObject()) {
            for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
                max = Math.max(max, maxBranches(property.getValue(), depth + 1, expanding));
            }
        } else if (kind.equals("array") && schema.has("items")) {
            max = maxBranches(schema.get("items"), depth + 1, expanding);
        }
        return max;
    }

    /** The non-null oneOf/anyOf alternatives, or {@code null} when the node is not a choice point. */
    private static List<JsonNode> branches(JsonNode schema) {
        JsonNode alternatives = schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
        if (alternatives == null || !alternatives.isArray()) {
            return null;
        }
        List<JsonNode> branches = new ArrayList<>();
        for (JsonNode alternative : alternatives) {
            if (!"null".equals(alternative.path("type").asText())) {
                branches.add(alternative);
            }
        }
        return branches;
    }

    /** The node's JSON kind: declared {@code type} (first non-null if a list), else inferred from items/properties, else string. */
    private static String kind(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            return type.asText();
        }
        if (type != null && type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asText())) {
                    return t.asText();
                }
            }
        }
        if (schema.has("items")) {
            return "array";
        }
        return schema.has("properties") ? "object" : "string";
    }

    /** The non-null enum values, in schema order. */
    private static List<JsonNode> enumValues(JsonNode schema) {
        List<JsonNode> values = new ArrayList<>();
        for (JsonNode value : schema.path("enum")) {
            if (!value.isNull()) {
                values.add(value);
            }
        }
        return values;
    }

    /** The values of a string enum, or empty if the node is not one. */
    private static List<String> stringEnum(JsonNode schema) {
        List<JsonNode> values = enumValues(schema);
        List<String> strings = new ArrayList<>();
        for (JsonNode value : values) {
            if (!value.isTextual()) {
                return List.of();
            }
            strings.add(value.asText());
        }
        return strings;
    }

    /** An IntNode when the value fits, so samples equal JSON re-parsed by Jackson. */
    private static JsonNode integerNode(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static long integerValue(JsonNode schema) {
        long value = schema.has("minimum") ? (long) Math.ceil(schema.get("minimum").asDouble()) : 7;
        return schema.has("maximum") ? Math.min(value, (long) Math.floor(schema.get("maximum").asDouble())) : value;
    }

    private static double numberValue(JsonNode schema) {
        double value = schema.has("minimum") ? schema.get("minimum").asDouble() : 0.5;
        return schema.has("maximum") ? Math.min(value, schema.get("maximum").asDouble()) : value;
    }

    /** A non-recursive stand-in for a schema met again on its own expansion path (only refs recurse, so it is a container). */
    private static JsonNode stub(JsonNode schema) {
        return kind(schema).equals("array") ? NODES.arrayNode() : NODES.objectNode();
    }

    /** Combines the allOf members (refs resolved) and the node's own keys into one schema; properties and required are unioned. */
    private ObjectNode mergeAllOf(JsonNode schema, Set<String> seen) {
        ObjectNode merged = NODES.objectNode();
        for (JsonNode member : schema.path("allOf")) {
            Set<String> path = new HashSet<>(seen);
            JsonNode resolved = followRefs(member, path);
            mergeInto(merged, resolved.has("allOf") ? mergeAllOf(resolved, path) : resolved);
        }
        ObjectNode own = schema.deepCopy();
        own.remove("allOf");
        mergeInto(merged, own);
        return merged;
    }

    private static void mergeInto(ObjectNode target, JsonNode addition) {
        for (Map.Entry<String, JsonNode> field : addition.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("properties") && target.path(key).isObject() && value.isObject()) {
                ((ObjectNode) target.get(key)).setAll((ObjectNode) value.deepCopy());
            } else if (key.equals("required") && target.path(key).isArray() && value.isArray()) {
                ArrayNode required = (ArrayNode) target.get(key);
                value.forEach(r -> {
                    if (!contains(required, r)) {
                        required.add(r);
                    }
                });
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static boolean contains(ArrayNode array, JsonNode value) {
        for (JsonNode element : array) {
            if (element.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode followRefs(JsonNode schema) {
        return followRefs(schema, new HashSet<>());
    }

    /** Follows a chain of pure {@code $ref}s to the schema it names; a cyclic chain yields an empty schema. */
    private JsonNode followRefs(JsonNode schema, Set<String> seen) {
        JsonNode current = schema;
        while (current.has("$ref")) {
            String schemaName = schemaName(current.get("$ref").asText());
            if (!seen.add(schemaName)) {
                return NODES.objectNode();
            }
            current = resolveName(schemaName);
        }
        return current;
    }

    private JsonNode resolveName(String schemaName) {
        JsonNode target = schemas.get(schemaName);
        if (target == null) {
            throw new IllegalArgumentException("Dangling $ref to " + schemaName + " in " + source);
        }
        return target;
    }

    private String schemaName(String ref) {
        if (!ref.startsWith(REF_PREFIX)) {
            throw new IllegalArgumentException("Unsupported $ref '" + ref + "' in " + source);
        }
        return ref.substring(REF_PREFIX.length());
    }
}
