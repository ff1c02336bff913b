package io.rtvoice.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A function tool made from a record: the schema its components say, and the model's JSON bound to it. */
class AgentToolSchemaTest {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final ObjectMapper JSON = new ObjectMapper();

    enum Unit { CELSIUS, FAHRENHEIT }

    record Place(String city, @JsonPropertyDescription("ISO 3166 code") String country) {
    }

    record WeatherArgs(Place place, Unit unit, List<String> details, Optional<Integer> days, boolean alerts,
            double threshold, @JsonProperty("time_zone") String timeZone, Map<String, Long> counts) {
    }

    record Weather(String sky, int celsius) {
    }

    record Loop(String name, Loop next) {
    }

    record Later(Object anything) {
    }

    @Test
    void theSchemaSaysEveryComponentAndOnlyOptionalOnesAreNotRequired() throws Exception {
        FunctionTool tool = FunctionTool.of("get_weather", "The weather", WeatherArgs.class, a -> Mono.just("x"));

        JsonNode expected = JSON.readTree("""
                {"type":"object","properties":{
                  "place":{"type":"object","properties":{"city":{"type":"string"},
                      "country":{"type":"string","description":"ISO 3166 code"}},
                    "required":["city","country"],"additionalProperties":false},
                  "unit":{"type":"string","enum":["CELSIUS","FAHRENHEIT"]},
                  "details":{"type":"array","items":{"type":"string"}},
                  "days":{"type":"integer"},
                  "alerts":{"type":"boolean"},
                  "threshold":{"type":"number"},
                  "time_zone":{"type":"string"},
                  "counts":{"type":"object","additionalProperties":{"type":"integer"}}},
                 "required":["place","unit","details","alerts","threshold","time_zone","counts"],
                 "additionalProperties":false}""");
        assertThat(tool.parameters()).isEqualTo(expected);
    }

    @Test
    void theModelsJsonIsBoundToTheRecordAndTheAnswerWrittenAsJson() {
        AtomicReference<WeatherArgs> got = new AtomicReference<>();
        FunctionTool tool = FunctionTool.of("get_weather", "The weather", WeatherArgs.class, a -> {
            got.set(a);
            return Mono.just(new Weather("sunny", 21));
        });

        String output = tool.handler().call("{\"place\":{\"city\":\"Paris\",\"country\":\"FR\"},\"unit\":\"CELSIUS\","
                + "\"details\":[\"wind\"],\"alerts\":true,\"threshold\":0.5,\"time_zone\":\"CET\",\"counts\":{\"a\":1},"
                + "\"made_up\":1}").block(TIMEOUT);

        assertThat(output).isEqualTo("{\"sky\":\"sunny\",\"celsius\":21}");
        assertThat(got.get()).isEqualTo(new WeatherArgs(new Place("Paris", "FR"), Unit.CELSIUS, List.of("wind"),
                Optional.empty(), true, 0.5, "CET", Map.of("a", 1L)));
    }

    @Test
    void anOptionalComponentThatIsGivenIsPresent() {
        AtomicReference<WeatherArgs> got = new AtomicReference<>();
        FunctionTool tool = FunctionTool.of("w", null, WeatherArgs.class, a -> {
            got.set(a);
            return Mono.just("ok");
        });
        assertThat(tool.handler().call("{\"days\":3}").block(TIMEOUT)).isEqualTo("ok");
        assertThat(got.get().days()).contains(3);
    }

    @Test
    void argumentsThatDoNotFitAreAnErrorOutputNamingThePartAndTheHandlerIsNotCalled() {
        AtomicReference<WeatherArgs> got = new AtomicReference<>();
        FunctionTool tool = FunctionTool.of("w", null, WeatherArgs.class, a -> {
            got.set(a);
            return Mono.just("ok");
        });
        String output = tool.handler().call("{\"unit\":\"KELVIN\"}").block(TIMEOUT);
        assertThat(output).isEqualTo("{\"error\":\"the arguments do not fit the schema: unit\"}");
        assertThat(got.get()).isNull();
    }

    @Test
    void aRecordThatContainsItselfOrAnUnsayableTypeIsRefusedWithItsName() {
        assertThatThrownBy(() -> FunctionTool.of("loop", null, Loop.class, a -> Mono.just("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Loop contains itself");
        assertThatThrownBy(() -> FunctionTool.of("later", null, Later.class, a -> Mono.just("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Later.anything : java.lang.Object");
    }

    @Test
    void aHistoryIsTheSameAfterJsonAndBack() {
        History history = new History(List.of(new History.UserMessage("item_1", "Hello", true),
                new History.AssistantMessage("item_2", "receptionist", "Hi there", true, 420),
                new History.ToolCall("item_3", "receptionist", "call_1", "transfer_to_specialist", "{}"),
                new History.Handoff("receptionist", "specialist"),
                new History.ToolOutput("item_4", "call_1", "{\"assistant\":\"specialist\"}")));

        String json = history.toJson();

        assertThat(History.fromJson(json)).isEqualTo(history);
        assertThat(json).contains("\"kind\":\"handoff\"").contains("\"heardMillis\":420");
        assertThat(History.fromJson(json).lastAgent()).isEqualTo("specialist");
        assertThatThrownBy(() -> History.fromJson("{\"entries\":[{\"kind\":\"nonsense\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a history");
    }
}
