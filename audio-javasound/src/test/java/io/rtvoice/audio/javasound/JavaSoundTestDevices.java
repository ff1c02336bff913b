package io.rtvoice.audio.javasound;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Optional;

/**
 * Whether these tests may use real devices. With {@code RTVOICE_REQUIRE_AUDIO} set (CI), a missing
 * device fails the test; otherwise the test is skipped, naming the reason.
 */
final class JavaSoundTestDevices {

    private JavaSoundTestDevices() {
    }

    static boolean audioRequired() {
        String v = System.getenv("RTVOICE_REQUIRE_AUDIO");
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    /** The backend, when it has a device; otherwise the test fails (CI) or is skipped. */
    static JavaSoundBackend backendWithDevices() {
        JavaSoundBackend backend = new JavaSoundBackend();
        Optional<String> reason = backend.unavailableReason();
        if (reason.isPresent() && audioRequired()) {
            fail("RTVOICE_REQUIRE_AUDIO is set but Java Sound has no device: " + reason.get());
        }
        assumeTrue(reason.isEmpty(), () -> "skipped, no Java Sound device: " + reason.get());
        return backend;
    }

    /**
     * The backend, when its default input hears its default output: a sound server whose default source
     * is the default sink's monitor, as {@code .ci/run} sets up. A laptop's microphone would hear the
     * room, so this is assumed only when the environment names such a server.
     */
    static JavaSoundBackend backendWithLoopback() {
        JavaSoundBackend backend = backendWithDevices();
        assumeTrue(audioRequired() || System.getenv("PULSE_SERVER") != null,
                "skipped: the loopback tests need the default input to be the default output's monitor; set"
                        + " PULSE_SERVER to a server set up so (a null sink and its monitor) or RTVOICE_REQUIRE_AUDIO=1");
        return backend;
    }

    /** Live threads named {@code rtvoice-*}. */
    static List<String> rtvoiceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("rtvoice-")).toList();
    }
}
