package io.rtvoice.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.logging.InternalLoggerFactory;
import org.junit.jupiter.api.Test;

/** The hostile soak's verdict on secrets is only worth something if the watch sees what the libraries log. */
class SecretWatchTest {

    @Test
    void aKeyLoggedAtDebugThroughNettysLoggerIsSeenAndTheLevelsAreRestored() {
        String key = "watch-test-credential-0123456789"; // not sk-…: SuiteGuard would rightly fail a test that logs one
        java.util.logging.Level before = java.util.logging.Logger.getLogger("io.netty").getLevel();
        SecretWatch watch = new SecretWatch(key).install();
        try {
            // Netty and reactor-netty log through slf4j, bound to java.util.logging here; DEBUG is FINE.
            InternalLoggerFactory.getInstance("io.netty.handler.codec.http.websocketx.Test").debug("handshake for {}", "Bearer " + key);
            InternalLoggerFactory.getInstance("reactor.netty.http.client.Test").debug("nothing secret here");
            watch.scan("a message", new IllegalStateException("wrapped", new RuntimeException("quoted " + key)));
        } finally {
            watch.uninstall();
        }
        assertThat(watch.recordsScanned()).isGreaterThanOrEqualTo(2);
        assertThat(watch.sightings()).containsOnlyKeys("log io.netty.handler.codec.http.websocketx.Test", "a message");
        assertThat(java.util.logging.Logger.getLogger("io.netty").getLevel()).isEqualTo(before);
    }
}
