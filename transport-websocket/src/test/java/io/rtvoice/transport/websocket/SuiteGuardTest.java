package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rtvoice.testing.SuiteGuard;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import reactor.core.publisher.Mono;

/**
 * The guard that runs around every test class really trips: each case below runs in its own JUnit engine
 * (as the build runs every class) and must fail with the guard's report, which must not repeat the secret.
 */
class SuiteGuardTest {

    /** Shaped like every test key, so the guard knows it; never a real key. */
    static final String SECRET = "sk-guard-selftest-5150";

    @Test
    void aLeakedNettyBufferFailsTheClassThatLeakedIt() {
        assertThat(guardFailure(LeaksABuffer.class)).contains("a Netty leak report").contains("LEAK:");
    }

    @Test
    void aSecretOnStdoutFailsTheClass() {
        assertThat(guardFailure(PrintsASecret.class)).contains("a secret (sk-…, 22 chars) in stdout");
    }

    @Test
    void aSecretInALogRecordFailsTheClass() {
        assertThat(guardFailure(LogsASecret.class)).contains("a secret (sk-…, 22 chars) in a log record of io.rtvoice.selftest");
    }

    @Test
    void aSecretInAnOperatorErrorFailsTheClass() {
        assertThat(guardFailure(ThrowsASecretInAnOperator.class)).contains("a secret (sk-…, 22 chars) in an error in a Reactor pipeline");
    }

    @Test
    void aReleasedBufferAndAClearOutputPass() {
        List<Event> failures = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(Clean.class)).execute()
                .allEvents().failed().list();
        assertThat(failures).isEmpty();
        assertThat(SuiteGuard.expectSecrets()).isEmpty();
    }

    /** Runs {@code testClass} as the build would and returns the guard's failure message for it. */
    private static String guardFailure(Class<?> testClass) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(testClass)).execute()
                .containerEvents().failed().list();
        assertThat(failed).as("the guard failed the class").hasSize(1);
        String message = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("");
        assertThat(message).startsWith("SuiteGuard: ").doesNotContain(SECRET);
        return message;
    }

    static class LeaksABuffer {
        @Test
        void leaks() {
            ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(64);
            leaked.writeLong(42); // and never released
        }
    }

    static class PrintsASecret {
        @Test
        void prints() {
            System.out.println("connecting with " + SECRET);
        }
    }

    static class LogsASecret {
        @Test
        void logs() {
            Logger.getLogger("io.rtvoice.selftest").fine("header api-key: " + SECRET);
        }
    }

    static class ThrowsASecretInAnOperator {
        @Test
        void throwsInAMap() {
            Mono.just(1).map(i -> {
                throw new IllegalStateException("bad key " + SECRET);
            }).onErrorReturn(0).block();
        }
    }

    static class Clean {
        @Test
        void releasesAndPrintsNoSecret() {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(64);
            buffer.writeLong(42);
            buffer.release();
            System.out.println("connecting with sk-<redacted>, asking the task-runner");
        }
    }
}
