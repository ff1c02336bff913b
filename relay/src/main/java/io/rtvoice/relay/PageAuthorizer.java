package io.rtvoice.relay;

import reactor.core.publisher.Mono;

/**
 * Who may use a relay: the app's own sign-in, checked before a page session is opened or a key minted for a page.
 * The origin check keeps other sites' pages out, but not a program that sends no {@code Origin}; a relay reachable
 * by strangers needs this, or they talk to the service on the relay's key.
 *
 * <p>A browser's WebSocket cannot set headers: a page proves who it is with a cookie of the relay's origin, or a
 * token in its address ({@code /?token=…}: the page passes its query on to {@code /ws} and {@code /session}).
 *
 * <pre>{@code
 * VoiceRelay.builder().client(client)
 *         .authorizer(request -> sessions.isSignedIn(request.cookie("sid").orElse(""))) // a Mono<Boolean>
 *         .start();
 * }</pre>
 */
@FunctionalInterface
public interface PageAuthorizer {

    /**
     * Emits true to admit the request; false, empty, an error or no answer within 10 s refuses it with HTTP 401.
     * Runs on the relay's event loop: it must not block (look a session up asynchronously and return its Mono).
     */
    Mono<Boolean> authorize(PageRequest request);
}
