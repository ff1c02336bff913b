package io.rtvoice;

import java.time.Duration;

/**
 * A new connection replaced a lost (or, when {@code planned}, an expiring) one.
 *
 * @param attempts connection attempts it took
 * @param downtime from the loss to the new session being ready (0 when planned)
 * @param cause why the old connection ended, for people; {@code "planned renewal"} when planned
 * @param restored what was re-sent to the new session
 * @param planned whether it was a renewal before {@code expires_at} rather than a recovery
 */
public record Reconnection(int attempts, Duration downtime, String cause, ReconnectPolicy.Restore restored, boolean planned) {
}
