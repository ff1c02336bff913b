package io.rtvoice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * CPU affinity through Linux's {@code taskset} (util-linux), so that two JVMs on one machine (the client
 * and the emulator it measures against) each have cores of their own: a child is started under
 * {@code taskset -c LIST}, a running process (every thread of it) is moved with {@code taskset -a -p -c LIST PID}.
 * Threads started later inherit their creator's affinity, so pinning every thread pins the process.
 */
public final class CpuPinning {

    /** A CPU list as taskset takes it: {@code 0}, {@code 0,2}, {@code 0-3}, {@code 0-1,4}. */
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    private CpuPinning() {
    }

    /** Whether {@code cpus} is a CPU list taskset takes ({@code 0}, {@code 0,2}, {@code 1-3}). */
    public static boolean validList(String cpus) {
        return cpus != null && CPU_LIST.matcher(cpus).matches();
    }

    /** Whether taskset is on this machine's {@code PATH}. */
    public static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "taskset"))) {
                return true;
            }
        }
        return false;
    }

    /** The prefix that starts a command pinned to {@code cpus}: {@code taskset -c cpus}. */
    public static List<String> launcher(String cpus) {
        return List.of("taskset", "-c", cpus);
    }

    /** The CPUs process {@code pid} may run on, as taskset lists them ({@code 0-1}). */
    public static String affinity(long pid) throws IOException {
        String said = run(List.of("taskset", "-c", "-p", Long.toString(pid)));
        return said.substring(said.lastIndexOf(':') + 1).strip();
    }

    /** Pins every thread of process {@code pid} to {@code cpus}; returns the affinity it then has. */
    public static String pin(long pid, String cpus) throws IOException {
        run(List.of("taskset", "-a", "-c", "-p", cpus, Long.toString(pid)));
        return affinity(pid);
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + (out.isEmpty() ? "no output" : out));
            }
            // "pid 123's current affinity list: 0-1" (and with -a, one line per thread; the last says the same)
            String[] lines = out.split("\n");
            return lines[lines.length - 1];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
