package io.rtvoice.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * The model's voice: a built-in voice by name ({@code alloy}, {@code marin}, …) or a custom voice by id.
 * On the wire a name is a string and a custom voice is {@code {"id":"voice_…"}}.
 *
 * @param name built-in voice name, or {@code null} for a custom voice
 * @param id custom voice id, or {@code null} for a built-in voice
 */
public record Voice(String name, String id) {

    /** Creates a voice; exactly one of {@code name} and {@code id} is set. */
    public Voice {
        if ((name == null) == (id == null)) {
            throw new IllegalArgumentException("voice: exactly one of name and id must be set (name=" + name + ", id=" + id + ")");
        }
    }

    /** A built-in voice, e.g. {@code Voice.named("alloy")}. */
    public static Voice named(String name) {
        return new Voice(Objects.requireNonNull(name, "name"), null);
    }

    /** A custom voice by its id. */
    public static Voice custom(String id) {
        return new Voice(null, Objects.requireNonNull(id, "id"));
    }

    @JsonValue
    Object json() {
        return name != null ? name : Map.of("id", id);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Voice fromJson(JsonNode node) {
        if (node.isTextual()) {
            return named(node.textValue());
        }
        if (node.isObject() && node.path("id").isTextual()) {
            return custom(node.get("id").textValue());
        }
        throw new IllegalArgumentException("voice must be a string or {\"id\": string}, got " + node.getNodeType());
    }
}
