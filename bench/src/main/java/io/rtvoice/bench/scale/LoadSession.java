package io.rtvoice.bench.scale;

import io.rtvoice.RealtimeSession;
import io.rtvoice.event.ServerEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Recorder;

/**
 * One load session: its place in the send schedule, and what came down — stamped audio deltas checked
 * for sequence and timed against their stamps. The receive side runs on the connection's one thread.
 */
final class LoadSession {

    final int index;
    /** Offset of this session's ticks within the 20 ms period, so sends spread evenly over it. */
    final long phaseNanos;
    /** The recorders' range: an hour, in µs; longer is recorded as an hour. */
    static final long MAX_MICROS = 3_600_000_000L;

    private final Recorder delivery;
    private final Recorder audioLateness;
    private final Recorder emulatorLateness;
    private final CountDownLatch firstAudio;

    volatile RealtimeSession session;
    /** Cleared when the step winds down: errors after that are the close's, not the load's. */
    volatile boolean live = true;
    private volatile String error;

    // Written by the connection's thread only; read by the step at its window's edges.
    private long lastSeq = -1;
    private volatile long deltas;
    private volatile long lost;
    private volatile long reordered;
    private volatile long unstamped;

    LoadSession(int index, long phaseNanos, Recorder delivery, Recorder audioLateness, Recorder emulatorLateness,
            CountDownLatch firstAudio) {
        this.index = index;
        this.phaseNanos = phaseNanos;
        this.delivery = delivery;
        this.audioLateness = audioLateness;
        this.emulatorLateness = emulatorLateness;
        this.firstAudio = firstAudio;
    }

    void onEvent(ServerEvent event) {
        if (event instanceof ServerEvent.ResponseOutputAudioDelta delta && delta.delta().length > 0) {
            onDelta(delta.eventId()); // not routed (the route reads the stamp from the audio)
        } else if (event instanceof ServerEvent.Error e) {
            fail("server error: " + e.error().code() + " " + e.error().message());
        }
    }

    /** A delta's audio, routed from its frame: it starts with the stamp (the emulator's {@code --stamp-audio}). */
    void onAudio(String responseId, String itemId, int outputIndex, int contentIndex, byte[] audio, int offset, int length) {
        long receivedMicros = epochMicros();
        if (deltas++ == 0) {
            firstAudio.countDown();
        }
        if (length < STAMP_BYTES) {
            unstamped++;
            return;
        }
        record(receivedMicros, (long) LONG_LE.get(audio, offset), (long) LONG_LE.get(audio, offset + 8),
                (long) LONG_LE.get(audio, offset + 16));
    }

    private static final int STAMP_BYTES = 24;
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** The event id ends {@code _<seq>_<dueMicros>_<sentMicros>} (the emulator's {@code --stamp-audio}). */
    private void onDelta(String eventId) {
        long receivedMicros = epochMicros();
        if (deltas++ == 0) {
            firstAudio.countDown();
        }
        int c = eventId == null ? -1 : eventId.lastIndexOf('_');
        int b = c <= 0 ? -1 : eventId.lastIndexOf('_', c - 1);
        int a = b <= 0 ? -1 : eventId.lastIndexOf('_', b - 1);
        if (a < 0) {
            unstamped++;
            return;
        }
        record(receivedMicros, Long.parseLong(eventId, a + 1, b, 10), Long.parseLong(eventId, b + 1, c, 10),
                Long.parseLong(eventId, c + 1, eventId.length(), 10));
    }

    private void record(long receivedMicros, long seq, long dueMicros, long sentMicros) {
        if (seq <= lastSeq) {
            reordered++;
        } else {
            lost += seq - lastSeq - 1;
            lastSeq = seq;
        }
        delivery.recordValue(clamped(receivedMicros - sentMicros));
        audioLateness.recordValue(clamped(receivedMicros - dueMicros));
        emulatorLateness.recordValue(clamped(sentMicros - dueMicros));
    }

    /** {@code micros} within the recorders' fixed range. */
    static long clamped(long micros) {
        return Math.max(0, Math.min(MAX_MICROS, micros));
    }

    void onEnd(Throwable cause) {
        fail("session ended: " + cause);
    }

    void fail(String what) {
        if (live && error == null) {
            error = what;
        }
    }

    String error() {
        return error;
    }

    long deltas() {
        return deltas;
    }

    long lost() {
        return lost;
    }

    long reordered() {
        return reordered;
    }

    long unstamped() {
        return unstamped;
    }

    private static long epochMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
