package io.rtvoice.internal.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/**
 * A record type as a function's arguments: its JSON Schema, derived from the components, and the binding of
 * the model's JSON to an instance. Strings, numbers, booleans, enums (by constant name), lists, sets and
 * arrays, maps with string keys, and nested records; an {@link Optional} component, or one annotated
 * {@code @Nullable} (any annotation of that simple name), is not required. {@link JsonProperty} renames a
 * component and {@link JsonPropertyDescription} describes it, as Jackson reads them.
 */
public final class RecordArguments {

    /** Unknown properties are ignored: a model that adds one should still get its call answered. */
    private static final ObjectMapper JSON = mapper();

    private static ObjectMapper mapper() {
        SimpleModule optional = new SimpleModule("rtvoice-optional");
        optional.setDeserializers(new OptionalDeserializers());
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).registerModule(optional);
    }

    private RecordArguments() {
    }

    /** The JSON Schema of {@code type}'s components, an {@code object}. */
    public static ObjectNode schema(Class<? extends Record> type) {
        return objectSchema(type, new ArrayDeque<>());
    }

    /** The model's {@code json} bound to {@code type}; a {@link IOException} names the part that does not fit. */
    public static <A extends Record> A bind(String json, Class<A> type) throws IOException {
        return JSON.readValue(json, type);
    }

    private static ObjectNode objectSchema(Class<?> type, Deque<Class<?>> enclosing) {
        if (enclosing.contains(type)) {
            throw new IllegalArgumentException("record " + type.getName() + " contains itself (expected: a tree of records)");
        }
        enclosing.push(type);
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = JsonNodeFactory.instance.arrayNode();
        for (RecordComponent component : type.getRecordComponents()) {
            String name = propertyName(component);
            Type generic = component.getGenericType();
            boolean optional = component.getType() == Optional.class || nullable(component);
            if (component.getType() == Optional.class) {
                generic = typeArgument(generic, 0, component);
            }
            ObjectNode property = schemaOf(generic, enclosing, component);
            JsonPropertyDescription description = component.getAccessor().getAnnotation(JsonPropertyDescription.class);
            if (description == null) {
                description = fieldAnnotation(type, component, JsonPropertyDescription.class);
            }
            if (description != null) {
                property.put("description", description.value());
            }
            properties.set(name, property);
            if (!optional) {
                required.add(name);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        schema.put("additionalProperties", false);
        enclosing.pop();
        return schema;
    }

    private static ObjectNode schemaOf(Type type, Deque<Class<?>> enclosing, RecordComponent where) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode array = f.objectNode().put("type", "array");
                array.set("items", schemaOf(typeArgument(type, 0, where), enclosing, where));
                return array;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode map = f.objectNode().put("type", "object");
                map.set("additionalProperties", schemaOf(typeArgument(type, 1, where), enclosing, where));
                return map;
            }
            if (raw == Optional.class) {
                return schemaOf(typeArgument(type, 0, where), enclosing, where);
            }
            return schemaOf(raw, enclosing, where);
        }
        if (type instanceof GenericArrayType a) {
            ObjectNode array = f.objectNode().put("type", "array");
            array.set("items", schemaOf(a.getGenericComponentType(), enclosing, where));
            return array;
        }
        if (!(type instanceof Class<?> c)) {
            throw unsupported(type, where);
        }
        if (c == String.class || c == char.class || c == Character.class) {
            return f.objectNode().put("type", "string");
        }
        if (c == boolean.class || c == Boolean.class) {
            return f.objectNode().put("type", "boolean");
        }
        if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class || c == Long.class
                || c == Short.class || c == Byte.class || c == BigInteger.class) {
            return f.objectNode().put("type", "integer");
        }
        if (c == double.class || c == float.class || c == Double.class || c == Float.class || c == BigDecimal.class
                || c == Number.class) {
            return f.objectNode().put("type", "number");
        }
        if (c.isEnum()) {
            ObjectNode e = f.objectNode().put("type", "string");
            ArrayNode values = e.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
            return e;
        }
        if (c.isArray()) {
            ObjectNode array = f.objectNode().put("type", "array");
            array.set("items", schemaOf(c.getComponentType(), enclosing, where));
            return array;
        }
        if (c.isRecord()) {
            return objectSchema(c, enclosing);
        }
        throw unsupported(type, where);
    }

    private static IllegalArgumentException unsupported(Type type, RecordComponent where) {
        return new IllegalArgumentException("component " + where.getDeclaringRecord().getSimpleName() + "." + where.getName()
                + " : " + type.getTypeName() + " (expected: string, number, boolean, enum, list, map, record or Optional of one)");
    }

    private static Type typeArgument(Type type, int index, RecordComponent where) {
        if (type instanceof ParameterizedType p) {
            Type argument = p.getActualTypeArguments()[index];
            if (argument instanceof WildcardType w && w.getUpperBounds().length == 1) {
                return w.getUpperBounds()[0];
            }
            return argument;
        }
        throw unsupported(type, where); // a raw List or Optional says nothing of its elements
    }

    private static String propertyName(RecordComponent component) {
        JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
        if (renamed == null) {
            renamed = fieldAnnotation(component.getDeclaringRecord(), component, JsonProperty.class);
        }
        return renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
    }

    private static boolean nullable(RecordComponent component) {
        for (Annotation a : component.getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        for (Annotation a : component.getAnnotatedType().getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Annotation> T fieldAnnotation(Class<?> type, RecordComponent component, Class<T> annotation) {
        try {
            return type.getDeclaredField(component.getName()).getAnnotation(annotation);
        } catch (NoSuchFieldException | SecurityException e) {
            return null;
        }
    }

    /** {@link Optional} as Jackson binds it with the JDK 8 module: absent and null are {@code Optional.empty()}. */
    private static final class OptionalDeserializers extends com.fasterxml.jackson.databind.module.SimpleDeserializers {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config, BeanDescription description) {
            return type.hasRawClass(Optional.class) ? new OptionalDeserializer(type.containedTypeOrUnknown(0), null) : null;
        }
    }

    private static final class OptionalDeserializer extends JsonDeserializer<Optional<?>> implements ContextualDeserializer {
        private final JavaType content;
        private final JsonDeserializer<Object> contentDeserializer;

        OptionalDeserializer(JavaType content, JsonDeserializer<Object> contentDeserializer) {
            this.content = content;
            this.contentDeserializer = contentDeserializer;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext context, com.fasterxml.jackson.databind.BeanProperty property)
                throws JsonMappingException {
            return new OptionalDeserializer(content, context.findContextualValueDeserializer(content, property));
        }

        @Override
        public Optional<?> deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return Optional.ofNullable(contentDeserializer.deserialize(parser, context));
        }

        @Override
        public Optional<?> getNullValue(DeserializationContext context) {
            return Optional.empty();
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return Optional.empty();
        }
    }
}
