package io.rtvoice.emulator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.RealtimeEmulator;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The fixture's lifecycle: each case below runs in its own JUnit engine, as the build runs a test class,
 * and what its tests were given is checked afterwards.
 */
class EmulatorExtensionTest {

    static final List<RealtimeEmulator> given = new CopyOnWriteArrayList<>();
    static final AtomicInteger started = new AtomicInteger();

    @Test
    void aStaticFieldSharesOneEmulatorAcrossTheClassAndClosesItAfter() throws Exception {
        run(SharedByTheClass.class);

        assertThat(given).hasSize(2);
        assertThat(given.get(0)).isSameAs(given.get(1));
        assertClosed(given.get(0));
    }

    @Test
    void anInstanceFieldGivesEachTestItsOwnAndClosesItAfterTheTest() throws Exception {
        run(OnePerTest.class);

        assertThat(given).hasSize(2);
        assertThat(given.get(0)).isNotSameAs(given.get(1));
        assertClosed(given.get(0));
        assertClosed(given.get(1));
    }

    @Test
    void anEmulatorStartsOnlyWhenATestUsesIt() {
        run(NeverUsed.class);

        assertThat(started).hasValue(0);
    }

    @Test
    void endpointsOfBothDialectsPointAtTheEmulator() {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).start()) {
            assertThat(EmulatorExtension.endpoint(emulator, Dialect.GA).uri()).isEqualTo(emulator.uri("/v1/realtime?model=m"));
            assertThat(EmulatorExtension.endpoint(emulator, Dialect.PREVIEW).uri().toString())
                    .startsWith("ws://127.0.0.1:" + emulator.port() + "/openai/realtime?");
        }
    }

    private static void run(Class<?> testClass) {
        given.clear();
        started.set(0);
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute()
                .testEvents().assertStatistics(stats -> stats.failed(0));
    }

    private static void assertClosed(RealtimeEmulator emulator) {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), emulator.port()).close())
                .isInstanceOf(ConnectException.class);
    }

    static class SharedByTheClass {
        @RegisterExtension
        static final EmulatorExtension emulator = EmulatorExtension.anyKey().configure(b -> b.pace(0));

        @Test
        void first(RealtimeEmulator emulator) {
            given.add(emulator);
        }

        @Test
        void second(RealtimeEmulator emulator) {
            given.add(emulator);
        }
    }

    static class OnePerTest {
        @RegisterExtension
        final EmulatorExtension emulator = EmulatorExtension.withKey("sk-one-per-test").configure(b -> b.pace(0));

        @Test
        void first() {
            given.add(emulator.emulator());
        }

        @Test
        void second() {
            given.add(emulator.emulator());
        }
    }

    static class NeverUsed {
        @RegisterExtension
        static final EmulatorExtension emulator = EmulatorExtension.anyKey().configure(b -> {
            started.incrementAndGet();
            return b;
        });

        @Test
        void doesNotNeedIt() {
        }
    }
}
