package io.rtvoice.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * One SDK's flow script, run as a child process: the interpreter and the installed SDK are found where
 * {@code .ci/interop-setup.sh} puts them. Where they are missing the test is skipped with the command that
 * installs them, unless {@code RTVOICE_REQUIRE_INTEROP=1} (set by {@code .ci/run}) makes them mandatory.
 */
final class SdkScript {

    /** A flow (the SDK, its connection and the emulator's replies) that takes longer than this has hung. */
    private static final long FLOW_TIMEOUT_SECONDS = 120;

    private final String sdk;
    private final List<String> command;
    private final Map<String, String> environment;

    private SdkScript(String sdk, List<String> command, Map<String, String> environment) {
        this.sdk = sdk;
        this.command = command;
        this.environment = environment;
    }

    /** The module's folder ({@code interop/}). */
    static Path interopDir() {
        return Path.of(System.getProperty("rtvoice.interop.dir", ".")).toAbsolutePath().normalize();
    }

    /** {@code interop/.venv/bin/python3 interop/python/realtime_flows.py}, with the pinned SDK installed in that venv. */
    static SdkScript python() {
        Path python = interopDir().resolve(".venv/bin/python3");
        requireInstalled("the Python SDK", Files.isExecutable(python), python + " does not exist");
        // Unbuffered: the flow's progress (stdout) and its failure (stderr) land in the log in the order they happened.
        return new SdkScript("python", List.of(python.toString(), interopDir().resolve("python/realtime_flows.py").toString()),
                Map.of("PYTHONUNBUFFERED", "1"));
    }

    /**
     * {@code node interop/node/realtime-flows.mjs}, with the pinned SDK in {@code interop/node/node_modules}, trusting
     * {@code trustedCertificate} (PEM).
     */
    static SdkScript node(Path trustedCertificate) {
        Path sdk = interopDir().resolve("node/node_modules/openai/package.json");
        requireInstalled("the Node SDK", Files.isRegularFile(sdk), sdk + " does not exist");
        String node = onPath("node");
        requireInstalled("the Node SDK", node != null, "no node on the PATH");
        // The SDK dials only wss://; Node trusts the emulator's self-signed certificate through this variable.
        return new SdkScript("node", List.of(node, interopDir().resolve("node/realtime-flows.mjs").toString()),
                Map.of("NODE_EXTRA_CA_CERTS", trustedCertificate.toString()));
    }

    /**
     * Runs the script with {@code arguments} and asserts it exits 0; its output (standard output and error)
     * is printed, kept in {@code logDir}, and is the failure's message.
     */
    String run(Path logDir, String flow, String... arguments) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(command);
        full.add(flow);
        full.addAll(List.of(arguments));
        Path log = logDir.resolve(sdk + "-" + flow + ".log");
        ProcessBuilder builder = new ProcessBuilder(full).directory(interopDir().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // Flows name their URLs and keys explicitly; the SDKs would otherwise also read these (a developer's
        // real OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT would send a flow elsewhere, or clash with its options).
        builder.environment().keySet().removeIf(name -> name.startsWith("OPENAI_") || name.startsWith("AZURE_OPENAI_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean exited = process.waitFor(FLOW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("[" + sdk + " " + flow + "]\n" + output);
        assertThat(exited).as("%s %s finished within %d s; its output:%n%s", sdk, flow, FLOW_TIMEOUT_SECONDS, output).isTrue();
        assertThat(process.exitValue()).as("%s %s exit status; its output:%n%s", sdk, flow, output).isZero();
        return output;
    }

    /** Skips the caller (or fails it under {@code RTVOICE_REQUIRE_INTEROP=1}) when the Python SDK is not installed. */
    static void requirePython() {
        python();
    }

    /** Skips the caller (or fails it under {@code RTVOICE_REQUIRE_INTEROP=1}) when node or the Node SDK is missing. */
    static void requireNode() {
        node(Path.of("unused.pem"));
    }

    private static void requireInstalled(String what, boolean installed, String why) {
        if (installed) {
            return;
        }
        String message = what + " is not installed (" + why + "): run .ci/interop-setup.sh";
        if ("1".equals(System.getenv("RTVOICE_REQUIRE_INTEROP"))) {
            fail(message + " (RTVOICE_REQUIRE_INTEROP=1 makes the interop tests mandatory)");
        }
        Assumptions.abort(message);
    }

    private static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
