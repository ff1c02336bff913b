package io.rtvoice.emulator.internal;

import io.rtvoice.emulator.Faults;
import io.rtvoice.emulator.Responder;
import java.time.Duration;

/**
 * What every connection of one emulator shares.
 *
 * @param apiKey the accepted key, or {@code null} to accept any non-empty key
 * @param responder the deterministic model
 * @param deltaMs audio per {@code output_audio.delta}, in ms
 * @param pace how much faster than real time audio is sent (1 = real time, 4 = four times faster); 0 = no pacing
 * @param jitterMs up to this many ms of random extra delay before each audio delta
 * @param seed seed of the jitter's random sequence (per connection: seed + connection number)
 * @param sessionDuration the session limit announced in {@code expires_at} and enforced
 * @param faults faults for connections that do not ask for their own
 * @param log whether to print a line per connection, per server event (its wire name) and per close
 * @param verbose whether to print, besides, a line per client event (its wire name)
 * @param monologueMs when above 0, every spoken response lasts this long: its voice loops, on a drift-free schedule
 * @param stampAudio whether each audio delta's {@code event_id} ends with {@code _<seq>_<dueMicros>_<sentMicros>}, and
 *        its audio starts with the same three numbers (little-endian longs, 24 bytes)
 * @param allowedOrigins the web pages that may connect (by their {@code Origin} header)
 * @param handshakeTimeout how long a connection may take to complete its WebSocket upgrade
 * @param idleTimeout how long an upgraded connection may send nothing; zero: for ever
 * @param maxConnections the most TCP connections open at once; more are closed at accept
 * @param maxPendingWriteBytes the most bytes written to a client and not yet taken by its socket; beyond, it is closed
 * @param clientSecrets the ephemeral keys minted by {@code POST …/realtime/client_secrets}, and the clock they expire by
 * @param calls the SIP calls that ring or are live, and the webhook that announces them
 */
public record EmulatorSettings(
        String apiKey,
        Responder responder,
        int deltaMs,
        double pace,
        int jitterMs,
        long seed,
        Duration sessionDuration,
        Faults faults,
        boolean log,
        boolean verbose,
        int monologueMs,
        boolean stampAudio,
        AllowedOrigins allowedOrigins,
        Duration handshakeTimeout,
        Duration idleTimeout,
        int maxConnections,
        long maxPendingWriteBytes,
        ClientSecretStore clientSecrets,
        CallRegistry calls,
        java.util.function.Function<String, byte[]> voice) {
}
