package io.rtvoice.bench.scale;

import io.rtvoice.RealtimeSession;
import io.rtvoice.event.ClientEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * The microphones of all sessions: a few threads, each driving its share of the sessions on one timer.
 * Every session is due one 20 ms append per period at its own phase; each append's lateness is how long
 * after its ideal tick it was handed to {@link RealtimeSession#send}. A thread that falls behind sends
 * the late frames as soon as it can (as an app with a capture buffer would), so lateness shows the debt.
 * A thread wakes at most once per tick and then sends every append that is due: thousands of sessions each
 * waking its own thread 50 times a second would measure the scheduler, not the client.
 */
final class Sender {

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /** Starts {@code threadCount} threads; the first tick of phase 0 is at {@code startNanos}. */
    Sender(List<LoadSession> sessions, int threadCount, byte[] frame, long periodNanos, long startNanos, Recorder lateness,
            long tickNanos) {
        for (int t = 0; t < threadCount; t++) {
            List<LoadSession> mine = new ArrayList<>();
            for (LoadSession s : sessions) {
                if (s.index % threadCount == t && s.session != null) {
                    mine.add(s);
                }
            }
            mine.sort(Comparator.comparingLong(s -> s.phaseNanos));
            Thread thread = new Thread(() -> drive(mine, frame, periodNanos, startNanos, lateness, tickNanos), "rtvoice-scale-sender-" + t);
            thread.setDaemon(true);
            thread.setPriority(Thread.MAX_PRIORITY);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void drive(List<LoadSession> mine, byte[] frame, long periodNanos, long startNanos, Recorder lateness, long tickNanos) {
        for (long tick = 0; running; tick++) {
            long base = startNanos + tick * periodNanos;
            for (LoadSession s : mine) {
                long due = base + s.phaseNanos;
                long early;
                while ((early = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.max(early, tickNanos));
                    if (!running) {
                        return;
                    }
                }
                if (s.error() != null) {
                    continue;
                }
                lateness.recordValue(LoadSession.clamped((System.nanoTime() - due) / 1_000));
                try {
                    s.session.send(new ClientEvent.InputAudioBufferAppend(null, frame));
                } catch (RuntimeException e) {
                    s.fail("send failed: " + e);
                }
            }
        }
    }

    /** Stops sending and waits for the threads. */
    void stop() {
        running = false;
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
