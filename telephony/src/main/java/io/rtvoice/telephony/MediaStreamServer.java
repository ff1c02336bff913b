package io.rtvoice.telephony;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtvoice.RealtimeClient;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.telephony.internal.AcsStream;
import io.rtvoice.telephony.internal.Serial;
import io.rtvoice.telephony.internal.StreamSession;
import io.rtvoice.telephony.internal.StreamSettings;
import io.rtvoice.telephony.internal.TwilioSignature;
import io.rtvoice.telephony.internal.TwilioStream;
import io.rtvoice.telephony.internal.WebSocketUpgrade;
import io.rtvoice.voice.AuthorizationRequest;
import io.rtvoice.voice.Authorizer;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SessionSetup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Carriers' media streams, each bridged to a Realtime session: the carrier terminates the phone call and streams its
 * audio to this server over a WebSocket.
 * <ul>
 *   <li><b>Twilio Media Streams</b> ({@code /twilio}; TwiML {@code <Connect><Stream url="wss://…/twilio"/>}):
 *       μ-law at 8 kHz, the session's {@code audio/pcmu} both ways, no transcoding. Each 20 ms chunk sent is followed
 *       by a mark; the marks Twilio returns as it plays are the played position, so a barge-in sends {@code clear} and
 *       truncates at the audio Twilio confirmed played. DTMF reaches {@link #events()}.</li>
 *   <li><b>Azure Communication Services</b> bidirectional audio streaming ({@code /acs}): PCM16 at 16 or 24 kHz, the
 *       session's PCM16 at 24 kHz (resampled by the session at 16 kHz). ACS confirms nothing: audio is sent in real
 *       time and what was sent counts as played; a barge-in sends {@code StopAudio}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (MediaStreamServer streams = MediaStreamServer.builder().client(client).port(8080).start()) {
 *     streams.events().subscribe(System.out::println); // started, DTMF, barge-in, hung up (with metrics)
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Operable.</b> At most {@link Builder#maxStreams} at once (more get HTTP 503); messages up to
 * {@link Builder#maxMessageBytes} (a larger one closes the socket, 1009); a stream silent for
 * {@link Builder#idleTimeout} ended; a carrier that does not read cut past {@link Builder#maxQueuedBytes}; a GET that is
 * not a WebSocket upgrade answered 426 without taking a place; a message that cannot be used is counted ({@link CallMetrics#rejected()}) and
 * dropped, never ending the stream; the carrier's {@code stop} or a dropped socket ends the Realtime session. One
 * log line per stream (its {@link CallEvent.HungUp}). No Origin check: carriers are not browsers — put the server
 * behind TLS.
 *
 * <p><b>Who may stream.</b> With {@link Builder#twilioAuthToken} an upgrade to the Twilio path must carry Twilio's
 * {@code X-Twilio-Signature}; without a valid one it gets HTTP 403 before any Realtime session is opened. ACS signs
 * nothing this server can check: restrict {@code /acs} in front of it (a secret path, a network rule).
 */
public final class MediaStreamServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.rtvoice.telephony");
    private static final String TWILIO_SIGNATURE = "X-Twilio-Signature";
    private static final int SEND_BUFFER_BYTES = 128 * 1024;
    /** How long closing waits for the live streams to end and report. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final StreamSettings settings;
    private final int maxStreams;
    private final Set<StreamSession> live = ConcurrentHashMap.newKeySet();
    // Each running stream until its HungUp is out: closing waits for them.
    private final Set<StreamSession> unreported = ConcurrentHashMap.newKeySet();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closing;
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final Authorizer authorizer;
    private final TwilioSignature twilioSignature;
    private final Sinks.Many<CallEvent> events = Sinks.many().multicast().directBestEffort();
    private final FluxSink<CallEvent> emitter = Serial.into(events);
    private final DisposableServer server;

    private MediaStreamServer(Builder b) {
        this.settings = new StreamSettings(Objects.requireNonNull(b.client, "client"), b.session, b.maxMessageBytes,
                b.maxQueuedBytes, b.idleTimeout, b.playbackLead, this::emit, b.localVad, b.setup);
        this.maxStreams = b.maxStreams;
        if (b.twilioSecondaryAuthToken != null && b.twilioAuthToken == null) {
            throw new IllegalStateException("twilioSecondaryAuthToken without twilioAuthToken (expected: both, or the first only)");
        }
        this.authorizer = b.authorizer;
        this.twilioSignature = b.twilioAuthToken == null ? null : new TwilioSignature(b.twilioStreamUrl,
                b.twilioSecondaryAuthToken == null ? List.of(b.twilioAuthToken) : List.of(b.twilioAuthToken, b.twilioSecondaryAuthToken));
        this.server = HttpServer.create().host(b.host).port(b.port)
                // A carrier is sent audio in real time (under 100 KB/s): a fixed send buffer is plenty, and without the
                // kernel's growing it to megabytes a carrier that stops reading shows as queued bytes within seconds.
                .childOption(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES)
                .route(routes -> routes
                        // A probe never reaches the app's authorizer or the signature check.
                        .get(b.twilioPath, (req, res) -> WebSocketUpgrade.requested(req.requestHeaders())
                                ? authorized(req, res, this::twilio) : notAnUpgrade(res))
                        .get(b.acsPath, (req, res) -> WebSocketUpgrade.requested(req.requestHeaders())
                                ? authorized(req, res, (q, r) -> upgrade(q, r, AcsStream::new, "acs-")) : notAnUpgrade(res)))
                .bindNow();
    }

    /** A builder: the client is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** The server's address: {@code ws://<host>:<port>/} (the carriers' paths are below it). */
    public URI uri() {
        return URI.create("ws://" + server.host() + ":" + server.port() + "/");
    }

    /** Streams connected now. */
    public int activeStreams() {
        return live.size();
    }

    /** Connections refused: too many streams (HTTP 503), or a Twilio upgrade without a valid signature (HTTP 403). */
    public long refusedConnections() {
        return refused.get();
    }

    /**
     * Twilio upgrades refused for a missing or invalid {@code X-Twilio-Signature} (HTTP 403; also counted in
     * {@link #refusedConnections()}). Always 0 without {@link Builder#twilioAuthToken}.
     */
    public long badSignatures() {
        return badSignatures.get();
    }

    /** Every stream's events, as they happen, to whoever subscribes then. */
    public Flux<CallEvent> events() {
        return events.asFlux();
    }

    private void emit(CallEvent event) {
        emitter.next(event); // from many threads
    }

    /** Upgrades refused by the {@link Builder#authorizer} (HTTP 401). */
    public long unauthorizedRequests() {
        return unauthorized.get();
    }

    /** Runs {@code then} once the authorizer, if any, admits the request; otherwise answers 401. */
    private Mono<Void> authorized(HttpServerRequest req, HttpServerResponse res,
            BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> then) {
        if (authorizer == null) {
            return then.apply(req, res);
        }
        return authorizer.admits(AuthorizationRequest.of(req.uri(), req.requestHeaders(), req.remoteAddress()))
                .flatMap(admitted -> {
                    if (admitted) {
                        return then.apply(req, res);
                    }
                    unauthorized.incrementAndGet();
                    return res.status(HttpResponseStatus.UNAUTHORIZED).sendString(Mono.just("not authorized\n")).then();
                });
    }

    private Mono<Void> twilio(HttpServerRequest req, HttpServerResponse res) {
        if (twilioSignature != null) {
            String signature = req.requestHeaders().get(TWILIO_SIGNATURE);
            if (!twilioSignature.valid(signature)) {
                badSignatures.incrementAndGet();
                refused.incrementAndGet();
                // Neither the signature nor the token: what was wrong, for whom, and against which URL.
                LOG.log(System.Logger.Level.WARNING, () -> "twilio upgrade from " + req.remoteAddress() + " refused (403): "
                        + (signature == null ? "no " + TWILIO_SIGNATURE : "an " + TWILIO_SIGNATURE + " that is not "
                        + "Twilio's for " + twilioSignature.url()));
                return res.status(HttpResponseStatus.FORBIDDEN).sendString(Mono.just("signature not valid\n")).then();
            }
        }
        return upgrade(req, res, TwilioStream::new, "twilio-");
    }

    /** A health check or a scanner: answered before it takes a place (Netty's handshaker would throw on it). */
    private static Mono<Void> notAnUpgrade(HttpServerResponse res) {
        return res.status(HttpResponseStatus.UPGRADE_REQUIRED).header(HttpHeaderNames.UPGRADE, "websocket")
                .header(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WebSocketUpgrade.VERSION)
                .sendString(Mono.just("a WebSocket upgrade is expected here\n")).then();
    }

    private Mono<Void> upgrade(HttpServerRequest req, HttpServerResponse res,
            BiFunction<String, StreamSettings, StreamSession> carrier, String prefix) {
        if (closing) {
            refused.incrementAndGet();
            return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("shutting down\n")).then();
        }
        if (admitted.incrementAndGet() > maxStreams) {
            admitted.decrementAndGet();
            refused.incrementAndGet();
            return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).header(HttpHeaderNames.RETRY_AFTER, "5")
                    .sendString(Mono.just("too many streams\n")).then();
        }
        StreamSession session = carrier.apply(prefix + ids.incrementAndGet(), settings);
        WebsocketServerSpec spec = WebsocketServerSpec.builder().maxFramePayloadLength(settings.maxMessageBytes()).build();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                admitted.decrementAndGet();
            }
        };
        // The stream holds its place until its socket is done with; an upgrade that fails, at once or later, gives it back.
        try {
            return res.sendWebsocket((in, out) -> {
                live.add(session);
                unreported.add(session);
                session.hungUp().subscribe(null, e -> { }, () -> unreported.remove(session));
                Mono<Void> running = session.run(in, out).doFinally(s -> {
                    live.remove(session);
                    release.run();
                });
                if (closing) { // admitted while closing took its snapshot: ended like the others
                    session.shutDown();
                }
                return running;
            }, spec).doOnError(e -> release.run());
        } catch (RuntimeException failed) {
            release.run();
            return Mono.error(failed);
        }
    }

    /**
     * Stops listening, ends every stream (each Realtime session closed, each socket closed) and completes once each has
     * ended and its {@link CallEvent.HungUp} is out of {@link #events()} (waiting at most 10 s), then completes
     * {@link #events()}. Nothing happens until it is subscribed to.
     */
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> {
            closing = true;
            server.dispose();
            return server.onDispose();
        }).then(Mono.defer(() -> {
            List<Mono<Void>> ending = unreported.stream().map(StreamSession::hungUp).toList();
            live.forEach(StreamSession::shutDown);
            return Mono.when(ending).timeout(CLOSE_TIMEOUT, Mono.empty());
        })).doFinally(s -> {
            emitter.complete();
        });
    }

    /** {@link #closeGracefully()}, waiting up to 15 s unless on a non-blocking thread. */
    @Override
    public void close() {
        Mono<Void> done = closeGracefully();
        if (Schedulers.isInNonBlockingThread()) {
            done.subscribe(null, e -> { });
        } else {
            done.block(CLOSE_TIMEOUT.plusSeconds(5));
        }
    }

    /** Builds and starts a {@link MediaStreamServer}. */
    public static final class Builder {
        private RealtimeClient client;
        private SessionConfig session;
        private String host = "127.0.0.1";
        private int port;
        private String twilioPath = "/twilio";
        private String acsPath = "/acs";
        private int maxStreams = 100;
        private int maxMessageBytes = 64 * 1024;
        private long maxQueuedBytes = 1L << 20;
        private Duration idleTimeout = Duration.ofSeconds(15);
        private Duration playbackLead = Duration.ofMillis(100);
        private LocalVad localVad;
        private SessionSetup setup = SessionSetup.NONE;
        private Authorizer authorizer;
        private String twilioAuthToken;
        private String twilioSecondaryAuthToken;
        private URI twilioStreamUrl;

        private Builder() {
        }

        /** The service's client: each stream opens one session on it. */
        public Builder client(RealtimeClient client) {
            this.client = client;
            return this;
        }

        /** The session configuration of every stream; its audio formats are set per carrier. */
        public Builder session(SessionConfig session) {
            this.session = session;
            return this;
        }

        /** The address to listen on (default 127.0.0.1; {@code 0.0.0.0} for every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 0: any free one, see {@link MediaStreamServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port : " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** Twilio's WebSocket path (default {@code /twilio}). */
        public Builder twilioPath(String path) {
            this.twilioPath = checkPath("twilioPath", path);
            return this;
        }

        /** ACS's WebSocket path (default {@code /acs}). */
        public Builder acsPath(String path) {
            this.acsPath = checkPath("acsPath", path);
            return this;
        }

        private static String checkPath(String name, String path) {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException(name + " : " + path + " (expected: a path beginning with /)");
            }
            return path;
        }

        /** Streams at once (default 100); one more gets HTTP 503. */
        public Builder maxStreams(int maxStreams) {
            if (maxStreams < 1) {
                throw new IllegalArgumentException("maxStreams : " + maxStreams + " (expected: >= 1)");
            }
            this.maxStreams = maxStreams;
            return this;
        }

        /** The largest message a carrier may send, in bytes (default 64 KiB: a 20 ms message is under 2 KiB). */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1_024) {
                throw new IllegalArgumentException("maxMessageBytes : " + bytes + " (expected: >= 1024)");
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * What may wait, unsent, for a carrier that does not read (default 1 MiB: about 15 s of ACS's audio at 24 kHz,
         * more of Twilio's). Beyond it the stream is ended ({@link CallEvent.HungUp} by {@code gateway}, "the carrier
         * does not read"): its connection closed at once (a close frame could not reach it), its Realtime session
         * closed, its place freed.
         */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 16 * 1024) {
                throw new IllegalArgumentException("maxQueuedBytes : " + bytes + " (expected: >= 16384)");
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** A stream that sends nothing this long is ended (default 15 s; carriers send audio 50 times a second). */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout : " + timeout + " (expected: > 0)");
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Audio sent ahead of real time to a carrier that confirms what it played (Twilio; default 100 ms): covers the
         * network's jitter. ACS confirms nothing and is sent in real time.
         */
        public Builder playbackLead(Duration lead) {
            if (lead.toMillis() < 0 || lead.toMillis() > 1_000) {
                throw new IllegalArgumentException("playbackLead : " + lead + " (expected: 0..1 s)");
            }
            this.playbackLead = lead;
            return this;
        }

        /**
         * Local turn taking for every stream ({@link io.rtvoice.voice.VoiceSession.Builder#localVad}; null, the default:
         * off). The detector hears the caller's audio as PCM16 at the carrier's rate (8 kHz for Twilio's μ-law, 16 or
         * 24 kHz for ACS). Without turn detection in the {@link #session}, only the
         * caller's speech is sent and each stream commits its turns and asks for the answers itself; with it, the
         * server still takes the turns and the detector only cuts the answer at once when the caller speaks.
         */
        public Builder localVad(LocalVad localVad) {
            this.localVad = localVad;
            return this;
        }

        /**
         * Checks Twilio's signature of every upgrade to the Twilio path (default: no check). Twilio signs the
         * WebSocket's upgrade request with {@code X-Twilio-Signature}, Base64(HMAC-SHA1) keyed with the account's Auth
         * Token over the URL it connects to; an upgrade without that header, or with another value, gets HTTP 403
         * before any Realtime session is opened, and is counted in {@link MediaStreamServer#badSignatures()} and
         * {@link MediaStreamServer#refusedConnections()} with one log line (which never holds the token or the
         * signature).
         *
         * <p>{@code streamUrl} is the URL as Twilio has it, the TwiML's {@code <Stream url="wss://…/twilio">}: behind a
         * TLS-terminating proxy the URL this server sees is not the one Twilio signed, so it is given here rather than
         * rebuilt from the request. It is accepted with or without the scheme's default port ({@code :443}), as
         * Twilio may sign either form. Its path may differ from {@link #twilioPath} when the proxy rewrites it.
         *
         * <p>The signature of a URL is the same on every call (the upgrade is a GET, the URL takes no query): it is
         * not a one-time value, so keep the Twilio leg on TLS.
         *
         * @param authToken the Twilio account's Auth Token (never logged, nor in any message)
         * @param streamUrl the public {@code wss://} (or {@code ws://}) URL in the TwiML
         * @throws IllegalArgumentException if the token is null, blank or padded with white space, or the URL is not an
         *     absolute {@code ws}/{@code wss} URL with a host and no fragment (the message never holds the token)
         */
        public Builder twilioAuthToken(String authToken, URI streamUrl) {
            String token = checkToken("twilioAuthToken", authToken);
            if (streamUrl == null || streamUrl.getScheme() == null || streamUrl.getHost() == null
                    || !Set.of("ws", "wss").contains(streamUrl.getScheme().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("twilioAuthToken's streamUrl : " + streamUrl
                        + " (expected: the wss:// URL of the TwiML's <Stream>, with a host)");
            }
            if (streamUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("twilioAuthToken's streamUrl : " + streamUrl + " (expected: no #fragment)");
            }
            this.twilioAuthToken = token; // both or neither: a refused call leaves the builder as it was
            this.twilioStreamUrl = streamUrl;
            return this;
        }

        /**
         * A second Auth Token whose signatures are accepted too, while Twilio's secondary Auth Token is being promoted
         * (default: none); {@link #start()} throws {@link IllegalStateException} if it is set without
         * {@link #twilioAuthToken}. Null removes it.
         *
         * @throws IllegalArgumentException if the token is blank or padded with white space (the message never holds it)
         */
        public Builder twilioSecondaryAuthToken(String authToken) {
            this.twilioSecondaryAuthToken = authToken == null ? null : checkToken("twilioSecondaryAuthToken", authToken);
            return this;
        }

        // The token is never put in the message: only what is wrong with it.
        private static String checkToken(String name, String token) {
            if (token == null) {
                throw new IllegalArgumentException(name + " : null (expected: the Twilio account's Auth Token)");
            }
            if (token.isBlank()) {
                throw new IllegalArgumentException(name + " : blank (expected: the Twilio account's Auth Token)");
            }
            if (!token.strip().equals(token)) {
                throw new IllegalArgumentException(name + " : begins or ends with white space (expected: the token alone)");
            }
            return token;
        }

        /**
         * The app's own check of each upgrade, on both carriers' paths, before a stream takes a place or opens a
         * session ({@link Authorizer}; null, the default: none); refused upgrades get HTTP 401, counted in
         * {@link MediaStreamServer#unauthorizedRequests()}. ACS, which signs nothing, is given a secret in its
         * {@code transportUrl} ({@code wss://…/acs?key=…}). Twilio's Stream URL takes no query: check its requests by
         * their signature ({@link #twilioAuthToken}), and let the authorizer pass the Twilio path:
         * <pre>{@code
         * byte[] key = System.getenv("ACS_STREAM_KEY").getBytes(UTF_8);
         * .authorizer(request -> Mono.just(!request.path().equals("/acs") || request.queryParameter("key")
         *         .filter(given -> MessageDigest.isEqual(key, given.getBytes(UTF_8))).isPresent()))
         * }</pre>
         */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = authorizer;
            return this;
        }

        /**
         * The app's setup of each stream's session ({@link SessionSetup}: tools on its conversation, its transcripts
         * …), before it starts; the id is the one the stream's {@link CallEvent}s carry.
         */
        public Builder setup(SessionSetup setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /** Binds and starts serving. */
        public MediaStreamServer start() {
            return new MediaStreamServer(this);
        }
    }
}
