package io.rtvoice.agent;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * A check on what the model says, run by the {@link AgentRunner} on the transcript (or text) of each answer as it
 * streams: every {@link AgentRunner.Builder#guardrailEveryChars} characters of new text and once at its end, never
 * per delta. When it trips, the answer is cut where the user stopped hearing it and
 * {@link AgentEvent.GuardrailTripped} says so.
 *
 * @param name what events and logs call it
 * @param trips whether the text so far (the whole answer from its start) trips it; called on the connection's
 *        thread: do not block (return a {@link Mono} that does slow work elsewhere). An error counts as not
 *        tripped and is reported as {@link AgentEvent.Error}
 */
public record Guardrail(String name, Function<String, Mono<Boolean>> trips) {

    /** Checks the parts. */
    public Guardrail {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(trips, "trips");
    }

    /** A guardrail of a quick, non-blocking test: {@code Guardrail.of("no prices", t -> t.contains("$"))}. */
    public static Guardrail of(String name, Predicate<String> trips) {
        Objects.requireNonNull(trips, "trips");
        return new Guardrail(name, text -> Mono.fromCallable(() -> trips.test(text)));
    }
}
