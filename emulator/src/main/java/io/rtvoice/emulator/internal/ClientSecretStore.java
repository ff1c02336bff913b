package io.rtvoice.emulator.internal;

import io.rtvoice.event.SessionConfig;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ephemeral keys ({@code ek_…}) an emulator has minted, each with its expiry and the session
 * configuration it opens. A key opens sessions until it expires, as on the service; expired keys are purged
 * at every mint and when one is presented, and at most {@code maxLive} keys are held, so a client that mints
 * in a loop cannot grow the heap. Thread-safe: every event loop of the emulator mints and looks up here.
 * Keys are never printed: {@link #toString()} counts them.
 */
public final class ClientSecretStore {

    /** The most unexpired keys held at once by default: a mint beyond it is refused (HTTP 429). */
    public static final int DEFAULT_MAX_LIVE = 10_000;

    /**
     * One minted key; its {@link #toString()} does not show it.
     *
     * @param key the key, {@code ek_…}
     * @param serial its number among the keys of this store, from 1 (for ids that say nothing of the key)
     * @param expiresAt when it stops opening sessions (whole seconds)
     * @param session the session configuration it was minted for, as the client sent it (merged over the defaults at connect)
     */
    record Minted(String key, long serial, Instant expiresAt, SessionConfig session) {
        @Override
        public String toString() {
            return "Minted[key=<redacted>, expiresAt=" + expiresAt + "]";
        }
    }

    private final Clock clock;
    private final int maxLive;
    private final Map<String, Minted> minted = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final java.util.concurrent.atomic.AtomicLong serial = new java.util.concurrent.atomic.AtomicLong();

    /** A store whose keys expire by {@code clock}, holding at most {@code maxLive} unexpired keys. */
    public ClientSecretStore(Clock clock, int maxLive) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxLive < 1) {
            throw new IllegalArgumentException("maxLive : " + maxLive + " (expected: >= 1)");
        }
        this.maxLive = maxLive;
        try {
            this.random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no DRBG SecureRandom in this JDK", e);
        }
        // Seeded here, on the thread that builds the emulator: the first draw may read the OS's entropy source,
        // which must not happen on an event loop. Later draws are computed.
        random.nextBytes(new byte[16]);
    }

    /** The clock keys expire by. */
    Clock clock() {
        return clock;
    }

    /**
     * A new key for {@code session}, expiring {@code ttlSeconds} from now; {@code null} when {@code maxLive}
     * unexpired keys are held already.
     */
    Minted mint(SessionConfig session, long ttlSeconds) {
        Instant now = clock.instant();
        purge(now);
        if (minted.size() >= maxLive) {
            return null;
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String key = "ek_" + HexFormat.of().formatHex(bytes);
        Instant expiry = Instant.ofEpochSecond(now.getEpochSecond() + ttlSeconds);
        Minted entry = new Minted(key, serial.incrementAndGet(), expiry, session);
        minted.put(key, entry);
        return entry;
    }

    /** The key's entry if it was minted here, expired or not (an expired one is removed); {@code null} if unknown. */
    Minted find(String key) {
        Minted found = minted.get(key);
        if (found != null && expired(found)) {
            minted.remove(key, found);
        }
        return found;
    }

    /** Whether {@code entry} no longer opens sessions. */
    boolean expired(Minted entry) {
        return !clock.instant().isBefore(entry.expiresAt());
    }

    /** Unexpired and not yet purged keys held. */
    int size() {
        return minted.size();
    }

    private void purge(Instant now) {
        minted.values().removeIf(m -> !now.isBefore(m.expiresAt()));
    }

    @Override
    public String toString() {
        return "ClientSecretStore[" + minted.size() + " keys, max " + maxLive + "]";
    }
}
