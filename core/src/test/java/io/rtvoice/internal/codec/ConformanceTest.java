package io.rtvoice.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.Dialect;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every event type of every protocol version in the catalog, in that version's dialect: samples
 * built from the official schema (one per branch choice) decode to the right record and re-encode to
 * equivalent JSON (same fields and values; field order and number representation ignored).
 */
class ConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Valid base64 for the fields the codec decodes as audio (schema samples hold placeholder text). */
    private static final String AUDIO = "AAECAwQFBgcICQ==";

    static Dialect dialectOf(String version) {
        return version.startsWith("ga") ? Dialect.GA : Dialect.PREVIEW;
    }

    @TestFactory
    Stream<DynamicTest> everyCatalogEventRoundTripsInItsDialect() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String version : SpecReference.VERSIONS) {
            SchemaSamples samples = SchemaSamples.forVersion(version);
            EventCodec codec = EventCodec.of(dialectOf(version));
            for (String side : SpecReference.SIDES) {
                for (SpecReference.CatalogEvent event : SpecReference.events(version, side)) {
                    int variants = samples.variantCount(event.schema());
                    for (int v = 0; v < variants; v++) {
                        int variant = v;
                        tests.add(DynamicTest.dynamicTest(event + "#" + variant,
                                () -> roundTrip(codec, event, samples.eventSample(event, variant))));
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void roundTrip(EventCodec codec, SpecReference.CatalogEvent event, ObjectNode sample) throws Exception {
        giveAudioFieldsValidBase64(sample);
        if (event.version().equals("preview_2024_10")) {
            emptyUntypedPlaceholders(sample, null);
        }
        ObjectNode expected = sample.deepCopy();
        if (event.version().equals("preview_2024_10")) {
            writtenAsTheServiceReadsIt(expected);
        }
        byte[] wire = JSON.writeValueAsBytes(sample);
        String gaType = codec.dialect() == Dialect.PREVIEW ? EventTypes.PREVIEW_TO_GA.getOrDefault(event.type(), event.type()) : event.type();

        byte[] again;
        if (event.side().equals("client")) {
            ClientEvent decoded = codec.decodeClientEvent(wire);
            assertThat(decoded).isNotInstanceOf(ClientEvent.Unknown.class).isInstanceOf(EventTypes.clientClass(gaType));
            again = codec.encode(decoded);
        } else {
            ServerEvent decoded = codec.decodeServerEvent(wire);
            assertThat(decoded).isNotInstanceOf(ServerEvent.Unknown.class).isInstanceOf(EventTypes.serverClass(gaType));
            again = codec.encode(decoded);
        }

        JsonNode reencoded = JSON.readTree(again);
        assertThat(reencoded.equals(NUMERIC_EQUALITY, expected))
                .as("re-encoded%n  %s%nexpected%n  %s", reencoded, expected)
                .isTrue();
    }

    private static void giveAudioFieldsValidBase64(ObjectNode sample) {
        switch (sample.path("type").asText()) {
            case "input_audio_buffer.append" -> sample.put("audio", AUDIO);
            case "response.audio.delta", "response.output_audio.delta" -> sample.put("delta", AUDIO);
            default -> {
            }
        }
    }

    /**
     * The first spec (2024-10) names the session's and response request's token limit
     * {@code max_output_tokens}; the service read and wrote {@code max_response_output_tokens} (real
     * October 2024 events, PROTOCOL.md §0). The codec reads both and writes the service's name.
     */
    private static void writtenAsTheServiceReadsIt(ObjectNode event) {
        String type = event.path("type").asText();
        String holder = type.startsWith("session.") ? "session" : type.equals("response.create") ? "response" : null;
        if (holder != null && event.get(holder) instanceof ObjectNode o && o.has("max_output_tokens")) {
            o.set("max_response_output_tokens", o.remove("max_output_tokens"));
        }
    }

    /**
     * The first spec (2024-10) leaves some nested objects untyped ({@code response.status_details},
     * {@code response.output[]}, {@code response.usage}), so the sampler fills them with a placeholder
     * field that no real event has. The later specs type them, and those samples test their fields.
     * Free-form fields by design ({@code parameters}, {@code metadata}) keep their placeholder.
     */
    private static void emptyUntypedPlaceholders(JsonNode node, String key) {
        if (node instanceof ObjectNode o) {
            if (o.size() == 1 && "value".equals(o.path("key").asText()) && !"parameters".equals(key) && !"metadata".equals(key)) {
                o.removeAll();
                return;
            }
            o.fields().forEachRemaining(e -> emptyUntypedPlaceholders(e.getValue(), e.getKey()));
        } else if (node != null && node.isArray()) {
            node.forEach(child -> emptyUntypedPlaceholders(child, key));
        }
    }

    /** Numbers compare by value (7 == 7L == 7.0); everything else by JSON equality. */
    private static final Comparator<JsonNode> NUMERIC_EQUALITY = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };
}
