package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The emulator's own Jackson configuration of the Realtime wire format, for the JSON it reads itself
 * (typed events go through core's public {@link io.rtvoice.event.EventCodec}): snake_case names, Java
 * {@code null} written as an absent field, unknown fields ignored.
 *
 * <p>Core's codec also maps the "switched off" sentinels ({@code TurnDetection.DISABLED} and its kind) to
 * JSON {@code null}; the emulator needs none of that, because it only walks raw trees here and never
 * binds those types itself.
 */
final class WireJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // The WebSocket frame limit bounds the input; Jackson's 20 M-character string cap would only
                    // make a long but legal session.update unreadable.
                    .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                    .build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private WireJson() {
    }

    /**
     * The {@code type} of a JSON event as written (the dialect's own name), read with the streaming parser so a
     * 15 MiB append is not made a tree; {@code "?"} when there is none or the frame is not JSON.
     */
    static String typeOf(byte[] json) {
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return "?";
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                if ("type".equals(name) && value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (java.io.IOException e) {
            return "?";
        }
        return "?";
    }

    /** The shared, thread-safe mapper. */
    static ObjectMapper mapper() {
        return MAPPER;
    }
}
