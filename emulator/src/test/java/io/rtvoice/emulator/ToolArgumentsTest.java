package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standard responder's tool arguments satisfy the tool's schema and take the user's words where they fit. */
class ToolArgumentsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode schema(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    static JsonNode generate(JsonNode schema, String said) throws Exception {
        JsonNode arguments = JSON.readTree(ToolArguments.generate(schema, said));
        assertThat(violations(schema, schema, arguments, "$")).as(arguments.toString()).isEmpty();
        return arguments;
    }

    @Test
    void aPlacePropertyGetsThePlaceTheUserNamedAndAnEnumTheValueTheySaid() throws Exception {
        JsonNode weather = schema("{'type':'object','properties':{"
                + "'city':{'type':'string'},'unit':{'type':'string','enum':['celsius','fahrenheit']}},"
                + "'required':['city','unit'],'additionalProperties':false}");

        JsonNode args = generate(weather, "What's the weather in Paris in fahrenheit?");

        assertThat(args).isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"unit\":\"fahrenheit\"}"));
    }

    @Test
    void aLocationOfSeveralCapitalisedWordsIsKeptWhole() throws Exception {
        JsonNode args = generate(schema("{'type':'object','properties':{'location':{'type':'string'}},'required':['location']}"),
                "is it raining in New York today");

        assertThat(args.get("location").asText()).isEqualTo("New York");
    }

    @Test
    void everyTypeIsRightAndNestedRequiredPropertiesArePresent() throws Exception {
        JsonNode order = schema("{'type':'object','required':['order_id','quantity','gift','tags','shipping','price'],'properties':{"
                + "'order_id':{'type':'integer','minimum':1},"
                + "'quantity':{'type':'integer','minimum':1,'maximum':5},"
                + "'gift':{'type':'boolean'},"
                + "'price':{'type':'number','exclusiveMinimum':0},"
                + "'tags':{'type':'array','items':{'type':'string','enum':['urgent','fragile','normal']},'minItems':1},"
                + "'shipping':{'type':'object','required':['speed','address'],'properties':{"
                + "   'speed':{'enum':['standard','express']},'address':{'type':'string','maxLength':10}}},"
                + "'note':{'type':'string'}}}");

        JsonNode args = generate(order, "please ship order 7 as a gift, express and fragile, quantity 12");

        assertThat(args.get("order_id").asLong()).isEqualTo(7);
        assertThat(args.get("quantity").asLong()).as("12 said, 5 allowed").isEqualTo(5);
        assertThat(args.get("gift").asBoolean()).isTrue();
        assertThat(args.get("tags")).containsExactly(JSON.getNodeFactory().textNode("fragile"));
        assertThat(args.get("shipping").get("speed").asText()).isEqualTo("express");
        assertThat(args.has("note")).as("optional and not mentioned").isFalse();
    }

    @Test
    void nullableTypesRefsAnyOfAllOfAndFormatsAreSatisfied() throws Exception {
        JsonNode s = schema("{'type':'object','$defs':{'when':{'type':'string','format':'date'}},"
                + "'required':['day','count','choice','both'],'properties':{"
                + "'day':{'$ref':'#/$defs/when'},"
                + "'count':{'type':['integer','null']},"
                + "'choice':{'anyOf':[{'type':'null'},{'type':'number','minimum':2.5}]},"
                + "'both':{'allOf':[{'type':'object','properties':{'a':{'type':'string'}},'required':['a']},"
                + "                 {'properties':{'b':{'type':'boolean'}},'required':['b']}]}}}");

        JsonNode args = generate(s, "book it");

        assertThat(args.get("day").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(args.get("both").has("a")).isTrue();
        assertThat(args.get("both").has("b")).isTrue();
    }

    @Test
    void aSchemaWithoutPropertiesGetsTheUsersWordsAsInputAndAClosedOneNothing() throws Exception {
        assertThat(generate(schema("{'type':'object'}"), "lookup order 7")).isEqualTo(JSON.readTree("{\"input\":\"lookup order 7\"}"));
        assertThat(ToolArguments.generate(null, "hi")).isEqualTo("{\"input\":\"hi\"}");
        assertThat(generate(schema("{'type':'object','additionalProperties':false}"), "hi")).isEmpty();
    }

    @Test
    void aFreeTextPropertyGetsAllTheUserSaidWithinItsMaximumLength() throws Exception {
        JsonNode args = generate(schema("{'type':'object','properties':{'query':{'type':'string','maxLength':12,'minLength':3}},"
                + "'required':['query']}"), "find me a quiet cafe");

        assertThat(args.get("query").asText()).isEqualTo("find me a qu");
    }

    /** A small JSON Schema check, for the keywords the generator claims to honour. */
    static List<String> violations(JsonNode root, JsonNode schema, JsonNode value, String path) {
        List<String> problems = new ArrayList<>();
        if (schema.has("$ref")) {
            return violations(root, root.at(schema.get("$ref").asText().substring(1)), value, path);
        }
        if (schema.has("allOf")) {
            schema.get("allOf").forEach(s -> problems.addAll(violations(root, s, value, path)));
        }
        if (schema.has("anyOf")) {
            boolean one = false;
            for (JsonNode s : schema.get("anyOf")) {
                one |= violations(root, s, value, path).isEmpty();
            }
            if (!one) {
                problems.add(path + ": matches no anyOf alternative");
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode e : schema.get("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                problems.add(path + ": " + value + " not in " + schema.get("enum"));
            }
        }
        JsonNode type = schema.get("type");
        if (type != null) {
            List<String> types = new ArrayList<>();
            if (type.isArray()) {
                type.forEach(t -> types.add(t.asText()));
            } else {
                types.add(type.asText());
            }
            String actual = value.isNull() ? "null" : value.isBoolean() ? "boolean" : value.isIntegralNumber() ? "integer"
                    : value.isNumber() ? "number" : value.isTextual() ? "string" : value.isArray() ? "array" : "object";
            if (!types.contains(actual) && !(actual.equals("integer") && types.contains("number"))) {
                problems.add(path + ": " + actual + " is not " + types);
            }
        }
        if (value.isNumber()) {
            double v = value.asDouble();
            if (schema.has("minimum") && v < schema.get("minimum").asDouble()
                    || schema.has("maximum") && v > schema.get("maximum").asDouble()
                    || schema.has("exclusiveMinimum") && v <= schema.get("exclusiveMinimum").asDouble()
                    || schema.has("exclusiveMaximum") && v >= schema.get("exclusiveMaximum").asDouble()) {
                problems.add(path + ": " + v + " out of range");
            }
        }
        if (value.isTextual()) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (length > schema.path("maxLength").asInt(Integer.MAX_VALUE) || length < schema.path("minLength").asInt(0)) {
                problems.add(path + ": length " + length);
            }
        }
        if (value.isArray()) {
            if (value.size() < schema.path("minItems").asInt(0) || value.size() > schema.path("maxItems").asInt(Integer.MAX_VALUE)) {
                problems.add(path + ": " + value.size() + " items");
            }
            for (int i = 0; i < value.size(); i++) {
                if (schema.has("items")) {
                    problems.addAll(violations(root, schema.get("items"), value.get(i), path + "[" + i + "]"));
                }
            }
        }
        if (value.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    problems.add(path + ": missing " + r.asText());
                }
            }
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                JsonNode property = schema.path("properties").get(field.getKey());
                if (property != null) {
                    problems.addAll(violations(root, property, field.getValue(), path + "." + field.getKey()));
                } else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
                    problems.add(path + ": unexpected " + field.getKey());
                }
            }
        }
        return problems;
    }
}
