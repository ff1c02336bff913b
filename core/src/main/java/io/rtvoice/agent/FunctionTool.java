package io.rtvoice.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.conversation.ToolHandler;
import io.rtvoice.internal.agent.RecordArguments;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A function an {@link Agent} offers the model, run here when the model calls it. Made from a record type
 * ({@link #of(String, String, Class, Function)}: the schema comes from its components, Jackson binds the
 * arguments to it) or from a schema and a {@link ToolHandler} of raw JSON. {@link #withApproval()} makes
 * each call wait for the app's decision ({@link AgentRunner#approve}).
 *
 * @param name the name the model calls it by
 * @param description what it does, told to the model
 * @param parameters the JSON Schema of its arguments
 * @param handler what runs it: the arguments as JSON text in, the output as text out; keep it non-blocking
 * @param needsApproval whether each call waits for {@link AgentRunner#approve} or {@link AgentRunner#reject}
 */
public record FunctionTool(String name, String description, JsonNode parameters, ToolHandler handler, boolean needsApproval) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks the parts every tool needs. */
    public FunctionTool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(handler, "handler");
    }

    /**
     * A tool whose arguments are a record: {@code FunctionTool.of("get_weather", "The weather in a city",
     * WeatherArgs.class, args -> Mono.just(new Weather(...)))}. The schema is derived from the record's
     * components (strings, numbers, booleans, enums, lists, maps, nested records; {@code Optional} or
     * {@code @Nullable} ones are not required). The handler's value goes to the model as it is when it is a
     * {@code String}, as JSON (Jackson) otherwise; arguments that do not bind reach the model as an error
     * output that says which part did not fit, and the handler is not called.
     *
     * @throws IllegalArgumentException if a component has a type a schema cannot say (named in the message)
     */
    public static <A extends Record> FunctionTool of(String name, String description, Class<A> arguments,
            Function<? super A, ? extends Mono<?>> handler) {
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(handler, "handler");
        return new FunctionTool(name, description, RecordArguments.schema(arguments), json -> {
            A bound;
            try {
                bound = RecordArguments.bind(json, arguments);
            } catch (IOException e) {
                return Mono.just(error("the arguments do not fit the schema" + where(e)));
            }
            return Mono.defer(() -> handler.apply(bound)).map(FunctionTool::output);
        }, false);
    }

    /** A tool of raw JSON: {@code parameters} is its schema, {@code handler} gets the arguments as JSON text. */
    public static FunctionTool of(String name, String description, JsonNode parameters, ToolHandler handler) {
        return new FunctionTool(name, description, parameters, handler, false);
    }

    /** The same tool, each call of which waits for the app's approval (or rejection, or the runner's timeout). */
    public FunctionTool withApproval() {
        return new FunctionTool(name, description, parameters, handler, true);
    }

    private static String output(Object value) {
        if (value instanceof String text) {
            return text;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("the tool's output cannot be written as JSON: " + value.getClass().getName(), e);
        }
    }

    /** The path of the part that did not bind, as Jackson names it; never the value, which the model wrote anyway. */
    private static String where(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    path.append(path.length() > 0 ? "." : "").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
            return ": " + path;
        }
        return "";
    }

    static String error(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message).toString();
    }

    @Override
    public String toString() {
        return "FunctionTool[" + name + (needsApproval ? ", needs approval" : "") + "]";
    }
}
