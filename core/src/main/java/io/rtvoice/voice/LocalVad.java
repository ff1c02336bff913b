package io.rtvoice.voice;

import io.rtvoice.audio.spi.VoiceActivityDetector;
import java.util.Objects;

/**
 * Local turn taking for a {@link VoiceSession} ({@link VoiceSession.Builder#localVad}): a
 * {@link VoiceActivityDetector} on the user's audio — after echo cancellation when there is one — decides
 * when speech starts and stops, here, without waiting for the server.
 *
 * <ul>
 *   <li>Speech starts after {@link Builder#startMillis} of frames at or above the {@link Builder#threshold};
 *       it stops after {@link Builder#stopMillis} below it.</li>
 *   <li>Only speech is sent: from {@link Builder#preRollMillis} before the start (so the first syllable is
 *       not clipped) to the stop, silence after it included. (When the session's configuration turns the
 *       server's turn detection on, all audio is sent: the server needs the silence to end its turns.)</li>
 *   <li>At the start, whatever plays is interrupted at once (flush and truncate, as barge-in does).</li>
 *   <li>At the stop, when the server's turn detection is off (the default in this mode), the session
 *       commits the turn and asks for a response itself.</li>
 *   <li>While the model speaks, a frame counts as speech only if it is also within
 *       {@link Builder#bargeInGateDb} of what is being played (when set): the canceller's residual echo
 *       cannot pass for the user.</li>
 * </ul>
 */
public final class LocalVad {

    private final VoiceActivityDetector.Factory detector;
    private final float threshold;
    private final int startMillis;
    private final int stopMillis;
    private final int preRollMillis;
    private final double bargeInGateDb;

    private LocalVad(Builder b) {
        this.detector = b.detector;
        this.threshold = b.threshold;
        this.startMillis = b.startMillis;
        this.stopMillis = b.stopMillis;
        this.preRollMillis = b.preRollMillis;
        this.bargeInGateDb = b.bargeInGateDb;
    }

    /** Settings around {@code detector}, with the defaults below. */
    public static Builder builder(VoiceActivityDetector.Factory detector) {
        return new Builder(detector);
    }

    /** Local VAD with {@code detector} and the default settings. */
    public static LocalVad of(VoiceActivityDetector.Factory detector) {
        return builder(detector).build();
    }

    /** The detector's factory. */
    public VoiceActivityDetector.Factory detector() {
        return detector;
    }

    /** The probability from which a frame is speech. */
    public float threshold() {
        return threshold;
    }

    /** Speech needed before it counts as started, in ms. */
    public int startMillis() {
        return startMillis;
    }

    /** Silence needed before speech counts as stopped, in ms. */
    public int stopMillis() {
        return stopMillis;
    }

    /** Audio sent from before the start, in ms. */
    public int preRollMillis() {
        return preRollMillis;
    }

    /** The gate relative to what plays, in dB (negative: how far under it speech may be); NaN when off. */
    public double bargeInGateDb() {
        return bargeInGateDb;
    }

    @Override
    public String toString() {
        return "LocalVad[threshold=" + threshold + ", startMillis=" + startMillis + ", stopMillis=" + stopMillis
                + ", preRollMillis=" + preRollMillis + ", bargeInGateDb=" + bargeInGateDb + "]";
    }

    /** Builds {@link LocalVad} settings. */
    public static final class Builder {
        private final VoiceActivityDetector.Factory detector;
        private float threshold = 0.5f;
        private int startMillis = 30;
        private int stopMillis = 500;
        private int preRollMillis = 300;
        private double bargeInGateDb = Double.NaN;

        private Builder(VoiceActivityDetector.Factory detector) {
            this.detector = Objects.requireNonNull(detector, "detector");
        }

        /** The probability from which a frame is speech (default 0.5). */
        public Builder threshold(float threshold) {
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be between 0 and 1, exclusive: " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** Speech needed before it counts as started, in ms, a multiple of 10 (default 30). */
        public Builder startMillis(int millis) {
            this.startMillis = tens("startMillis", millis, 10, 1_000);
            return this;
        }

        /** Silence needed before speech counts as stopped, in ms, a multiple of 10 (default 500). */
        public Builder stopMillis(int millis) {
            this.stopMillis = tens("stopMillis", millis, 10, 10_000);
            return this;
        }

        /** Audio sent from before the start, in ms, a multiple of 10 (default 300). */
        public Builder preRollMillis(int millis) {
            this.preRollMillis = tens("preRollMillis", millis, 0, 2_000);
            return this;
        }

        /**
         * While the model speaks, frames quieter than what is being played by more than {@code db} (a negative
         * number, e.g. -30) are not speech: a level gate against residual echo. Off by default.
         */
        public Builder bargeInGateDb(double db) {
            if (!(db <= 0 && db >= -120)) {
                throw new IllegalArgumentException("bargeInGateDb must be between -120 and 0 dB: " + db);
            }
            this.bargeInGateDb = db;
            return this;
        }

        private static int tens(String name, int millis, int min, int max) {
            if (millis < min || millis > max || millis % 10 != 0) {
                throw new IllegalArgumentException(name + " must be a multiple of 10 from " + min + " to " + max + ": " + millis);
            }
            return millis;
        }

        /** The settings. */
        public LocalVad build() {
            return new LocalVad(this);
        }
    }
}
