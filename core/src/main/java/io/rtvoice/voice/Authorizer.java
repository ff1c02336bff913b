package io.rtvoice.voice;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Who may use an end that strangers can reach — the relay's pages, a carrier's media streams: the app's own check,
 * made before a session with the service is opened (or, at the relay, a key minted). Without one, whoever finds the
 * address talks to the service on the app's key.
 *
 * <pre>{@code
 * .authorizer(request -> signIns.isValid(request.cookie("sid").orElse("")))          // a page's sign-in
 * .authorizer(request -> Mono.just(request.queryParameter("key")                     // a stream's key, compared
 *         .filter(given -> MessageDigest.isEqual(key, given.getBytes(UTF_8))).isPresent())) // in constant time
 * }</pre>
 *
 * <p>A browser's WebSocket cannot set headers: a page proves who it is with a cookie of the relay's origin or a
 * token in its address. A carrier that cannot sign its requests (ACS) gets a secret in the stream's URL.
 */
@FunctionalInterface
public interface Authorizer {

    /**
     * Emits true to admit the request; false, empty, an error or no answer within 10 s refuses it with HTTP 401.
     * Runs on the server's event loop: it must not block (look a session up asynchronously and return its Mono).
     */
    Mono<Boolean> authorize(AuthorizationRequest request);

    /** How long an authorizer may take to answer. */
    Duration TIMEOUT = Duration.ofSeconds(10);

    /** This authorizer's answer as yes or no, as an end takes it: an error, nothing, or no answer within {@link #TIMEOUT} is no. */
    default Mono<Boolean> admits(AuthorizationRequest request) {
        return Mono.defer(() -> authorize(request)).timeout(TIMEOUT)
                .onErrorResume(e -> {
                    // The class only: an authorizer's message may quote what the request carried.
                    System.getLogger("io.rtvoice.voice").log(System.Logger.Level.WARNING,
                            "the authorizer failed for " + request + ": " + e.getClass().getSimpleName());
                    return Mono.just(false);
                })
                .defaultIfEmpty(false);
    }
}
