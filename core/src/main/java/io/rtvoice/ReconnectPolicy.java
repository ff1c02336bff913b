package io.rtvoice;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RealtimeClient#connect(ReconnectPolicy)} keeps a session going when its connection is lost.
 *
 * <p><b>What is restored.</b> The service has no session resumption: a new connection is a new, empty
 * session. What the app chooses with {@link #restore(Restore)} is re-sent to it:
 * <ul>
 *   <li>{@link Restore#NOTHING}: a fresh session; the app re-configures it itself on
 *       {@link RealtimeSession#reconnections()};</li>
 *   <li>{@link Restore#SESSION} (the default): every {@code session.update} the app sent, in order
 *       (instructions, voice, turn detection, tools, …);</li>
 *   <li>{@link Restore#SESSION_AND_ITEMS}: that, and then the conversation items this client saw, in order,
 *       as text — user and system text, the transcripts of user and assistant audio (audio itself is not
 *       re-sent; an item truncated by barge-in and never transcribed is left out), function calls and
 *       their outputs.</li>
 * </ul>
 * Not restored, ever: the input audio buffer, a response in progress (its {@code ConversationResponse}
 * and any pending request of a {@code Conversation} fail), and server-side item ids (replayed items keep
 * their ids when the service accepts them).
 *
 * <p><b>When it gives up.</b> Errors that cannot heal end the session at once: a refused key or token
 * (HTTP 401/403, {@code invalid_api_key}), a wrong endpoint (400/404), quota or a deactivated account
 * ({@code insufficient_quota}, {@code account_deactivated}), a protocol error (close codes 1002, 1003,
 * 1007–1010). Anything else — a dropped connection, {@code session_expired} (1001), a server restart
 * (1011–1014), 429, 5xx, a refused TCP connection — is retried with exponential backoff and jitter, up
 * to {@link #maxAttempts} times per outage.
 */
public final class ReconnectPolicy {

    /** What a reconnect re-sends to the new session. */
    public enum Restore { NOTHING, SESSION, SESSION_AND_ITEMS }

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final Restore restore;
    private final Duration renewBefore;

    private ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts, Restore restore, Duration renewBefore) {
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("expected 0 <= initialDelay <= maxDelay, got " + initialDelay + " and " + maxDelay);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts : " + maxAttempts + " (expected: >= 1)");
        }
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
        this.restore = Objects.requireNonNull(restore, "restore");
        this.renewBefore = renewBefore;
    }

    /** 250 ms, doubling to at most 8 s, 8 attempts per outage, {@link Restore#SESSION}, no planned renewal. */
    public static ReconnectPolicy withBackoff() {
        return new ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(8), 8, Restore.SESSION, null);
    }

    /** The first retry's delay and the largest delay; each retry doubles the last, ±20 % jitter. */
    public ReconnectPolicy delays(Duration initial, Duration max) {
        return new ReconnectPolicy(initial, max, maxAttempts, restore, renewBefore);
    }

    /** Connection attempts per outage before the session ends with the last failure. */
    public ReconnectPolicy maxAttempts(int attempts) {
        return new ReconnectPolicy(initialDelay, maxDelay, attempts, restore, renewBefore);
    }

    /** What to re-send to a new session. */
    public ReconnectPolicy restore(Restore what) {
        return new ReconnectPolicy(initialDelay, maxDelay, maxAttempts, what, renewBefore);
    }

    /**
     * Opens the next session {@code margin} before the current one's {@code expires_at} (waiting for a
     * response in progress to finish), restores it, and switches over: the service's time limit never
     * cuts a conversation off.
     */
    public ReconnectPolicy renewBefore(Duration margin) {
        return new ReconnectPolicy(initialDelay, maxDelay, maxAttempts, restore, Objects.requireNonNull(margin, "margin"));
    }

    /** The wait before connection attempt {@code attempt} (1-based), jittered by {@code random} in [0, 1). */
    public Duration delay(int attempt, double random) {
        double base = initialDelay.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
        double jittered = Math.min(maxDelay.toMillis(), base) * (0.8 + 0.4 * random);
        return Duration.ofMillis((long) jittered);
    }

    /** Connection attempts per outage. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** What a reconnect re-sends. */
    public Restore restore() {
        return restore;
    }

    /** How long before {@code expires_at} the session is renewed, or null for never. */
    public Duration renewBefore() {
        return renewBefore;
    }

    @Override
    public String toString() {
        return "ReconnectPolicy[" + initialDelay.toMillis() + ".." + maxDelay.toMillis() + " ms, " + maxAttempts + " attempts, restore "
                + restore + (renewBefore != null ? ", renew " + renewBefore.toMillis() + " ms before expiry" : "") + "]";
    }
}
