package io.rtvoice.bench.soak;

import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportRequest;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * Gives some connections a fault: asks the emulator for it with the {@code rtvoice_fault} query parameter
 * of the connection's URI. Which fault, and when in the connection it strikes, is drawn per connection,
 * so a reconnected session may meet another fault or none. When hostile, the faults of a hostile server
 * are drawn too, and every connection meets a server that enforces ping/pong.
 */
final class FaultInjectingTransport implements Transport {

    /** The emulator's faults drawn from; {@link #draw()} picks when each strikes. */
    private static final String[] FAULTS = {"close_after", "malformed_after", "error_after", "stall_after", "expire_after_ms", "bad_base64"};
    /** The faults above and what a hostile server adds. */
    private static final String[] HOSTILE_FAULTS = java.util.stream.Stream.concat(java.util.Arrays.stream(FAULTS),
            java.util.stream.Stream.of("echo_key_after", "refuse_echoing_key", "truncate_after", "invalid_events_after", "flood_after"))
            .toArray(String[]::new);

    private final Transport delegate;
    private final double probability;
    private final boolean hostile;
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();

    FaultInjectingTransport(Transport delegate, double probability, boolean hostile) {
        this.delegate = delegate;
        this.probability = probability;
        this.hostile = hostile;
    }

    @Override
    public Mono<TransportConnection> connect(TransportRequest request) {
        return Mono.defer(() -> {
            connections.incrementAndGet();
            String fault = draw();
            if (fault != null) {
                injected.computeIfAbsent(fault.contains(":") ? fault.substring(0, fault.indexOf(':')) : fault, k -> new AtomicLong())
                        .incrementAndGet();
            }
            if (hostile) {
                // Pings 2–5 s apart, each to be answered before the next, as ping-enforcing servers and proxies do
                // (Python websockets: 20 s). A ping queues behind what was sent before it (a flood's 5.5 MB),
                // and at 0.5 s apart on two saturated cores, 22 of 3,341 came back late.
                String ping = "ping_every_ms:" + ThreadLocalRandom.current().nextInt(2_000, 5_000);
                fault = fault == null ? ping : fault + "," + ping;
            }
            if (fault == null) {
                return delegate.connect(request);
            }
            URI uri = request.uri();
            URI faulty = URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + "rtvoice_fault=" + fault);
            return delegate.connect(new TransportRequest(faulty, request.headers(), request.subprotocols(),
                    request.maxFrameBytes(), request.connectTimeout()));
        });
    }

    private String draw() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() >= probability) {
            return null;
        }
        String[] faults = hostile ? HOSTILE_FAULTS : FAULTS;
        String fault = faults[random.nextInt(faults.length)];
        return switch (fault) {
            case "close_after", "stall_after", "truncate_after" -> fault + ":" + random.nextInt(20, 400);
            case "malformed_after", "error_after", "echo_key_after", "invalid_events_after", "flood_after" ->
                fault + ":" + random.nextInt(5, 300);
            case "expire_after_ms" -> fault + ":" + random.nextInt(2_000, 20_000);
            default -> fault;
        };
    }

    /** Connections opened, faulty or not. */
    long connections() {
        return connections.get();
    }

    /** Faults injected so far, by kind. */
    Map<String, Long> injected() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        injected.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
