package io.rtvoice.telephony.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.telephony.CallEvent;
import io.rtvoice.telephony.CallMetrics;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.SpeechEvent;
import io.rtvoice.voice.VoiceSession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.util.concurrent.Queues;

/**
 * One carrier media stream: the carrier's WebSocket on one side, a {@link VoiceSession} on the other. What is common
 * to every carrier lives here — the outbound queue, the idle watchdog, the voice session's start and end, events and
 * figures; a subclass speaks its carrier's messages ({@link TwilioStream}, {@link AcsStream}).
 *
 * <p>Carriers have no error message to answer with: a message that cannot be used (not JSON, an unknown event,
 * audio before the stream's start, bad base64) is counted ({@link CallMetrics#rejected()}) and dropped, and the
 * stream goes on. A binary frame is one too: both carriers speak JSON text.
 */
public abstract class StreamSession {

    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger("io.rtvoice.telephony");
    /** How long an ended stream's socket may take to send what is queued and its close frame before it is cut. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final String carrier;
    protected final StreamSettings settings;
    private final long startedNanos = System.nanoTime();
    // Many threads send (the playback thread, the event loop): an MPSC queue drained by the socket.
    private final Sinks.Many<String> outbound = Sinks.unsafe().many().unicast()
            .onBackpressureBuffer(Queues.<String>unboundedMultiproducer().get());
    private final AtomicLong pendingBytes = new AtomicLong();
    private final Sinks.Empty<Void> hungUp = Sinks.empty();
    private final AtomicBoolean ending = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final Disposable.Composite running = Disposables.composite();
    private final List<Long> voiceToVoiceMicros = new CopyOnWriteArrayList<>();
    private final AtomicInteger turns = new AtomicInteger();
    private final AtomicInteger bargeIns = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong audioIn = new AtomicLong();
    private final AtomicLong dtmfIn = new AtomicLong();
    private volatile String callId;
    private volatile StreamCapture capture;
    private volatile StreamPlayback playback;
    private volatile VoiceSession voice;
    private volatile Conversation conversation;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long speechStartedNanos;
    private volatile long clearedNanos;
    private volatile int closeCode = 1000;
    private volatile Connection connection;

    protected StreamSession(String carrier, String provisionalId, StreamSettings settings) {
        this.carrier = carrier;
        this.callId = provisionalId;
        this.settings = settings;
    }

    /**
     * Runs the stream over the carrier's socket; completes when the socket is done with. The inbound side is never
     * cancelled (that would drop the connection without a close frame): it runs until the carrier closes it.
     */
    public Mono<Void> run(WebsocketInbound in, WebsocketOutbound out) {
        out.withConnection(c -> connection = c);
        in.aggregateFrames(settings.maxMessageBytes()).receiveFrames().subscribe(this::onFrame,
                e -> end("caller", "the stream's socket failed", 1011),
                () -> end("caller", "the carrier closed the stream", 1000));
        long idleNanos = settings.idleTimeout().toNanos();
        running.add(Flux.interval(settings.idleTimeout().dividedBy(4).plusMillis(1))
                .filter(t -> System.nanoTime() - lastHeardNanos > idleNanos)
                .subscribe(t -> end("gateway", "idle", 1001)));
        return out.sendObject(outbound.asFlux().map(this::frame)).then()
                .then(Mono.defer(() -> out.sendClose(closeCode, "")))
                .onErrorResume(e -> Mono.empty())
                .doFinally(s -> end("caller", "the stream's socket closed", 1001));
    }

    private void onFrame(WebSocketFrame frame) {
        lastHeardNanos = System.nanoTime();
        if (ending.get()) {
            return;
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            reject("a binary frame: the stream speaks JSON text");
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(text.text());
        } catch (Exception malformed) {
            reject("not JSON");
            return;
        }
        if (message == null || !message.isObject()) {
            reject("not a JSON object");
            return;
        }
        onMessage(message);
    }

    /** A JSON message from the carrier, on the socket's event loop: never waits. */
    protected abstract void onMessage(JsonNode message);

    /** Counts and drops a message that cannot be used. */
    protected final void reject(String why) {
        rejected.incrementAndGet();
        LOG.log(System.Logger.Level.DEBUG, () -> carrier + " stream " + callId + ": message dropped, " + why);
    }

    private TextWebSocketFrame frame(String json) {
        pendingBytes.addAndGet(-json.length());
        return new TextWebSocketFrame(json);
    }

    /**
     * Queues a message to the carrier. A carrier that stops reading while it goes on sending (so that the idle
     * watchdog never fires) is cut once what waits for it passes {@link StreamSettings#maxQueuedBytes()}.
     */
    protected final void send(String json) {
        // Queued here, plus what the socket holds beyond its low-water mark: the socket takes every frame it is
        // handed, writable or not, so this side's queue alone would never fill.
        Connection c = connection;
        long unsent = c == null ? 0 : c.channel().bytesBeforeWritable();
        if (pendingBytes.addAndGet(json.length()) + unsent > settings.maxQueuedBytes()) {
            pendingBytes.addAndGet(-json.length());
            end("gateway", "the carrier does not read", 1008);
            cut(); // what is queued would never drain, nor a close frame behind it
            return;
        }
        if (outbound.tryEmitNext(json).isFailure()) {
            pendingBytes.addAndGet(-json.length());
        }
    }

    /** Closes the carrier's connection now, without a close frame; what was queued for it is dropped. */
    private void cut() {
        Connection c = connection;
        if (c != null) {
            c.dispose();
        }
    }

    protected final boolean hasStarted() {
        return started.get();
    }

    protected final StreamCapture capture() {
        return capture;
    }

    protected final StreamPlayback playback() {
        return playback;
    }

    /** The caller's audio, already PCM16 at the stream's rate. */
    protected final void audio(short[] pcm) {
        StreamCapture in = capture;
        if (in != null) {
            audioIn.incrementAndGet();
            in.received(pcm);
        }
    }

    /** A key the caller pressed. */
    protected final void dtmf(char digit) {
        dtmfIn.incrementAndGet();
        settings.events().accept(new CallEvent.Dtmf(callId, digit));
    }

    /**
     * The carrier started the stream: opens the voice session, whose audio is {@code wire} both ways, with a capture
     * and a playback end at {@code rate}. Returns false (and does nothing) when the stream had already started.
     */
    protected final boolean start(String id, String streamId, String encoding, int rate, RealtimeAudioFormat wire,
            boolean acknowledged, Map<String, String> parameters, StreamPlayback.Carrier far) {
        if (!started.compareAndSet(false, true)) {
            return false;
        }
        callId = id;
        SessionConfig base = settings.session();
        SessionConfig config = (base == null ? SessionConfig.builder() : base.toBuilder())
                .inputAudioFormat(wire).outputAudioFormat(wire).build();
        capture = new StreamCapture(rate);
        playback = new StreamPlayback(rate, acknowledged, settings.playbackLead(), Duration.ofSeconds(1),
                new StreamPlayback.Carrier() {
                    @Override
                    public void audio(short[] samples, int offset, int length) {
                        far.audio(samples, offset, length);
                    }

                    @Override
                    public void mark(String name) {
                        far.mark(name);
                    }

                    @Override
                    public void clear() {
                        clearedNanos = System.nanoTime();
                        far.clear();
                    }
                });
        running.add(Conversation.connect(settings.client()).flatMap(c -> {
            conversation = c;
            VoiceSession.Builder voiceBuilder = VoiceSession.builder().conversation(c).input(capture).output(playback).session(config);
            if (settings.localVad() != null) {
                voiceBuilder.localVad(settings.localVad());
            }
            VoiceSession session = voiceBuilder.build();
            voice = session;
            watch(c, session);
            return settings.setup().start(id, c, session);
        }).subscribe(session -> settings.events().accept(new CallEvent.StreamStarted(id, carrier, streamId, encoding, rate,
                parameters)), failed -> end("service", "the Realtime session did not start: " + failed.getClass().getSimpleName(),
                1011)));
        return true;
    }

    private void watch(Conversation c, VoiceSession session) {
        running.add(c.events().subscribe(event -> {
            if (event instanceof ServerEvent.ResponseDone) {
                turns.incrementAndGet();
            } else if (event instanceof ServerEvent.InputAudioBufferSpeechStarted && settings.localVad() == null) {
                speechStartedNanos = System.nanoTime();
            }
        }, e -> end("service", "the Realtime session failed", 1011), () -> end("service", "the Realtime session ended", 1000)));
        // With local VAD the barge-in starts at the detector's start (the server may say nothing, or say it later).
        running.add(session.speech().subscribe(speech -> {
            if (speech.kind() == SpeechEvent.Kind.STARTED) {
                speechStartedNanos = System.nanoTime();
            }
        }));
        running.add(session.latency().subscribe(sample -> {
            if (sample.kind() == LatencySample.Kind.VOICE_TO_VOICE) {
                voiceToVoiceMicros.add(sample.value().toNanos() / 1_000);
            }
        }));
        running.add(session.interruptions().subscribe(cut -> {
            bargeIns.incrementAndGet();
            settings.events().accept(new CallEvent.BargeIn(callId, cut.itemId(), cut.playedMillis(),
                    Duration.ofNanos(Math.max(0, clearedNanos - speechStartedNanos))));
        }));
    }

    /**
     * Ends both sides once: the voice session (and so the service's), then the carrier's socket with {@code code}.
     *
     * @param by {@code caller} (the carrier stopped or closed the stream), {@code gateway} (idle, shutdown, a bad
     *           start) or {@code service}
     */
    protected final void end(String by, String reason, int code) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        closeCode = code;
        running.dispose();
        VoiceSession session = voice;
        Mono<Void> upstream = session != null ? session.closeGracefully()
                : conversation != null ? conversation.closeGracefully() : Mono.empty();
        if (session == null) {
            if (playback != null) {
                playback.close();
            }
            if (capture != null) {
                capture.close();
            }
        }
        upstream.onErrorResume(e -> Mono.empty()).doFinally(s -> {
            outbound.tryEmitComplete();
            CallEvent.HungUp hungUp = new CallEvent.HungUp(callId, by, reason, metrics());
            LOG.log(System.Logger.Level.INFO, () -> carrier + " stream " + hungUp);
            settings.events().accept(hungUp);
            this.hungUp.tryEmitEmpty();
            // A carrier that reads slowly or not at all must not hold its place, nor what is queued for it, for ever.
            Mono.delay(CLOSE_GRACE).subscribe(t -> cut());
        }).subscribe(null, e -> { });
    }

    /** Completes once the stream has ended and its {@link CallEvent.HungUp} is out. */
    public Mono<Void> hungUp() {
        return hungUp.asMono();
    }

    /** Ends the stream because the server is shutting down. */
    public void shutDown() {
        end("gateway", "the server is shutting down", 1001);
    }

    private CallMetrics metrics() {
        StreamPlayback out = playback;
        long[] sorted = voiceToVoiceMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        return new CallMetrics(Duration.ofNanos(System.nanoTime() - startedNanos), audioIn.get(), out == null ? 0 : out.chunks(),
                0, 0, 0, rejected.get(), dtmfIn.get(), turns.get(), bargeIns.get(), Percentiles.of(sorted, 50), Percentiles.of(sorted, 95));
    }
}
