package io.rtvoice.emulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.rtvoice.emulator.internal.AcceptErrors;
import io.rtvoice.audio.AudioEncoding;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
import io.rtvoice.emulator.internal.AllowedOrigins;
import io.rtvoice.emulator.internal.CallRegistry;
import io.rtvoice.emulator.internal.ClientSecretStore;
import io.rtvoice.emulator.internal.ConnectionCap;
import io.rtvoice.emulator.internal.EmulatorSettings;
import io.rtvoice.emulator.internal.EmulatorStats;
import io.rtvoice.emulator.internal.HandshakeHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Mono;

/**
 * A local server that speaks the Realtime protocol, in both dialects, on a real socket: for tests,
 * examples, benchmarks and offline work. Endpoints, as on the service:
 * <ul>
 *   <li>{@code /v1/realtime?model=…} — GA, or preview with {@code OpenAI-Beta: realtime=v1} or the
 *       {@code openai-beta.realtime-v1} subprotocol;</li>
 *   <li>{@code /openai/v1/realtime?model=<deployment>} — Azure GA (an {@code api-version} gets 401);</li>
 *   <li>{@code /openai/realtime?api-version=…&deployment=…} — Azure preview.</li>
 * </ul>
 * The key is read from {@code Authorization: Bearer}, the {@code api-key} header or query parameter, or
 * the {@code openai-insecure-api-key.<key>} subprotocol; a wrong or missing key gets HTTP 401 before
 * the upgrade, a browser page of an origin not allowed ({@link Builder#allowedOrigins}) HTTP 403. The model is the {@link Responder}; its voice is {@link SyntheticVoice}.
 *
 * <p>Ephemeral keys, as the service mints them: {@code POST /v1/realtime/client_secrets} (or
 * {@code /openai/v1/realtime/client_secrets}) with the API key and {@code {"expires_after": {"seconds": 10..7200},
 * "session": {"type": "realtime", …}}} answers {@code {"value": "ek_…", "expires_at", "session"}}. Until it
 * expires (by {@link Builder#clock}), the key opens GA connections as {@code Authorization: Bearer ek_…} or as the
 * {@code openai-insecure-api-key.ek_…} subprotocol, and their {@code session.created} carries the minted
 * configuration; an expired or unknown {@code ek_…} key gets HTTP 401.
 *
 * <p>SIP calls, as OpenAI's: with a {@link Builder#webhook webhook}, {@link #ring} makes an incoming call
 * {@code rtc_…} and POSTs {@code realtime.call.incoming} to it, signed as Standard Webhooks sign. The calls API,
 * {@code POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup}, answers it (404 for a call it does not
 * know); once accepted, the sideband connection {@code /v1/realtime?call_id=rtc_…} runs the call's session, started
 * with the accepted configuration, and a synthetic caller speaks the ring's WAV into it at real-time pace, presses its
 * keys ({@code input_audio_buffer.dtmf_event_received}) and hangs up after the answer. The response's audio goes to
 * the caller: the sideband connection gets no audio deltas but {@code output_audio_buffer.started/stopped/cleared}.
 * Refer, hangup and the caller's hangup close the sideband connection (1000).
 */
public final class RealtimeEmulator implements AutoCloseable {

    /** The longest monologue: 10,000 s of PCM16 at 24 kHz still counts in an int of bytes. */
    private static final long MAX_MONOLOGUE_MS = 10_000_000;

    private final EventLoopGroup group;
    private final Channel server;
    private final String host;
    private final int port;
    private final EmulatorStats stats;
    private final String scheme;
    private final CallRegistry calls;

    private RealtimeEmulator(EventLoopGroup group, Channel server, String scheme, String host, EmulatorStats stats, CallRegistry calls) {
        this.calls = calls;
        this.group = group;
        this.scheme = scheme;
        this.stats = stats;
        this.server = server;
        this.host = host;
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A builder with the defaults: loopback, a free port, any key, real-time pacing, 100 ms deltas. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    /**
     * {@code ws://host:port} ({@code wss://} with {@link Builder#tls}) — append an endpoint path such as
     * {@code /v1/realtime?model=gpt-realtime}.
     */
    public URI uri() {
        return uri("");
    }

    /** {@link #uri()} + {@code pathAndQuery}. */
    public URI uri(String pathAndQuery) {
        return URI.create(scheme + "://" + host + ":" + port + pathAndQuery);
    }

    /** WebSocket connections accepted so far (refused handshakes are not counted). */
    public long connectionsAccepted() {
        return stats.connections();
    }

    /** TCP connections closed at accept because {@link Builder#maxConnections} were open. */
    public long connectionsRefused() {
        return stats.refused();
    }

    /** Accepts that failed (too many open files, say) and were survived: logged, then accepting went on. */
    public long acceptErrors() {
        return stats.acceptErrors();
    }

    /** Connections closed because they did not read what was written to them ({@link Builder#maxPendingWriteBytes}). */
    public long slowReadersClosed() {
        return stats.slowReadersClosed();
    }

    /** The most bytes ever written to one connection and not yet taken by its socket. */
    public long peakPendingWriteBytes() {
        return stats.peakPendingWriteBytes();
    }

    /** Ping frames received so far on all connections, answered with a pong unless the session stalled. */
    public long pingsReceived() {
        return stats.pings();
    }

    /** Pongs received in answer to the pings of the {@code ping_every_ms} fault. */
    public long pongsReceived() {
        return stats.pongs();
    }

    /** Connections the {@code ping_every_ms} fault closed (1011) because a ping went unanswered. */
    public long pingTimeouts() {
        return stats.pingTimeouts();
    }

    /** {@link #ring(String, String, Path, String)} with no keys pressed. */
    public Mono<String> ring(String from, String to, Path wav) {
        return ring(from, to, wav, "");
    }

    /**
     * An incoming SIP call from {@code from} to {@code to} (SIP or tel URIs, e.g. {@code sip:+15551230000@carrier.example}):
     * posts {@code realtime.call.incoming} to the {@link Builder#webhook webhook}, signed. Once the call is accepted and
     * its sideband connection opens, the caller says {@code wav} (mono or stereo PCM16, any rate: it is read now and
     * converted to the session's input format), then presses {@code dtmf} ({@code 0-9}, {@code *}, {@code #},
     * {@code A-D}), and hangs up once the model has answered. Nothing is sent until subscription.
     *
     * @return the call's id, {@code rtc_…}, once the webhook answered 2xx; an error if it answered otherwise or could
     *         not be reached (the call is then gone), or if no webhook is configured
     * @throws UncheckedIOException if the WAV file cannot be read
     * @throws IllegalArgumentException if it is not PCM16, or {@code dtmf} holds a key a keypad does not have
     */
    public Mono<String> ring(String from, String to, Path wav, String dtmf) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!dtmf.matches("[0-9*#A-D]*")) {
            throw new IllegalArgumentException("dtmf : '" + dtmf + "' (expected: keys 0-9, *, #, A-D)");
        }
        Wav.Audio audio;
        try {
            audio = Wav.read(wav);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + wav, e);
        }
        if (audio.format().encoding() != AudioEncoding.PCM16) {
            throw new IllegalArgumentException("wav encoding : " + audio.format().encoding() + " (expected: PCM16)");
        }
        short[] samples = Pcm.toShorts(audio.data());
        int channels = audio.format().channels();
        if (channels > 1) {
            short[] mono = new short[samples.length / channels];
            Pcm.downmixToMono(samples, 0, channels, mono, 0, mono.length);
            samples = mono;
        }
        short[] voice = samples;
        return Mono.defer(() -> calls.ring(from, to, voice, audio.format().sampleRate(), dtmf));
    }

    /** Stops listening and closes every connection; idempotent. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Configures and starts a {@link RealtimeEmulator}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String apiKey;
        private Responder responder = Responder.standard();
        private java.util.function.Function<String, byte[]> voice = SyntheticVoice::speak;
        private int deltaMs = 100;
        private double pace = 1.0;
        private int jitterMs;
        private long seed = 42;
        private Duration sessionDuration = Duration.ofMinutes(30);
        private Faults faults = Faults.NONE;
        private boolean log;
        private boolean verbose;
        private int monologueMs;
        private boolean stampAudio;
        private KeyManagerFactory tls;
        private Path tlsCertificateChain;
        private Path tlsPrivateKey;
        private AllowedOrigins allowedOrigins = AllowedOrigins.loopback();
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofMinutes(5);
        private int maxConnections = 4096;
        private long maxPendingWriteBytes = 64L * 1024 * 1024;
        private Clock clock = Clock.systemUTC();
        private URI webhook;
        private String webhookSecret;

        private Builder() {
        }

        /**
         * Where {@link #ring} announces incoming calls ({@code realtime.call.incoming}), and the Standard Webhooks secret
         * it signs them with, {@code whsec_<base64 key>} as OpenAI's dashboard shows one. Plain {@code http://} only to a
         * loopback address. Default: none, and {@link #ring} fails.
         *
         * @throws IllegalArgumentException for a URL that is not http(s), plain http to a host not loopback, or a secret
         *         that is not {@code whsec_} and base64 (the message does not quote it)
         */
        public Builder webhook(URI url, String secret) {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(secret, "secret");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("https") && !(scheme.equals("http") && loopback(url.getHost()))) {
                throw new IllegalArgumentException("webhook url : " + url.getScheme() + "://" + url.getAuthority()
                        + " (expected: https, or http to a loopback address)");
            }
            CallRegistry.secretKey(secret); // refuses a malformed secret now, not at the first ring
            this.webhook = url;
            this.webhookSecret = secret;
            return this;
        }

        /**
         * Serves {@code wss://} with this key and certificate (for TLS tests: hostname verification,
         * trust, TLS engines); {@link #uri()} then says {@code wss}. Default: plain {@code ws://}.
         */
        public Builder tls(KeyManagerFactory keyManagers) {
            this.tls = Objects.requireNonNull(keyManagers, "keyManagers");
            this.tlsCertificateChain = null;
            this.tlsPrivateKey = null;
            return this;
        }

        /**
         * Serves {@code wss://} with a certificate chain and its private key read from PEM files (the key
         * unencrypted PKCS#8, {@code BEGIN PRIVATE KEY}), as {@code openssl req -x509 -nodes} writes them; a
         * client that trusts the certificate (Node's {@code NODE_EXTRA_CA_CERTS}, a Java trust store) then
         * dials {@code wss://} directly. Replaces {@link #tls(KeyManagerFactory)}; the files are read by
         * {@link #start()}, which fails with {@link IllegalArgumentException} when they cannot be used.
         */
        public Builder tls(Path certificateChainPem, Path privateKeyPem) {
            this.tlsCertificateChain = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            this.tlsPrivateKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            this.tls = null;
            return this;
        }

        /** Address to bind (default {@code 127.0.0.1}). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port : " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** The only key accepted; without one, any non-empty key is accepted. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The model's behaviour (default {@link Responder#standard()}). */
        public Builder responder(Responder responder) {
            this.responder = Objects.requireNonNull(responder, "responder");
            return this;
        }

        /** Audio per delta in ms (default 100). */
        public Builder deltaMs(int deltaMs) {
            if (deltaMs < 1) {
                throw new IllegalArgumentException("deltaMs : " + deltaMs + " (expected: >= 1)");
            }
            this.deltaMs = deltaMs;
            return this;
        }

        /** Audio sent this many times faster than real time (default 1); 0 sends it as fast as possible. */
        public Builder pace(double pace) {
            if (pace < 0 || Double.isNaN(pace)) {
                throw new IllegalArgumentException("pace : " + pace + " (expected: >= 0)");
            }
            this.pace = pace;
            return this;
        }

        /** Up to this many ms of random extra delay before each audio delta (default 0). */
        public Builder jitterMs(int jitterMs) {
            if (jitterMs < 0) {
                throw new IllegalArgumentException("jitterMs : " + jitterMs + " (expected: >= 0)");
            }
            this.jitterMs = jitterMs;
            return this;
        }

        /** Seed of the jitter (default 42): same seed, same delays. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Session limit announced in {@code expires_at} and enforced (default 30 min). */
        public Builder sessionDuration(Duration sessionDuration) {
            this.sessionDuration = Objects.requireNonNull(sessionDuration, "sessionDuration");
            return this;
        }

        /** Faults for every connection that does not ask for its own (default none). */
        public Builder faults(Faults faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /**
         * Print a line per connection, per server event and per close frame, sent or received, with its code and
         * reason (default off). Event types are the connection's dialect's own wire names ({@code response.audio.delta}
         * on a preview connection, {@code response.output_audio.delta} on GA); keys are never printed.
         */
        public Builder log(boolean log) {
            this.log = log;
            return this;
        }

        /** Also print a line per client event, by its wire type (default off); turns {@link #log} on. */
        public Builder verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        /**
         * Every spoken response lasts this long (default 0: as long as its words): its voice loops, and its
         * deltas follow a drift-free schedule (each due at the response's start + the audio sent before it,
         * jitter added per delta without accumulating; when paced, sent on the next whole millisecond, at most 1 ms
         * late, so that one wake-up sends every session's delta due in it). For load tests: one response keeps a
         * session talking.
         * The item then keeps only the first loop of its audio.
         */
        public Builder monologue(Duration length) {
            long ms = length.toMillis();
            if (ms < 0 || ms > MAX_MONOLOGUE_MS) {
                throw new IllegalArgumentException("monologue : " + length + " (expected: 0..10000 s)");
            }
            this.monologueMs = (int) ms;
            return this;
        }

        /**
         * Stamps each audio delta (default off): its {@code event_id} ends with {@code _<seq>_<dueMicros>_<sentMicros>},
         * the delta's number in its response (from 0), when it was due and when it was written, in microseconds
         * since the Unix epoch; the delta's audio starts with the same three numbers, little-endian longs (24 bytes), for
         * a client that reads the audio and not the event. A client on the same machine reads delivery latency and loss from it.
         */
        public Builder stampAudio(boolean stampAudio) {
            this.stampAudio = stampAudio;
            return this;
        }

        /**
         * The web pages that may connect, by the {@code Origin} header a browser sends: exact origins
         * ({@code scheme://host[:port]}, e.g. {@code https://app.example:8443}); {@code "*"} allows any page, none
         * allows no page. A page of another origin gets HTTP 403 before the upgrade; a request without
         * {@code Origin} (not a browser page: a program) is not judged by it. Default: pages of this machine,
         * {@code http://} or {@code https://} {@code localhost}, {@code 127.0.0.1} or {@code [::1]} on any port —
         * else any site the user visits could drive the emulator, which accepts any key by default.
         */
        public Builder allowedOrigins(String... origins) {
            this.allowedOrigins = AllowedOrigins.of(List.of(origins));
            return this;
        }

        /**
         * A connection that has not completed its WebSocket upgrade (TLS included) this long after it was
         * accepted is closed (default 10 s): a client that connects and sends nothing, or its request a byte
         * at a time, holds a socket no longer.
         */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout : " + timeout + " (expected: > 0)");
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * An upgraded connection whose client sends nothing (no frame, not even a ping) for this long is closed
         * with 1001 "idle timeout" (default 5 min; {@link Duration#ZERO}: never). Pinging keeps a quiet client.
         */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout : " + timeout + " (expected: >= 0)");
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * The most TCP connections open at once, upgraded or not (default 4096); one more is closed as soon as
         * it is accepted. An accept that fails (too many open files) is logged and accepting goes on a second
         * later; the server stays up.
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections : " + maxConnections + " (expected: >= 1)");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * A client that does not read: the emulator stops reading it while more than 1 MiB written to it is
         * unsent, and closes it (1008) once more than this many bytes are (default 64 MiB, above the largest
         * frame, 24 MiB). Pending bytes per connection are held to about this.
         */
        public Builder maxPendingWriteBytes(long bytes) {
            if (bytes < 1024 * 1024) {
                throw new IllegalArgumentException("maxPendingWriteBytes : " + bytes + " (expected: >= 1048576)");
            }
            this.maxPendingWriteBytes = bytes;
            return this;
        }

        /**
         * The time source ephemeral keys ({@code POST /v1/realtime/client_secrets}) are minted and expire by (default
         * the system clock): a test moves a clock of its own past a key's expiry instead of waiting for it.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How the model sounds: its transcript rendered as PCM16 little-endian mono at
         * {@value SyntheticVoice#SAMPLE_RATE_HZ} Hz (default {@link SyntheticVoice#speak}, one tone per word). A test
         * that needs real speech (an echo canceller's, which a tone per word does not exercise) renders it
         * beforehand: this runs on the connection's event loop and must not block.
         */
        public Builder voice(java.util.function.Function<String, byte[]> voice) {
            this.voice = Objects.requireNonNull(voice, "voice");
            return this;
        }

        /** Binds and starts serving; the returned emulator is listening. */
        public RealtimeEmulator start() {
            EmulatorSettings settings = new EmulatorSettings(apiKey, responder, deltaMs, pace, jitterMs, seed, sessionDuration,
                    faults, log || verbose, verbose, monologueMs, stampAudio, allowedOrigins,
                    handshakeTimeout, idleTimeout, maxConnections, maxPendingWriteBytes,
                    new ClientSecretStore(clock, ClientSecretStore.DEFAULT_MAX_LIVE),
                    new CallRegistry(webhook, webhookSecret, clock, line -> {
                        if (log || verbose) {
                            System.out.println("[rtvoice-emulator] " + line);
                        }
                    }), voice);
            EmulatorStats stats = new EmulatorStats();
            SslContext ssl = tlsCertificateChain != null ? serverSsl(tlsCertificateChain, tlsPrivateKey) : serverSsl(tls);
            ConnectionCap cap = new ConnectionCap(maxConnections, stats, log);
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            try {
                Channel server = new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .handler(new AcceptErrors(stats))
                        // Unwritable past 1 MiB unsent, writable again below 256 KiB: the connection stops reading meanwhile.
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(cap);
                                HandshakeHandler.initialize(ch, ssl, settings, stats);
                            }
                        })
                        .bind(host, port).syncUninterruptibly().channel();
                return new RealtimeEmulator(group, server, ssl != null ? "wss" : "ws", host, stats, settings.calls());
            } catch (Exception e) { // Netty throws a failed bind's BindException although it is checked
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw e;
            }
        }
    }

    /** Without a name lookup: {@code localhost} or a loopback address literal. */
    private static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.startsWith("[") && !h.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return false;
        }
        try {
            return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static SslContext serverSsl(Path certificateChainPem, Path privateKeyPem) {
        try {
            return SslContextBuilder.forServer(certificateChainPem.toFile(), privateKeyPem.toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            // Netty names the file it could not read or parse; the key's contents never reach the message.
            throw new IllegalArgumentException("cannot serve TLS with certificate " + certificateChainPem + " and key "
                    + privateKeyPem + ": " + e.getMessage(), e);
        }
    }

    private static SslContext serverSsl(KeyManagerFactory keyManagers) {
        if (keyManagers == null) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(keyManagers).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot serve TLS with these keys: " + e.getMessage(), e);
        }
    }
}
