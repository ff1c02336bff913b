package io.rtvoice.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class AuthorizationRequestTest {

    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 40000);

    @Test
    void theQueryCookiesAndHeadersAreReadAsAServerReceivedThem() {
        AuthorizationRequest request = AuthorizationRequest.of("/ws?token=a%2Bb%3D&mode=direct&mode=relay&flag",
                List.of(Map.entry("Cookie", "theme=dark; sid=s%201"), Map.entry("cookie", "sid=second; x=1"),
                        Map.entry("X-Forwarded-For", "10.0.0.1"), Map.entry("x-forwarded-for", "10.0.0.2")), FROM);
        assertThat(request.path()).isEqualTo("/ws");
        assertThat(request.queryParameter("token")).contains("a+b=");
        assertThat(request.query().get("mode")).containsExactly("direct", "relay");
        assertThat(request.queryParameter("flag")).contains("");
        assertThat(request.cookie("theme")).contains("dark");
        assertThat(request.cookie("sid")).as("the first, as sent").contains("s%201");
        assertThat(request.cookie("x")).contains("1");
        assertThat(request.header("X-FORWARDED-FOR")).contains("10.0.0.1");
        assertThat(request.headers().get("x-forwarded-for")).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(request.toString()).isEqualTo("AuthorizationRequest[/ws from " + FROM + "]").doesNotContain("a+b");
    }

    @Test
    void aPlusStaysAPlusAndABadEscapeIsKeptAsSent() {
        AuthorizationRequest request = AuthorizationRequest.of("/ws?token=ab+c/d==&bad=%zz&cut=abc%&%zz=1", List.of(), FROM);
        assertThat(request.queryParameter("token")).contains("ab+c/d==");
        assertThat(request.queryParameter("bad")).contains("%zz");
        assertThat(request.queryParameter("cut")).contains("abc%");
        assertThat(request.queryParameter("%zz")).contains("1");
    }

    @Test
    void anAuthorizerThatFailsOrSaysNothingDoesNotAdmit() {
        AuthorizationRequest request = AuthorizationRequest.of("/", List.of(), FROM);
        assertThat(((Authorizer) r -> Mono.just(true)).admits(request).block()).isTrue();
        assertThat(((Authorizer) r -> Mono.error(new IllegalStateException("down"))).admits(request).block()).isFalse();
        assertThat(((Authorizer) r -> Mono.empty()).admits(request).block()).isFalse();
        assertThat(((Authorizer) r -> { throw new IllegalStateException("thrown, not emitted"); }).admits(request).block()).isFalse();
    }
}
