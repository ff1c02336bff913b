package io.rtvoice.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.event.SessionConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The minted keys are bounded, expired ones purged, and none is ever printed. */
class ClientSecretStoreTest {

    private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");
    private static final SessionConfig SESSION = SessionConfig.builder().build();

    @Test
    void noMoreThanMaxLiveKeysAreHeldAndExpiredOnesMakeRoom() {
        Clock[] clock = {Clock.fixed(START, ZoneOffset.UTC)};
        ClientSecretStore store = new ClientSecretStore(new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock[0].instant();
            }
        }, 2);

        ClientSecretStore.Minted first = store.mint(SESSION, 10);
        ClientSecretStore.Minted second = store.mint(SESSION, 20);
        assertThat(store.mint(SESSION, 10)).as("a third live key").isNull();

        clock[0] = Clock.offset(clock[0], Duration.ofSeconds(10));
        assertThat(store.expired(first)).isTrue();
        assertThat(store.expired(second)).isFalse();
        ClientSecretStore.Minted third = store.mint(SESSION, 10);
        assertThat(third).as("the expired key was purged to make room").isNotNull();
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.find(first.key())).isNull();
        assertThat(third.key()).isNotEqualTo(first.key()).startsWith("ek_");
        assertThat(third.serial()).isEqualTo(3);
    }

    @Test
    void anExpiredKeyPresentedIsReportedOnceThenForgotten() {
        ClientSecretStore store = new ClientSecretStore(Clock.fixed(START, ZoneOffset.UTC), 10);
        ClientSecretStore.Minted gone = new ClientSecretStore(Clock.fixed(START.minusSeconds(60), ZoneOffset.UTC), 10).mint(SESSION, 10);
        ClientSecretStore.Minted live = store.mint(SESSION, 10);

        assertThat(store.find(live.key())).isSameAs(live);
        assertThat(store.find(gone.key())).as("minted elsewhere").isNull();
        assertThat(live.toString()).doesNotContain(live.key().substring(3)).contains("<redacted>");
        assertThat(store.toString()).isEqualTo("ClientSecretStore[1 keys, max 10]");
    }
}
