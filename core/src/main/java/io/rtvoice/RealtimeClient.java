package io.rtvoice;

import io.rtvoice.event.EventCodec;
import io.rtvoice.internal.client.DefaultRealtimeSession;
import io.rtvoice.internal.client.ReconnectingSession;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportException;
import io.rtvoice.transport.TransportProvider;
import io.rtvoice.transport.TransportRequest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import reactor.core.publisher.Mono;

/**
 * The entry point: an immutable, thread-safe client for one endpoint, built once and shared.
 * {@link #connect()} opens a {@link RealtimeSession}.
 */
public final class RealtimeClient {

    private final Endpoint endpoint;
    private final Credentials credentials;
    private final Transport transport;
    private final EventCodec codec;
    private final Duration connectTimeout;
    private final int sendQueueCapacity;
    private final int subscriberBuffer;
    private final SlowSubscriberPolicy slowSubscriberPolicy;

    private RealtimeClient(Builder b) {
        this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
        this.credentials = Objects.requireNonNull(b.credentials, "credentials");
        this.transport = b.transport != null ? b.transport : discoverTransport();
        this.codec = EventCodec.builder().dialect(endpoint.dialect()).maxFrameBytes(b.maxFrameBytes).build();
        this.connectTimeout = b.connectTimeout;
        this.sendQueueCapacity = b.sendQueueCapacity;
        this.subscriberBuffer = b.subscriberBuffer;
        this.slowSubscriberPolicy = b.slowSubscriberPolicy;
    }

    /** A builder; endpoint and credentials are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The endpoint. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Opens a session: credentials are resolved, then the transport connects. Fails with
     * {@link AuthenticationException} when the credentials cannot produce their headers, and with a
     * {@link io.rtvoice.transport.TransportException} (its {@code httpStatus} 401 for a refused key) when
     * the connection cannot be made.
     */
    public Mono<RealtimeSession> connect() {
        return credentials.headers(endpoint)
                .onErrorMap(e -> !(e instanceof AuthenticationException), e -> new AuthenticationException(
                        credentials + " failed: " + e.getClass().getSimpleName(), e)) // the cause's message is theirs to word
                .map(auth -> {
                    Map<String, String> headers = new HashMap<>(endpoint.protocolHeaders());
                    headers.putAll(auth);
                    return new TransportRequest(endpoint.uri(), headers, List.of("realtime"), codec.maxFrameBytes(), connectTimeout);
                })
                // A server may echo the key it was sent: every text it sends back is redacted with the live credentials.
                .flatMap(request -> transport.connect(request)
                        .onErrorMap(TransportException.class, e -> redacted(e, request))
                        .map(connection -> new DefaultRealtimeSession(connection, codec, sendQueueCapacity, subscriberBuffer,
                                slowSubscriberPolicy, request::redact)));
    }

    /**
     * Opens a session that reconnects by {@code policy} when its connection is lost (see {@link ReconnectPolicy}
     * for what is restored and when it gives up). The first connection fails as {@link #connect()} does.
     */
    public Mono<RealtimeSession> connect(ReconnectPolicy policy) {
        return ReconnectingSession.connect(this, Objects.requireNonNull(policy, "policy"), subscriberBuffer, slowSubscriberPolicy)
                .cast(RealtimeSession.class);
    }

    /** {@code e}, or a copy without the request's credentials in its message (for transports that do not redact). */
    private static TransportException redacted(TransportException e, TransportRequest request) {
        String message = request.redact(e.getMessage());
        return java.util.Objects.equals(message, e.getMessage()) ? e : new TransportException(message, e.httpStatus(), null);
    }

    private static Transport discoverTransport() {
        String wanted = System.getProperty("rtvoice.transport");
        List<TransportProvider> providers = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        return providers.stream()
                .filter(p -> wanted == null || p.name().equals(wanted))
                .max(Comparator.comparingInt(TransportProvider::priority))
                .orElseThrow(() -> new IllegalStateException("no Realtime transport found"
                        + (wanted != null ? " named '" + wanted + "'" : "") + ": add rtvoice-transport-websocket to the class path "
                        + "or pass one to RealtimeClient.builder().transport(...); found: "
                        + providers.stream().map(TransportProvider::name).toList()))
                .create();
    }

    @Override
    public String toString() {
        return "RealtimeClient[" + endpoint + ", " + credentials + "]";
    }

    /** Builds a {@link RealtimeClient}. */
    public static final class Builder {
        private Endpoint endpoint;
        private Credentials credentials;
        private Transport transport;
        private int maxFrameBytes = 24 * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int sendQueueCapacity = 4096;
        private int subscriberBuffer = 2048;
        private SlowSubscriberPolicy slowSubscriberPolicy = SlowSubscriberPolicy.FAIL;

        private Builder() {
        }

        /** Where to connect (required). */
        public Builder endpoint(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** How to authenticate (required). */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** The transport; default: discovered with {@link ServiceLoader}. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Largest frame received or sent, in bytes (default 24 MiB: a 15 MiB append as base64 fits). A larger
         * event is refused by {@link RealtimeSession#send} with {@link FrameTooLargeException}.
         */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes < 1024) {
                throw new IllegalArgumentException("maxFrameBytes : " + maxFrameBytes + " (expected: >= 1024)");
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Connect and handshake timeout (default 10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Frames that may wait to be written (default 4096, about 80 s of 20 ms audio). When full,
         * {@link RealtimeSession#send} waits for room (see there), then throws {@link SendQueueFullException}.
         */
        public Builder sendQueueCapacity(int sendQueueCapacity) {
            if (sendQueueCapacity < 1) {
                throw new IllegalArgumentException("sendQueueCapacity : " + sendQueueCapacity + " (expected: >= 1)");
            }
            this.sendQueueCapacity = sendQueueCapacity;
            return this;
        }

        /**
         * Events each subscriber of {@link RealtimeSession#events()} may fall behind before
         * {@code policy} applies (default 2048 events, {@link SlowSubscriberPolicy#FAIL}). 2048 audio
         * deltas are minutes of audio, so only a stalled consumer reaches it. Memory per subscriber is
         * bounded by that many events and by 64 MiB, whichever comes first (an audio delta counts as its
         * payload plus 256 bytes): a server that floods large deltas cannot exhaust the heap.
         */
        public Builder subscriberBuffer(int events, SlowSubscriberPolicy policy) {
            if (events < 16) {
                throw new IllegalArgumentException("subscriberBuffer : " + events + " (expected: >= 16)");
            }
            this.subscriberBuffer = events;
            this.slowSubscriberPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The client. */
        public RealtimeClient build() {
            return new RealtimeClient(this);
        }
    }
}
