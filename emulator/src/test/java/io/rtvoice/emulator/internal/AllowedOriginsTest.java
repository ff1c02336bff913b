package io.rtvoice.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    @Test
    void loopbackPagesOnAnyPortAreAllowedByDefaultAndNothingElse() {
        AllowedOrigins loopback = AllowedOrigins.loopback();
        assertThat(List.of("http://localhost", "http://localhost:5173", "https://127.0.0.1:8443", "http://[::1]:3000", "HTTP://LocalHost"))
                .allMatch(loopback::allows);
        assertThat(List.of("https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "null",
                "file://", "http://user@localhost", "http://localhost/path", "ws://localhost", "not a uri"))
                .noneMatch(loopback::allows);
    }

    @Test
    void configuredOriginsAreExactAndStarAllowsAny() {
        AllowedOrigins app = AllowedOrigins.of(List.of("https://app.example:8443"));
        assertThat(app.allows("https://APP.example:8443")).isTrue();
        assertThat(app.allows("https://app.example")).isFalse();
        assertThat(app.allows("http://localhost")).as("the loopback default is replaced").isFalse();
        assertThat(AllowedOrigins.of(List.of("*")).allows("https://anything.example")).isTrue();
        assertThat(AllowedOrigins.of(List.of()).allows("http://localhost")).as("none: no page at all").isFalse();
    }
}
