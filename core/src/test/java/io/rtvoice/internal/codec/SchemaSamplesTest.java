package io.rtvoice.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.internal.codec.SpecReference.CatalogEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Proves the spec fixture: catalog loading, and samples that honour every catalogued event's required fields and types. */
class SchemaSamplesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void specDirHoldsCatalogAndEverySchemasFile() {
        Path dir = SpecReference.specDir();

        assertThat(dir.resolve(SpecReference.CATALOG_FILE)).isRegularFile();
        for (String version : SpecReference.VERSIONS) {
            assertThat(dir.resolve(SpecReference.schemasFileFor(version))).isRegularFile();
        }
        assertThat(SpecReference.catalog().fieldNames()).toIterable().containsAll(SpecReference.VERSIONS);
    }

    @Test
    void versionsMapToTheirSchemasSnapshot() {
        assertThat(SpecReference.schemasFileFor("preview_2024_10")).contains("2024-10-17");
        assertThat(SpecReference.schemasFileFor("beta_2024_12")).contains("2025-04-29");
        assertThat(SpecReference.schemasFileFor("beta_2025_04")).contains("2025-04-29");
        assertThat(SpecReference.schemasFileFor("ga_head")).contains("HEAD");
        assertThatThrownBy(() -> SpecReference.schemasFileFor("ga_2030")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpecReference.events("ga_head", "relay")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventsMirrorTheCatalogEntries() {
        for (String version : SpecReference.VERSIONS) {
            for (String side : SpecReference.SIDES) {
                List<CatalogEvent> events = SpecReference.events(version, side);
                JsonNode entries = SpecReference.catalog().get(version).get(side);

                assertThat(events).hasSize(entries.size());
                for (int i = 0; i < events.size(); i++) {
                    assertThat(events.get(i).type()).isEqualTo(entries.get(i).get("type").asText());
                    assertThat(events.get(i).schema()).isEqualTo(entries.get(i).get("schema").asText());
                    assertThat(events.get(i).required()).hasSize(entries.get(i).get("required").size());
                }
            }
        }
        CatalogEvent completed = event("ga_head", "server", "conversation.item.input_audio_transcription.completed");
        assertThat(completed.propertyTypes())
                .containsEntry("content_index", "integer")
                .containsEntry("logprobs", "{\"anyOf\":[{\"array\":\"LogProbProperties\"},\"null\"]}");
    }

    @TestFactory
    Stream<DynamicTest> everyCatalogEventSampleHasRequiredFieldsOfTheCatalogTypes() {
        return allEvents().map(event -> DynamicTest.dynamicTest(event.toString(), () -> {
            SchemaSamples samples = SchemaSamples.forVersion(event.version());
            int variants = samples.variantCount(event.schema());
            for (int variant = 0; variant < variants; variant++) {
                ObjectNode sample = samples.eventSample(event, variant);
                String where = event + " variant " + variant + ": " + sample;

                assertThat(sample.path("type").asText()).as(where).isEqualTo(event.type());
                assertThat(fieldNames(sample)).as(where)
                        .containsAll(event.required())
                        .containsAll(event.propertyTypes().keySet());
                for (Map.Entry<String, String> property : event.propertyTypes().entrySet()) {
                    JsonNode value = sample.get(property.getKey());
                    assertThat(matches(value, catalogType(property.getValue())))
                            .as("%s: %s should be %s but is %s", where, property.getKey(), property.getValue(), value)
                            .isTrue();
                }
                assertThat(containerDepth(sample)).as("depth limit must not cut " + where)
                        .isLessThanOrEqualTo(SchemaSamples.MAX_DEPTH);
            }
        }));
    }

    @Test
    void generationIsDeterministicAndReturnsFreshTrees() {
        allEvents().forEach(event -> {
            SchemaSamples cached = SchemaSamples.forVersion(event.version());
            SchemaSamples fresh = new SchemaSamples(SpecReference.specDir().resolve(SpecReference.schemasFileFor(event.version())));
            for (int variant = 0; variant < cached.variantCount(event.schema()); variant++) {
                ObjectNode first = cached.eventSample(event, variant);
                String before = first.toString();
                first.put("event_id", "mutated by a caller");

                assertThat(cached.eventSample(event, variant).toString()).as(event + " v" + variant).isEqualTo(before);
                assertThat(fresh.eventSample(event, variant).toString()).as(event + " v" + variant).isEqualTo(before);
            }
        });
    }

    @Test
    void variantsCoverEveryOneOfBranchOfTheGaSession() {
        CatalogEvent created = event("ga_head", "server", "session.created");
        SchemaSamples samples = SchemaSamples.forVersion("ga_head");
        int variants = samples.variantCount(created.schema());

        Set<String> sessionTypes = new HashSet<>();
        for (int variant = 0; variant < variants; variant++) {
            sessionTypes.add(samples.eventSample(created, variant).get("session").get("type").asText());
        }

        assertThat(variants).isGreaterThanOrEqualTo(2);
        assertThat(sessionTypes).containsExactlyInAnyOrder("realtime", "transcription");
        assertThat(samples.eventSample(created, 0)).isNotEqualTo(samples.eventSample(created, 1));
    }

    @Test
    void variantsCoverBothMaxTokensBranchesOfThePreviewSession() {
        CatalogEvent update = event("preview_2024_10", "client", "session.update");
        SchemaSamples samples = SchemaSamples.forVersion("preview_2024_10");

        List<JsonNode> maxTokens = new ArrayList<>();
        for (int variant = 0; variant < samples.variantCount(update.schema()); variant++) {
            maxTokens.add(samples.eventSample(update, variant).get("session").get("max_output_tokens"));
        }

        assertThat(maxTokens).anyMatch(JsonNode::isInt).anyMatch(node -> node.asText().equals("inf"));
    }

    @Test
    void arrayOfStringEnumListsEveryValueInSchemaOrder() {
        ObjectNode session = SchemaSamples.forVersion("beta_2025_04").sample("RealtimeSession", 0);

        assertThat(session.get("modalities").toString()).isEqualTo("[\"text\",\"audio\"]");
    }

    @Test
    void rulesApplyToASyntheticSchemaFile(@TempDir Path dir) throws IOException {
        SchemaSamples samples = new SchemaSamples(write(dir, """
                {"source": "synthetic", "schemas": {
                  "Event": {"type": "object", "properties": {
                    "type": {"type": "string", "enum": ["thing.done"]},
                    "mode": {"type": "string", "enum": ["a", "b", "c"]},
                    "id": {"type": "string"},
                    "count": {"type": "integer"},
                    "floor": {"type": "integer", "minimum": 10},
                    "ratio": {"type": "number"},
                    "flag": {"type": "boolean"},
                    "meta": {"type": "object"},
                    "list": {"items": {"type": "integer"}},
                    "nested": {"properties": {"x": {"type": "boolean"}}},
                    "untyped": {"description": "no type at all"},
                    "maybe": {"anyOf": [{"type": "null"}, {"type": "string"}]},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "merged": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"extra": {"type": "integer"}}}]}
                  }},
                  "Kind": {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["inf"]}, {"$ref": "#/components/schemas/Base"}]},
                  "Base": {"type": "object", "properties": {"base": {"type": "string"}}}
                }}"""));

        ObjectNode v0 = samples.sample("Event", 0);
        ObjectNode v1 = samples.sample("Event", 1);

        assertThat(v0.toString()).isEqualTo("{\"type\":\"thing.done\",\"mode\":\"a\",\"id\":\"sample_id\",\"count\":7,"
                + "\"floor\":10,\"ratio\":0.5,\"flag\":true,\"meta\":{\"key\":\"value\"},\"list\":[7],"
                + "\"nested\":{\"x\":true},\"untyped\":\"sample_untyped\",\"maybe\":\"sample_maybe\","
                + "\"kind\":\"inf\",\"merged\":{\"base\":\"sample_base\",\"extra\":7}}");
        assertThat(v1.get("type").asText()).isEqualTo("thing.done");
        assertThat(v1.get("mode").asText()).isEqualTo("b");
        assertThat(samples.variantCount("Event")).isEqualTo(3);
        Set<String> kinds = new HashSet<>();
        for (int variant = 0; variant < samples.variantCount("Event"); variant++) {
            kinds.add(samples.sample("Event", variant).get("kind").getNodeType().toString());
        }
        assertThat(kinds).containsExactlyInAnyOrder("NUMBER", "STRING", "OBJECT");
    }

    @Test
    void recursiveSchemasTerminate(@TempDir Path dir) throws IOException {
        SchemaSamples samples = new SchemaSamples(write(dir, """
                {"source": "cyclic", "schemas": {
                  "Tree": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
                    "either": {"$ref": "#/components/schemas/A"}
                  }},
                  "A": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "string"}]},
                  "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "boolean"}]},
                  "Deep": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Deeper"}}},
                  "Deeper": {"type": "object", "properties": {"next": {"properties": {"next": {"properties": {"next":
                    {"properties": {"next": {"properties": {"next": {"properties": {"next": {"properties": {"next":
                    {"properties": {"next": {"properties": {"next": {"type": "string"}}}}}}}}}}}}}}}}}}}
                }}"""));

        for (int variant = 0; variant < samples.variantCount("Tree"); variant++) {
            ObjectNode tree = samples.sample("Tree", variant);
            assertThat(tree.get("children").get(0)).isEqualTo(MAPPER.createObjectNode());
            assertThat(tree.has("either")).isTrue();
        }
        assertThat(containerDepth(samples.sample("Deep", 0))).isEqualTo(SchemaSamples.MAX_DEPTH + 1);
        assertThatThrownBy(() -> samples.sample("Missing", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Stream<CatalogEvent> allEvents() {
        return SpecReference.VERSIONS.stream()
                .flatMap(version -> SpecReference.SIDES.stream().flatMap(side -> SpecReference.events(version, side).stream()));
    }

    private static CatalogEvent event(String version, String side, String type) {
        return SpecReference.events(version, side).stream()
                .filter(e -> e.type().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in " + version + "/" + side));
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Catalog type strings are either a plain word or compact JSON ({@code {"array":T}}, {@code {"anyOf":[T,...]}}). */
    private static JsonNode catalogType(String type) throws IOException {
        return type.startsWith("{") || type.startsWith("[") ? MAPPER.readTree(type) : MAPPER.getNodeFactory().textNode(type);
    }

    /** Whether a sample value fits a catalog type; a capitalised word names a component schema, all of which are objects here. */
    private static boolean matches(JsonNode value, JsonNode type) {
        if (value == null) {
            return false;
        }
        if (type.isTextual()) {
            return switch (type.asText()) {
                case "string" -> value.isTextual();
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "boolean" -> value.isBoolean();
                case "object" -> value.isObject();
                case "array" -> value.isArray();
                case "null" -> value.isNull();
                default -> Character.isUpperCase(type.asText().charAt(0)) && value.isObject();
            };
        }
        if (type.has("array")) {
            if (!value.isArray()) {
                return false;
            }
            for (JsonNode element : value) {
                if (!matches(element, type.get("array"))) {
                    return false;
                }
            }
            return true;
        }
        JsonNode alternatives = type.has("oneOf") ? type.get("oneOf") : type.get("anyOf");
        if (alternatives != null) {
            for (JsonNode alternative : alternatives) {
                if (matches(value, alternative)) {
                    return true;
                }
            }
            return false;
        }
        throw new AssertionError("Unrecognised catalog type " + type);
    }

    private static int containerDepth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, containerDepth(child));
        }
        return node.isContainerNode() ? deepest + 1 : deepest;
    }

    private static Path write(Path dir, String json) throws IOException {
        return Files.writeString(dir.resolve("schemas.json"), json);
    }
}
