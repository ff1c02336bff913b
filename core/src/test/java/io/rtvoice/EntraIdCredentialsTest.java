package io.rtvoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.rtvoice.testing.MovableClock;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class EntraIdCredentialsTest {

    static final Endpoint AZURE = Endpoint.azure(URI.create("https://example.openai.azure.com"), "my-deployment");
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    /** A credential that hands out numbered tokens, each valid for an hour from the clock's now. */
    static final class NumberedTokens implements TokenCredential {
        final List<TokenRequestContext> requests = new ArrayList<>();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            requests.add(request);
            return Mono.just(new AccessToken("entra-token-" + requests.size(), OffsetDateTime.now(clock).plusHours(1)));
        }
    }

    @Test
    void sendsABearerTokenOfTheCognitiveServicesScope() {
        NumberedTokens tokens = new NumberedTokens();
        Map<String, String> headers = EntraIdCredentials.of(tokens).headers(AZURE).block();
        assertThat(headers).containsExactly(Map.entry("Authorization", "Bearer entra-token-1"));
        assertThat(tokens.requests).singleElement()
                .satisfies(r -> assertThat(r.getScopes()).containsExactly("https://cognitiveservices.azure.com/.default"));
    }

    @Test
    void reusesATokenUntilFiveMinutesBeforeItExpiresThenFetchesANewOne() {
        NumberedTokens tokens = new NumberedTokens();
        MovableClock clock = new MovableClock(NOW);
        EntraIdCredentials credentials = new EntraIdCredentials(tokens, EntraIdCredentials.COGNITIVE_SERVICES_SCOPE, clock);

        assertThat(credentials.headers(AZURE).block()).containsValue("Bearer entra-token-1");
        clock.set(NOW.plus(Duration.ofMinutes(54))); // 6 minutes left: still fresh
        assertThat(credentials.headers(AZURE).block()).containsValue("Bearer entra-token-1");
        clock.set(NOW.plus(Duration.ofMinutes(55))); // 5 minutes left: refresh
        tokens.clock = clock;
        assertThat(credentials.headers(AZURE).block()).containsValue("Bearer entra-token-2");
        assertThat(tokens.requests).hasSize(2);
    }

    @Test
    void aFailingCredentialBecomesAnAuthenticationExceptionNamingTheScope() {
        TokenCredential broken = request -> Mono.error(new IllegalStateException("no managed identity endpoint"));
        assertThatThrownBy(() -> EntraIdCredentials.of(broken).headers(AZURE).block())
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("https://cognitiveservices.azure.com/.default")
                .hasMessageContaining("no managed identity endpoint")
                .hasCauseInstanceOf(IllegalStateException.class);
        TokenCredential empty = request -> Mono.empty();
        assertThatThrownBy(() -> EntraIdCredentials.of(empty).headers(AZURE).block())
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("no token");
    }

    @Test
    void theTokenNeverShowsInToString() {
        EntraIdCredentials credentials = EntraIdCredentials.of(new NumberedTokens());
        credentials.headers(AZURE).block();
        assertThat(credentials.toString()).doesNotContain("entra-token").contains("redacted");
        RealtimeClient client = RealtimeClient.builder().endpoint(AZURE).credentials(credentials)
                .transport(request -> Mono.error(new IllegalStateException("unused"))).build();
        assertThat(client.toString()).doesNotContain("entra-token");
    }

    @Test
    void anyCredentialsFailureReachesConnectAsAnAuthenticationException() {
        RealtimeClient client = RealtimeClient.builder().endpoint(AZURE)
                .credentials(Credentials.bearerToken(() -> Mono.error(new java.io.IOException("token service down"))))
                .transport(request -> Mono.error(new IllegalStateException("never reached"))).build();
        assertThatThrownBy(() -> client.connect().block())
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("bearerToken")
                .hasRootCauseMessage("token service down");
    }
}
