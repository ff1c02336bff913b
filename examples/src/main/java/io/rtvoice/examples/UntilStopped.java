package io.rtvoice.examples;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A program that serves until Ctrl-C: its shutdown hook counts {@code stop} down (as a test may) and then waits, up to
 * 15 s, for the program to have closed what it serves — so callers hear their hang-up before the JVM exits.
 */
final class UntilStopped implements AutoCloseable {

    private final CountDownLatch stop;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    UntilStopped(CountDownLatch stop, String name) {
        this.stop = stop;
        this.hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Waits for Ctrl-C (or the test). */
    void await() throws InterruptedException {
        stop.await();
    }

    /** The program has closed what it serves: the hook may let the JVM go; on a normal return, the hook is removed. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and waited for `closed`
        }
    }
}
