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

    /**
     * An API key: the {@code api-key} header on Azure, {@code Authorization: Bearer} elsewhere. The key is
     * used exactly as given: a trailing line break (a key read from a file) is not trimmed but refused.
     *
     * @throws IllegalArgumentException if the key is blank or holds a control character such as CR or LF
     *         (the message says where, never the key)
     */
    static Credentials apiKey(String key) {
        Objects.requireNonNull(key, "key");
        CredentialText.checked("API key", key);
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
     * {@code https://cognitiveservices.azure.com/.default}. A token that is blank or holds a control
     * character (CR, LF: header injection) fails the connect with {@link AuthenticationException} before
     * anything is sent.
     */
    static Credentials bearerToken(Supplier<Mono<String>> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return new Credentials() {
            @Override
            public Mono<Map<String, String>> headers(Endpoint endpoint) {
                return Mono.defer(tokens::get).map(token -> Map.of("Authorization", "Bearer " + checkedToken("bearer token", token)));
            }

            @Override
            public String toString() {
                return "Credentials.bearerToken(<supplier>)";
            }
        };
    }

    /** {@code token} if fit for a header, else an {@link AuthenticationException} saying why, without the token. */
    private static String checkedToken(String what, String token) {
        try {
            return CredentialText.checked(what, token);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException(e.getMessage(), null);
        }
    }
}
