package io.rtvoice.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Hooks;

/**
 * Runs around every test class of every module (registered through {@code META-INF/services}, switched on
 * by {@code junit.jupiter.extensions.autodetection.enabled} in the build) and fails the class when, while
 * it ran:
 * <ul>
 *   <li>a <b>secret</b> — a test key or token, see {@link #SECRET} — appeared in a log record (any
 *       {@code java.util.logging} logger, which is where slf4j, Netty and Reactor log here), on stdout or
 *       stderr, in an error passing through any Reactor operator, in an uncaught exception, or in an
 *       exception a test failed with;</li>
 *   <li>Netty's {@code ResourceLeakDetector} (at {@code paranoid} level in the build) reported a leak;</li>
 *   <li>a <b>blocking call</b> ran on a non-blocking thread (a Netty event loop, Reactor's parallel or
 *       single schedulers), as {@link BlockHound} detects it: the call fails there with
 *       {@link BlockingOperationError}, and the class fails here even if the code swallowed that error.</li>
 * </ul>
 * Leak reports come when a leaked buffer has been collected and Netty next allocates, so after each class
 * the guard collects garbage and allocates a buffer, and a leak is charged to the class that leaked it
 * (or, rarely, to the next one). A test that needs a secret to appear on purpose calls
 * {@link #expectSecrets()} to drain what it caused.
 */
public final class SuiteGuard implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

    /**
     * Every key and token in the tests has one of these shapes: {@code sk-…} (API keys), {@code ek_…}
     * (ephemeral keys), {@code entra-token-…} (Entra ID tokens).
     */
    public static final Pattern SECRET =
            Pattern.compile("(?<![A-Za-z0-9])(sk-[A-Za-z0-9_-]{3,}|ek_[A-Za-z0-9_]{3,}|entra-token-[0-9]+)");

    private static final String LEAK_LOGGER = "io.netty.util.ResourceLeakDetector";
    private static final String JDK_HTTP_CLIENT_DEBUG = "jdk.internal.httpclient.debug";
    private static final List<String> findings = new ArrayList<>();
    private static boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
        drain(); // what happened between classes belongs to no test class
    }

    @Override
    public void afterAll(ExtensionContext context) {
        collectNettyLeaks();
        List<String> found = drain();
        if (!found.isEmpty()) {
            throw new AssertionError("SuiteGuard: " + context.getDisplayName() + " leaked:\n  " + String.join("\n  ", found));
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        scan("the exception " + context.getDisplayName() + " failed with", stackTrace(thrown));
        throw thrown;
    }

    /** Clears and returns what was found so far; for tests that print a secret on purpose. */
    public static synchronized List<String> expectSecrets() {
        return drain();
    }

    /** Clears and returns every finding so far (secrets, leaks, blocking calls); for tests of the guard itself. */
    public static synchronized List<String> expectFindings() {
        return drain();
    }

    private static synchronized List<String> drain() {
        List<String> found = List.copyOf(findings);
        findings.clear();
        return found;
    }

    /** Where a blocking call came from: the innermost frames of rtvoice's own code. */
    private static String callers() {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            if (frame.getClassName().startsWith("io.rtvoice") && !frame.getClassName().startsWith("io.rtvoice.testing")
                    && frames.size() < 4) {
                frames.add(frame.toString());
            }
        }
        if (frames.isEmpty()) { // outside rtvoice: the innermost frames past the JDK's locking machinery
            for (StackTraceElement frame : new Throwable().getStackTrace()) {
                String c = frame.getClassName();
                if (!c.startsWith("reactor.blockhound") && !c.startsWith("jdk.internal") && !c.startsWith("java.util.concurrent.locks")
                        && !c.startsWith("io.rtvoice.testing.SuiteGuard") && frames.size() < 6) {
                    frames.add(frame.toString());
                }
            }
        }
        return String.join(" < ", frames);
    }

    private static synchronized void record(String finding) {
        findings.add(finding);
    }

    /** Records each secret in {@code text}, masked: the report must not leak it again. */
    static void scan(String where, String text) {
        if (text == null) {
            return;
        }
        Matcher m = SECRET.matcher(text);
        while (m.find()) {
            String secret = m.group(1);
            record("a secret (" + secret.substring(0, 3) + "…, " + secret.length() + " chars) in " + where);
        }
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        BlockHound.install(builder -> builder
                // Jackson builds each type's deserializer once, under a lock: two threads racing the first use
                // of a type wait for each other, once, at warm-up. Everything else that waits is a finding.
                .allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache",
                        "_createAndCacheValueDeserializer")
                // A send that finds another thread's send mid-emit retries at once (Thread.onSpinWait): that emit is
                // an offer to a lock-free queue, microseconds, and waiting any other way would cost more.
                .allowBlockingCallsInside("io.rtvoice.internal.client.DefaultRealtimeSession", "send")
                // Netty 4.2's adaptive allocator takes a short lock to grow or release its magazines: Netty's own,
                // on every event loop, and not something rtvoice can avoid (its BlockHound integration misses it).
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "allocate")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
                // An idle executor thread (the in-memory transport's loop) waiting for its next task is not work.
                .allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "getTask")
                .blockingMethodCallback(method -> {
            record("a blocking call, " + method + ", on the non-blocking thread " + Thread.currentThread().getName()
                    + ", from " + callers());
            throw new BlockingOperationError(method);
        }));
        Logger root = Logger.getLogger("");
        root.addHandler(new ScanningHandler());
        // Scan debug records too (they go to our handler only: the console handler keeps its INFO level).
        for (String name : new String[] {"", "io.rtvoice", "reactor", "io.netty"}) {
            Logger logger = Logger.getLogger(name);
            if (logger.getLevel() == null || logger.getLevel().intValue() > Level.FINE.intValue()) {
                logger.setLevel(Level.FINE);
            }
        }
        System.setOut(new PrintStream(new LineScanner("stdout", System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new LineScanner("stderr", System.err), true, StandardCharsets.UTF_8));
        Hooks.onOperatorError(SuiteGuard.class.getName(), (error, value) -> {
            scan("an error in a Reactor pipeline", stackTrace(error));
            return error;
        });
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            scan("an uncaught exception on " + thread.getName(), stackTrace(error));
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                error.printStackTrace();
            }
        });
    }

    /**
     * Makes Netty report leaked buffers now: they are found when collected and reported on a later
     * allocation. Reflective because core's tests do not have Netty; modules that do, get the check.
     */
    private static void collectNettyLeaks() {
        Method buffer;
        Object allocator;
        Method release;
        try {
            Class<?> allocatorType = Class.forName("io.netty.buffer.ByteBufAllocator");
            allocator = allocatorType.getField("DEFAULT").get(null);
            buffer = allocatorType.getMethod("directBuffer", int.class);
            release = Class.forName("io.netty.util.ReferenceCounted").getMethod("release");
        } catch (ReflectiveOperationException noNetty) {
            return;
        }
        try {
            for (int i = 0; i < 3; i++) {
                collectAndEnqueue();
                release.invoke(buffer.invoke(allocator, 1));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make Netty look for leaks", e);
        }
    }

    /**
     * Collects garbage and waits until the JVM's reference handler has enqueued what that collection found: a
     * sentinel of our own, collected in the same cycle, is enqueued along with Netty's leak trackers. Without the
     * wait, a loaded machine let the next allocation look before the trackers were enqueued, and a leak went
     * unreported.
     */
    private static void collectAndEnqueue() {
        java.lang.ref.ReferenceQueue<Object> queue = new java.lang.ref.ReferenceQueue<>();
        java.lang.ref.WeakReference<Object> sentinel = new java.lang.ref.WeakReference<>(new Object(), queue);
        try {
            int collections = 0;
            do {
                System.gc();
            } while (sentinel.get() != null && ++collections < 10);
            queue.remove(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static final class ScanningHandler extends Handler {
        @Override
        public void publish(LogRecord record) {
            if (JDK_HTTP_CLIENT_DEBUG.equals(record.getLoggerName())) {
                return; // the JDK's HTTP client, which tests use to probe the emulator, dumps the test's own headers
            }
            String where = "a log record of " + record.getLoggerName();
            String message = record.getMessage();
            if (message != null && message.contains("LEAK:") && LEAK_LOGGER.equals(record.getLoggerName())) {
                String first = message.lines().findFirst().orElse(message);
                record("a Netty leak report: " + first);
            }
            scan(where, message);
            Object[] parameters = record.getParameters();
            if (parameters != null) {
                for (Object parameter : parameters) {
                    scan(where, String.valueOf(parameter));
                }
            }
            if (record.getThrown() != null) {
                scan(where, stackTrace(record.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** Passes bytes through and scans each completed line. */
    private static final class LineScanner extends OutputStream {
        private final String name;
        private final PrintStream target;
        private static final int MAX_LINE = 1 << 16;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineScanner(String name, PrintStream target) {
            this.name = name;
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            target.write(b);
            if (b == '\n' || b == '\r') {
                endLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            target.write(b, off, len);
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n' || b[i] == '\r') {
                    line.write(b, start, i - start);
                    endLine();
                    start = i + 1;
                }
            }
            line.write(b, start, off + len - start);
            if (line.size() > MAX_LINE) { // a line without end (a progress bar): scan what there is
                endLine();
            }
        }

        @Override
        public void flush() {
            target.flush();
        }

        private void endLine() {
            scan(name, line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
