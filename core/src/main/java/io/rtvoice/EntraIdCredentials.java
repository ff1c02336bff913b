package io.rtvoice;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * Microsoft Entra ID for Azure OpenAI: a bearer token from an azure-identity {@link TokenCredential}
 * (for example {@code new DefaultAzureCredentialBuilder().build()}), sent as {@code Authorization: Bearer}.
 *
 * <p>A token is asked for when a connection is opened; it is reused by later connects until
 * {@link #REFRESH_MARGIN} before it expires, then fetched anew, so no handshake ever carries a token
 * about to lapse. Only azure-core is needed on the class path, and only by users of this class.
 */
// azure-core is optional (requires static): whoever passes a TokenCredential has it on their own path.
@SuppressWarnings("exports")
public final class EntraIdCredentials implements Credentials {

    /** The scope Azure OpenAI accepts. */
    public static final String COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";
    /** How long before its expiry a cached token is replaced. */
    public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final String scope;
    private final Clock clock;
    private final AtomicReference<AccessToken> cached = new AtomicReference<>();

    EntraIdCredentials(TokenCredential credential, String scope, Clock clock) {
        this.credential = Objects.requireNonNull(credential, "credential");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (scope.isBlank()) {
            throw new IllegalArgumentException("scope is blank");
        }
    }

    /** Tokens of scope {@link #COGNITIVE_SERVICES_SCOPE} from {@code credential}. */
    public static EntraIdCredentials of(TokenCredential credential) {
        return of(credential, COGNITIVE_SERVICES_SCOPE);
    }

    /** Tokens of {@code scope} from {@code credential}. */
    public static EntraIdCredentials of(TokenCredential credential, String scope) {
        return new EntraIdCredentials(credential, scope, Clock.systemUTC());
    }

    @Override
    public Mono<Map<String, String>> headers(Endpoint endpoint) {
        return Mono.defer(() -> {
            AccessToken token = cached.get();
            if (token != null && fresh(token)) {
                return Mono.just(token);
            }
            return credential.getToken(new TokenRequestContext().addScopes(scope))
                    .switchIfEmpty(Mono.error(() -> new AuthenticationException("Entra ID returned no token for " + scope, null)))
                    .onErrorMap(e -> !(e instanceof AuthenticationException),
                            e -> new AuthenticationException("cannot get an Entra ID token for " + scope + ": "
                                    + e.getClass().getSimpleName() + (e.getMessage() != null ? " " + e.getMessage() : ""), e))
                    .doOnNext(cached::set);
        }).map(token -> {
            try {
                return Map.of("Authorization", "Bearer " + CredentialText.checked("Entra ID token", token.getToken()));
            } catch (IllegalArgumentException e) {
                throw new AuthenticationException(e.getMessage(), null);
            }
        });
    }

    private boolean fresh(AccessToken token) {
        OffsetDateTime expiresAt = token.getExpiresAt();
        return expiresAt != null && OffsetDateTime.now(clock).plus(REFRESH_MARGIN).isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "EntraIdCredentials(" + scope + ", <token redacted>)";
    }
}
