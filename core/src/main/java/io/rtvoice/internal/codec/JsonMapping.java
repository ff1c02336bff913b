package io.rtvoice.internal.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.BeanProperty;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.NoiseReduction;
import io.rtvoice.event.TurnDetection;
import java.io.IOException;
import java.util.Map;

/**
 * The one Jackson configuration of the wire format: snake_case names, absent fields for Java
 * {@code null}, unknown fields ignored, and the "switched off" sentinels that travel as JSON {@code null}.
 */
public final class JsonMapping {

    /**
     * Values that mean "explicitly off": written as JSON {@code null} and read back from it. Java
     * {@code null} stays "absent", which in a {@code session.update} means "unchanged".
     */
    private static final Map<Class<?>, Object> NULL_SENTINELS = Map.of(
            TurnDetection.class, TurnDetection.DISABLED,
            InputTranscription.class, InputTranscription.DISABLED,
            NoiseReduction.class, NoiseReduction.DISABLED);

    private static final ObjectMapper MAPPER = create();

    private JsonMapping() {
    }

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The shared factory, for streaming. */
    public static JsonFactory factory() {
        return MAPPER.getFactory();
    }

    private static ObjectMapper create() {
        JsonFactory factory = JsonFactory.builder()
                // Frame size is limited by the codec before parsing; nesting and string limits stay Jackson's.
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                .build();
        SimpleModule sentinels = new SimpleModule("rtvoice-null-sentinels");
        sentinels.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc, JsonDeserializer<?> deser) {
                Object sentinel = NULL_SENTINELS.get(desc.getBeanClass());
                return sentinel == null ? deser : new NullAsSentinel(deser, sentinel);
            }
        });
        sentinels.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription desc, JsonSerializer<?> ser) {
                Object sentinel = NULL_SENTINELS.get(desc.getBeanClass());
                @SuppressWarnings("unchecked")
                JsonSerializer<Object> delegate = (JsonSerializer<Object>) ser;
                return sentinel == null ? ser : new SentinelAsNull(delegate, sentinel);
            }
        });
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .addModule(sentinels)
                .build();
    }

    /** Reads JSON {@code null} as the sentinel; an absent field stays Java {@code null}. */
    private static final class NullAsSentinel extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;
        private final transient Object sentinel;

        NullAsSentinel(JsonDeserializer<?> delegate, Object sentinel) {
            super(delegate);
            this.sentinel = sentinel;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new NullAsSentinel(newDelegatee, sentinel);
        }

        @Override
        public Object getNullValue(DeserializationContext ctxt) {
            return sentinel;
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }
    }

    /** Writes the sentinel as JSON {@code null}; any other value as the bean it is. */
    private static final class SentinelAsNull extends StdSerializer<Object> implements ResolvableSerializer, ContextualSerializer {
        private static final long serialVersionUID = 1L;
        private final transient JsonSerializer<Object> delegate;
        private final transient Object sentinel;

        SentinelAsNull(JsonSerializer<Object> delegate, Object sentinel) {
            super(Object.class);
            this.delegate = delegate;
            this.sentinel = sentinel;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value == sentinel) {
                gen.writeNull();
            } else {
                delegate.serialize(value, gen, provider);
            }
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (delegate instanceof ResolvableSerializer r) {
                r.resolve(provider);
            }
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property) throws JsonMappingException {
            if (delegate instanceof ContextualSerializer c) {
                @SuppressWarnings("unchecked")
                JsonSerializer<Object> contextual = (JsonSerializer<Object>) c.createContextual(provider, property);
                return contextual == delegate ? this : new SentinelAsNull(contextual, sentinel);
            }
            return this;
        }
    }
}
