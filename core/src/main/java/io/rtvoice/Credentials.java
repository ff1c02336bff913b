package io.rtvoice;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * How a client authenticates: the headers it adds to each connection. Implementations never show a
 * secret in {@code toString()}.
 */
@FunctionalInterface
public interface Credentials {

    /** The authentication headers for one connection to {@code endpoint}, fetched per connect. */
    Mono<Map<String, String>> headers(Endpoint endpoint);

    /** An API key: the {@code api-key} header on Azure, {@code Authorization: Bearer} elsewhere. */
    static Credentials apiKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("API key is blank");
        }
        return new Credentials() {
            @Override
            public Mono<Map<String, String>> headers(Endpoint endpoint) {
                return Mono.just(endpoint.service() == Endpoint.Service.AZURE ? Map.of("api-key", key)
                        : Map.of("Authorization", "Bearer " + key));
            }

            @Override
            public String toString() {
                return "Credentials.apiKey(<redacted>)";
            }
        };
    }

    /**
     * A bearer token from {@code tokens}, asked for on every connect (so an expiring token is refreshed),
     * sent as {@code Authorization: Bearer}. For Microsoft Entra ID, supply tokens of scope
     * {@code https://cognitiveservices.azure.com/.default}.
     */
    static Credentials bearerToken(Supplier<Mono<String>> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return new Credentials() {
            @Override
            public Mono<Map<String, String>> headers(Endpoint endpoint) {
                return Mono.defer(tokens::get).map(token -> Map.of("Authorization", "Bearer " + token));
            }

            @Override
            public String toString() {
                return "Credentials.bearerToken(<supplier>)";
            }
        };
    }
}
