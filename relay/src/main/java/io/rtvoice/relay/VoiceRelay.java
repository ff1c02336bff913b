package io.rtvoice.relay;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtvoice.ClientSecrets;
import io.rtvoice.RealtimeClient;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.relay.internal.KeyMint;
import io.rtvoice.relay.internal.Origins;
import io.rtvoice.relay.internal.PageSession;
import io.rtvoice.relay.internal.RelaySettings;
import io.rtvoice.relay.internal.WebPage;
import io.rtvoice.voice.AuthorizationRequest;
import io.rtvoice.voice.Authorizer;
import io.rtvoice.relay.internal.WebSocketUpgrade;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SessionSetup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
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
 * A relay between web pages and the Realtime API: it serves a voice page (Record/Stop, instructions, voice and
 * turn detection, both sides' transcripts, an input level meter, each turn's latency) and bridges each page's
 * audio WebSocket ({@code /ws}) to a {@link io.rtvoice.voice.VoiceSession} on the service. The relay holds the
 * credentials: the page never sees a key.
 *
 * <pre>{@code
 * try (VoiceRelay relay = VoiceRelay.builder().client(client).port(8080).start()) {
 *     relay.sessions().subscribe(System.out::println); // one line per session that ended
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Barge-in</b> is the voice session's: the page's player reports what it really played, and when the
 * user speaks during an answer the page is told to clear; its answer (the samples it had played) is where the
 * answer is truncated.
 *
 * <p><b>Operable.</b> At most {@link Builder#maxSessions} pages at once (more get HTTP 503); messages up to
 * {@link Builder#maxMessageBytes} (a larger one closes the socket, 1009); pages of other origins refused (403)
 * unless allowed ({@link Builder#allowedOrigins}); requests to a name that is not the relay's refused (403; see
 * {@link Builder#allowedHosts}); a page silent for {@link Builder#idleTimeout} closed; one log
 * line per session ({@link RelaySessionSummary}), with no secret in it.
 */
public final class VoiceRelay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.rtvoice.relay");
    private static final int SEND_BUFFER_BYTES = 128 * 1024;
    /** How long closing waits for the live sessions to end and report. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final RelaySettings settings;
    private final Origins origins;
    private final int maxSessions;
    private final WebPage page;
    private final Set<PageSession> live = ConcurrentHashMap.newKeySet();
    // Each running session until its summary is out: closing waits for them.
    private final Map<PageSession, Mono<Void>> unreported = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closing;
    private final Sinks.Many<RelaySessionSummary> summaries = Sinks.many().multicast().directBestEffort();
    // Sessions end on many threads and a sink takes one signal at a time: Flux.create's sink queues a summary that
    // finds another being delivered, for that thread to deliver, so no thread waits (as a lock would make it).
    private final FluxSink<RelaySessionSummary> reporter = serialInto(summaries);
    private final KeyMint keys;
    private final Authorizer authorizer;
    private final AtomicLong unauthorized = new AtomicLong();
    private final DisposableServer server;

    private VoiceRelay(Builder b) {
        this.settings = new RelaySettings(Objects.requireNonNull(b.client, "client"), b.session, b.pageMaySetSession,
                b.maxMessageBytes, b.maxQueuedBytes, b.idleTimeout, b.playbackLead, b.localVad, b.setup);
        this.origins = new Origins(b.allowedOrigins, b.allowedHosts);
        this.authorizer = b.authorizer;
        this.maxSessions = b.maxSessions;
        this.keys = b.secrets == null ? null : new KeyMint(b.secrets, b.keyTtl, b.client.endpoint().uri(), b.session,
                b.pageMaySetSession);
        this.page = new WebPage(b.session, b.pageMaySetSession, keys != null);
        this.server = HttpServer.create().host(b.host).port(b.port)
                .idleTimeout(b.idleTimeout)
                // A page is sent audio at 48 KB/s, paced to stay 100 ms ahead: a fixed send buffer is plenty, and without
                // the kernel's growing it to megabytes a page that stops reading shows as queued bytes within seconds.
                .childOption(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES)
                .route(routes -> routes
                        .get("/ws", named((req, res) -> WebSocketUpgrade.requested(req.requestHeaders())
                                ? authorized(req, res, this::upgrade) : notAnUpgrade(res))) // a probe never reaches the app
                        .get("/config", named((req, res) -> page.config(res)))
                        .post("/session", named((req, res) -> authorized(req, res, this::mint)))
                        .get("/**", named((req, res) -> page.file(req.path(), res))))
                .bindNow();
    }

    /** A builder: the client is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port the relay listens on. */
    public int port() {
        return server.port();
    }

    /** The page's address: {@code http://<host>:<port>/}. */
    public URI uri() {
        return URI.create("http://" + server.host() + ":" + server.port() + "/");
    }

    /** Pages connected now. */
    public int activeSessions() {
        return live.size();
    }

    /** Requests refused: too many sessions, a page of an origin not allowed, or a {@code Host} not the relay's. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Each session as it ends (what the log line says), to whoever subscribes then. */
    public Flux<RelaySessionSummary> sessions() {
        return summaries.asFlux();
    }

    private static <T> FluxSink<T> serialInto(Sinks.Many<T> sink) {
        AtomicReference<FluxSink<T>> emitter = new AtomicReference<>();
        Flux.<T>create(emitter::set).subscribe(sink::tryEmitNext, sink::tryEmitError, sink::tryEmitComplete);
        return emitter.get();
    }

    /** Requests refused by the {@link Builder#authorizer}. */
    public long unauthorizedRequests() {
        return unauthorized.get();
    }

    /** Runs {@code then} once the authorizer, if any, admits the request; otherwise answers 401. */
    private Publisher<Void> authorized(HttpServerRequest req, HttpServerResponse res,
            BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> then) {
        if (authorizer == null) {
            return then.apply(req, res);
        }
        AuthorizationRequest request = AuthorizationRequest.of(req.uri(), req.requestHeaders(), req.remoteAddress());
        return authorizer.admits(request)
                .flatMap(admitted -> {
                    if (admitted) {
                        return Mono.from(then.apply(req, res));
                    }
                    unauthorized.incrementAndGet();
                    return res.status(HttpResponseStatus.UNAUTHORIZED).sendString(Mono.just("not authorized\n")).then();
                });
    }

    /** A handler that answers only requests whose {@code Host} names the relay (against DNS rebinding); others get 403. */
    private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> named(
            BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        return (req, res) -> {
            if (!origins.hostAllowed(req.requestHeaders().get(HttpHeaderNames.HOST))) {
                refused.incrementAndGet();
                return res.status(HttpResponseStatus.FORBIDDEN).sendString(Mono.just("host not allowed\n"));
            }
            return handler.apply(req, res);
        };
    }

    private Mono<Void> upgrade(HttpServerRequest req, HttpServerResponse res) {
        String origin = req.requestHeaders().get(HttpHeaderNames.ORIGIN);
        if (!origins.allowed(origin, req.requestHeaders().get(HttpHeaderNames.HOST))) {
            refused.incrementAndGet();
            return res.status(HttpResponseStatus.FORBIDDEN).sendString(Mono.just("origin not allowed\n")).then();
        }
        if (closing) {
            refused.incrementAndGet();
            return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("shutting down\n")).then();
        }
        if (admitted.incrementAndGet() > maxSessions) {
            admitted.decrementAndGet();
            refused.incrementAndGet();
            return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).header(HttpHeaderNames.RETRY_AFTER, "5")
                    .sendString(Mono.just("too many sessions\n")).then();
        }
        String id = "rs_" + ids.incrementAndGet();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                admitted.decrementAndGet();
            }
        };
        Sinks.Empty<Void> reported = Sinks.empty();
        PageSession session = new PageSession(id, settings, summary -> {
            LOG.log(System.Logger.Level.INFO, summary.toString());
            reporter.next(summary);
            reported.tryEmitEmpty();
        });
        WebsocketServerSpec spec = WebsocketServerSpec.builder().maxFramePayloadLength(settings.maxMessageBytes()).build();
        // The session holds its place until its socket is done with (not when the upgrade is: that is at once); an
        // upgrade that fails, at once or later, gives it back.
        try {
            return res.sendWebsocket((in, out) -> {
                live.add(session);
                unreported.put(session, reported.asMono());
                reported.asMono().subscribe(null, e -> { }, () -> unreported.remove(session));
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

    /** 426 for a GET of the page's socket that is not a WebSocket upgrade (a health check, a scanner). */
    private static Mono<Void> notAnUpgrade(HttpServerResponse res) {
        return res.status(HttpResponseStatus.UPGRADE_REQUIRED).header(HttpHeaderNames.UPGRADE, "websocket")
                .header(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WebSocketUpgrade.VERSION)
                .sendString(Mono.just("a WebSocket upgrade is expected here\n")).then();
    }

    /** Keys minted for pages that connect directly ({@link Builder#ephemeralKeys}). */
    public long keysMinted() {
        return keys == null ? 0 : keys.minted();
    }

    private Publisher<Void> mint(HttpServerRequest req, HttpServerResponse res) {
        if (keys == null) {
            return res.status(HttpResponseStatus.NOT_FOUND).sendString(Mono.just("this relay does not mint keys\n"));
        }
        if (!origins.allowed(req.requestHeaders().get(HttpHeaderNames.ORIGIN), req.requestHeaders().get(HttpHeaderNames.HOST))) {
            refused.incrementAndGet();
            return res.status(HttpResponseStatus.FORBIDDEN).sendString(Mono.just("origin not allowed\n"));
        }
        return keys.mint(req, res);
    }

    /**
     * Stops listening, ends every page session (the pages are told, the service's sessions closed) and completes once
     * each has ended and its summary is out of {@link #sessions()} (waiting at most 10 s), then completes
     * {@link #sessions()}. Nothing happens until it is subscribed to.
     */
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> {
            closing = true;
            server.dispose();
            return server.onDispose();
        }).then(Mono.defer(() -> {
            List<Mono<Void>> ending = List.copyOf(unreported.values());
            live.forEach(PageSession::shutDown);
            return Mono.when(ending).timeout(CLOSE_TIMEOUT, Mono.empty());
        })).doFinally(s -> {
            reporter.complete();
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

    /** Builds and starts a {@link VoiceRelay}. */
    public static final class Builder {
        private RealtimeClient client;
        private SessionConfig session;
        private String host = "127.0.0.1";
        private int port;
        private List<String> allowedOrigins = List.of();
        private List<String> allowedHosts = List.of();
        private int maxSessions = 32;
        private int maxMessageBytes = 64 * 1024;
        private long maxQueuedBytes = 4L << 20;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration playbackLead = Duration.ofMillis(100);
        private boolean pageMaySetSession = true;
        private ClientSecrets secrets;
        private Duration keyTtl = Duration.ofMinutes(1);
        private LocalVad localVad;
        private Authorizer authorizer;
        private SessionSetup setup = SessionSetup.NONE;

        private Builder() {
        }

        /** The service's client; it holds the credentials, which never reach a page. */
        public Builder client(RealtimeClient client) {
            this.client = client;
            return this;
        }

        /** The session configuration every page starts from (instructions, voice, turn detection, tools …). */
        public Builder session(SessionConfig session) {
            this.session = session;
            return this;
        }

        /**
         * Whether a page may choose instructions, voice and turn detection (default true, as in the quickstart's sample).
         * When it may not, {@code /config} does not show the {@link #session}'s instructions: they are the operator's.
         */
        public Builder pageMaySetSession(boolean allowed) {
            this.pageMaySetSession = allowed;
            return this;
        }

        /** The address to listen on (default 127.0.0.1; {@code 0.0.0.0} for every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 0: any free one, see {@link VoiceRelay#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " (expected 0..65535)");
            }
            this.port = port;
            return this;
        }

        /**
         * The origins whose pages may connect ({@code https://app.example}, exact), besides the relay's own page.
         * Default: only the relay's own page (the {@code Origin} matches the {@code Host} it was served from).
         * A request without {@code Origin} is not a browser's page and is not judged by it.
         */
        public Builder allowedOrigins(String... origins) {
            this.allowedOrigins = List.of(origins);
            return this;
        }

        /**
         * The names the relay is reached by ({@code voice.example.com}, without a port), besides IP addresses,
         * {@code localhost} and the hosts of {@link #allowedOrigins}. A request whose {@code Host} names anything else
         * gets HTTP 403, page and files included: under DNS rebinding an attacker's name is made to point at the relay,
         * and its page's {@code Origin} then matches the {@code Host}.
         */
        public Builder allowedHosts(String... hosts) {
            for (String h : hosts) {
                if (h == null || h.isBlank()) {
                    throw new IllegalArgumentException("allowedHosts " + h + " (expected a host name)");
                }
            }
            this.allowedHosts = List.of(hosts);
            return this;
        }

        /** Pages connected at once (default 32); more get HTTP 503. */
        public Builder maxSessions(int maxSessions) {
            if (maxSessions < 1) {
                throw new IllegalArgumentException("maxSessions " + maxSessions + " (expected at least 1)");
            }
            this.maxSessions = maxSessions;
            return this;
        }

        /** The largest message a page may send, in bytes (default 64 KiB: a 20 ms frame is 960 B). */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1_024) {
                throw new IllegalArgumentException("maxMessageBytes " + bytes + " (expected at least 1024)");
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * What may wait, unsent, for a page that does not read (default 4 MiB: about 90 s of its audio). Beyond it the
         * page is dropped: its connection closed at once (a close frame could not reach it), its session with the
         * service closed, its place freed.
         */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 16 * 1024) {
                throw new IllegalArgumentException("maxQueuedBytes " + bytes + " (expected at least 16384)");
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** A page that sends nothing this long is closed (default 30 s; a recording page sends audio 50 times a second). */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** Audio kept queued at the page ahead of what it has played (default 100 ms): covers the network's jitter. */
        public Builder playbackLead(Duration lead) {
            if (lead.toMillis() < 20 || lead.toMillis() > 2_000) {
                throw new IllegalArgumentException("playbackLead " + lead + " (expected 20 ms..2 s)");
            }
            this.playbackLead = lead;
            return this;
        }

        /**
         * Offers pages a second mode: the page asks the relay for a key ({@code POST /session}), which {@code secrets}
         * mints for the page's session and which expires after {@code ttl} (default one minute, from 10 s to 2 h);
         * the page then connects to the client's endpoint itself, with that key as the
         * {@code openai-insecure-api-key.} subprotocol. The relay's own key never leaves it. Without this, pages only
         * talk through the relay.
         */
        public Builder ephemeralKeys(ClientSecrets secrets, Duration ttl) {
            if (ttl.compareTo(ClientSecrets.MIN_TTL) < 0 || ttl.compareTo(ClientSecrets.MAX_TTL) > 0) {
                throw new IllegalArgumentException("key ttl " + ttl + " (expected 10 s..2 h)");
            }
            this.secrets = Objects.requireNonNull(secrets, "secrets");
            this.keyTtl = ttl;
            return this;
        }

        /**
         * Local turn taking for every page ({@link io.rtvoice.voice.VoiceSession.Builder#localVad}; null, the default:
         * off): the detector hears the page's audio at the session's rate, 24 kHz, and its starts and stops are the
         * page's {@code speech_started} and {@code speech_stopped}. The relay then takes the turns and the page's VAD
         * choice is not used: without turn detection in the {@link #session}, only speech is sent and the relay commits
         * each turn and asks for the answer itself; with it, the server takes the turns and the detector only interrupts.
         * No echo canceller is needed: the browser's own ({@code echoCancellation} on the microphone) has cleaned the
         * audio before it arrives. Pages that connect directly ({@link #ephemeralKeys}) take their turns with the server.
         */
        public Builder localVad(LocalVad localVad) {
            this.localVad = localVad;
            return this;
        }

        /**
         * Who may open a page session or have a key minted ({@link Authorizer}; null, the default: anyone the
         * origin check lets in). Checked before the origin and the session limit; refused requests get HTTP 401.
         * The page's files and {@code /config} are served to anyone.
         */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = authorizer;
            return this;
        }

        /**
         * The app's setup of each page's session ({@link SessionSetup}: tools on its conversation, its transcripts …),
         * before it starts; the id is the page session's ({@code rs_…}, as in {@link RelaySessionSummary#id()}).
         */
        public Builder setup(SessionSetup setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /** Binds and starts serving. */
        public VoiceRelay start() {
            return new VoiceRelay(this);
        }
    }
}
