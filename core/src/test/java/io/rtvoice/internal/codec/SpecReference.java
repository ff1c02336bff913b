package io.rtvoice.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Locates the vendored OpenAI spec snapshots so tests can check the codec against the published event catalog. */
final class SpecReference {

    /** System property through which the build passes the spec directory. */
    static final String SPEC_DIR_PROPERTY = "rtvoice.spec.dir";

    /** Name of the event catalog inside the spec directory. */
    static final String CATALOG_FILE = "realtime-event-catalog.json";

    /** Catalog version keys, oldest first. */
    static final List<String> VERSIONS = List.of("preview_2024_10", "beta_2024_12", "beta_2025_04", "ga_head");

    /** Catalog sides: events the client sends and events the server sends. */
    static final List<String> SIDES = List.of("client", "server");

    private static final Path RELATIVE_SPEC_DIR = Paths.get("shared", "reference", "spec");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static JsonNode catalog;

    /** One event entry of the catalog; {@code propertyTypes} maps property name to a compact type string. */
    record CatalogEvent(
            String version,
            String side,
            String type,
            String schema,
            List<String> required,
            Map<String, String> propertyTypes) {

        CatalogEvent {
            required = List.copyOf(required);
            propertyTypes = Collections.unmodifiableMap(new LinkedHashMap<>(propertyTypes));
        }

        @Override
        public String toString() {
            return version + "/" + side + "/" + type;
        }
    }

    private SpecReference() {
    }

    /** Finds the spec directory: the build's system property first, else by walking up from the working directory. */
    static Path specDir() {
        String configured = System.getProperty(SPEC_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured);
            if (Files.isDirectory(dir)) {
                return dir.toAbsolutePath().normalize();
            }
        }
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve(RELATIVE_SPEC_DIR), dir.resolve("..").resolve(RELATIVE_SPEC_DIR))) {
                if (Files.isRegularFile(candidate.resolve(CATALOG_FILE))) {
                    return candidate.toAbsolutePath().normalize();
                }
            }
        }
        throw new IllegalStateException("Cannot find the spec reference directory: system property '"
                + SPEC_DIR_PROPERTY + "' is " + (configured == null ? "unset" : "'" + configured + "' (not a directory)")
                + ", and no shared/reference/spec/" + CATALOG_FILE + " exists above " + start);
    }

    /** The parsed event catalog, read once per JVM. */
    static synchronized JsonNode catalog() {
        if (catalog == null) {
            catalog = readJson(specDir().resolve(CATALOG_FILE));
        }
        return catalog;
    }

    /** Name of the schemas file that describes a catalog version (2024-12 has no snapshot of its own, so it uses 2025-04). */
    static String schemasFileFor(String version) {
        return switch (version) {
            case "preview_2024_10" -> "openai-openapi-2024-10-17-c880fa1.realtime-schemas.json";
            case "beta_2024_12", "beta_2025_04" -> "openai-openapi-2025-04-29-498c71d.realtime-schemas.json";
            case "ga_head" -> "openai-openapi-HEAD-f85dbe2.realtime-schemas.json";
            default -> throw new IllegalArgumentException("Unknown catalog version '" + version + "', expected one of " + VERSIONS);
        };
    }

    /** The catalog's events of one version and side, in catalog order. */
    static List<CatalogEvent> events(String version, String side) {
        schemasFileFor(version); // validates the version key
        if (!SIDES.contains(side)) {
            throw new IllegalArgumentException("Unknown side '" + side + "', expected one of " + SIDES);
        }
        JsonNode entries = catalog().path(version).path(side);
        if (!entries.isArray()) {
            throw new IllegalStateException("Catalog has no array at " + version + "." + side);
        }
        List<CatalogEvent> events = new ArrayList<>();
        for (JsonNode entry : entries) {
            events.add(toEvent(version, side, entry));
        }
        return List.copyOf(events);
    }

    /** Reads a JSON file, turning I/O failures into unchecked exceptions for use in static contexts. */
    static JsonNode readJson(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static CatalogEvent toEvent(String version, String side, JsonNode entry) {
        List<String> required = new ArrayList<>();
        entry.path("required").forEach(r -> required.add(r.asText()));
        Map<String, String> types = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : entry.path("properties").properties()) {
            types.put(property.getKey(), compactType(property.getValue()));
        }
        return new CatalogEvent(version, side, entry.path("type").asText(), entry.path("schema").asText(), required, types);
    }

    /** Plain strings stay as they are; structured types (e.g. {@code {"array":"object"}}) become compact JSON. */
    private static String compactType(JsonNode type) {
        return type.isTextual() ? type.asText() : type.toString();
    }
}
