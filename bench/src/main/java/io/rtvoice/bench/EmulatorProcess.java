package io.rtvoice.bench;

import io.rtvoice.emulator.EmulatorMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator in a child JVM (the same class path, {@link EmulatorMain}) on loopback and a free port, so
 * its CPU and garbage are not the measured client's.
 */
public final class EmulatorProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (ws://[0-9.]+:[0-9]+)");
    private static final String END_OF_OUTPUT = "\u0000end";

    private final Process process;
    private final URI uri;

    private EmulatorProcess(Process process, URI uri) {
        this.process = process;
        this.uri = uri;
    }

    /** Starts the child and waits (up to 60 s) until it says where it listens; its later output goes to {@code log}. */
    public static EmulatorProcess start(List<String> jvmOptions, List<String> emulatorArgs, PrintStream log) throws IOException {
        return start(List.of(), jvmOptions, emulatorArgs, log);
    }

    /**
     * As {@link #start(List, List, PrintStream)}, with the JVM run through {@code launcher} (e.g.
     * {@code taskset -c 1}, which pins the child and every thread it starts to CPU 1); empty for none.
     */
    public static EmulatorProcess start(List<String> launcher, List<String> jvmOptions, List<String> emulatorArgs, PrintStream log)
            throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(),
                "--host", "127.0.0.1", "--port", "0", "--quiet"));
        command.addAll(emulatorArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> forward(process, lines), "rtvoice-bench-emulator-output");
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(END_OF_OUTPUT)) {
                    process.destroyForcibly();
                    throw new IOException("the emulator did not start: " + String.join(" | ", seen));
                }
                seen.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    EmulatorProcess started = new EmulatorProcess(process, URI.create(m.group(1)));
                    Thread logger = new Thread(() -> relay(lines, log), "rtvoice-bench-emulator-log");
                    logger.setDaemon(true);
                    logger.start();
                    return started;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while the emulator started", e);
        }
    }

    private static void forward(Process process, BlockingQueue<String> lines) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("output unreadable: " + e);
        }
        lines.add(END_OF_OUTPUT);
    }

    /** Anything the emulator says after starting (an exception, its stop line) is worth seeing. */
    private static void relay(BlockingQueue<String> lines, PrintStream log) {
        try {
            for (String line; !(line = lines.take()).equals(END_OF_OUTPUT); ) {
                log.println("[emulator] " + line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code ws://127.0.0.1:port}. */
    public URI uri() {
        return uri;
    }

    /** CPU time the child has used so far, all its threads. */
    public Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The child's process id (with a launcher such as {@code taskset}, the JVM's: taskset execs it). */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM (the emulator closes its connections), then kill after 10 s. */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
