package io.rtvoice.relay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtvoice.AuthenticationException;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.relay.RelaySessionSummary;
import io.rtvoice.transport.TransportException;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SpeechEvent;
import io.rtvoice.voice.TranscriptLine;
import io.rtvoice.voice.VoiceSession;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * One page's voice chat: the page's WebSocket on one side, a {@link VoiceSession} on the relay's client on the
 * other. The page speaks a small protocol of its own (docs/browser.md): binary messages are PCM16 audio both
 * ways; text messages are JSON controls — from the page {@code start}, {@code played}, {@code cleared},
 * {@code stop}; to it {@code ready}, {@code transcript}, {@code speech_started}, {@code speech_stopped},
 * {@code latency}, {@code interruption}, {@code turn_done}, {@code clear}, {@code error}, {@code ended}.
 * The page never sees a key: the relay's client holds it.
 */
public final class PageSession {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long an ended session's socket may take to send what is queued and its close frame before it is cut. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final String id;
    private final RelaySettings settings;
    private final Consumer<RelaySessionSummary> ended;
    private final long startedNanos = System.nanoTime();
    // Many threads send (the playback thread, the client's events, the inbound socket): an MPSC queue
    // drained by the socket; byte[] and String are turned into frames only as the socket takes them, so none leaks.
    private final Sinks.Many<Object> outbound = Sinks.unsafe().many().unicast()
            .onBackpressureBuffer(Queues.unboundedMultiproducer().get());
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean ending = new AtomicBoolean();
    private final AtomicBoolean startRequested = new AtomicBoolean();
    private final Disposable.Composite running = Disposables.composite();
    private final List<Long> voiceToVoiceMicros = new CopyOnWriteArrayList<>();
    private final AtomicLong turns = new AtomicLong();
    private final AtomicLong rejectedMessages = new AtomicLong();
    private final AtomicLong audioInSamples = new AtomicLong();

    private volatile Conversation conversation;
    private volatile VoiceSession voice;
    private volatile PagePlayback playback;
    private volatile Resampler micResampler;
    private volatile boolean started;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile Connection connection;
    private volatile int closeCode = 1000;
    private volatile String closeReason = "";

    public PageSession(String id, RelaySettings settings, Consumer<RelaySessionSummary> ended) {
        this.id = id;
        this.settings = settings;
        this.ended = ended;
    }

    /**
     * Runs the session over the page's socket; completes when the socket is done with. The inbound side is never
     * cancelled (that would drop the connection without a close frame): it runs until the page's socket closes.
     */
    public Mono<Void> run(WebsocketInbound in, WebsocketOutbound out) {
        out.withConnection(c -> connection = c);
        in.aggregateFrames(settings.maxMessageBytes()).receiveFrames().subscribe(this::onFrame,
                e -> end("page socket failed", 1011, "socket error"), () -> end("page closed", 1000, "closed"));
        long idleNanos = settings.idleTimeout().toNanos();
        running.add(Flux.interval(settings.idleTimeout().dividedBy(4).plusMillis(1))
                .filter(t -> System.nanoTime() - lastHeardNanos > idleNanos)
                .subscribe(t -> end("idle", 1001, "idle")));
        return out.sendObject(outbound.asFlux().map(this::frame)).then()
                .then(Mono.defer(() -> out.sendClose(closeCode, closeReason)))
                .onErrorResume(e -> Mono.empty())
                .doFinally(s -> end("page gone", 1001, "gone"));
    }

    private WebSocketFrame frame(Object message) {
        if (message instanceof byte[] bytes) {
            pendingBytes.addAndGet(-bytes.length);
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
        }
        String text = (String) message;
        pendingBytes.addAndGet(-text.length());
        return new TextWebSocketFrame(text);
    }

    private void send(Object message) {
        long size = message instanceof byte[] bytes ? bytes.length : ((String) message).length();
        // Queued here, plus what the socket holds beyond its low-water mark: the socket takes every frame it is
        // handed, writable or not, so this side's queue alone would never fill.
        Connection c = connection;
        long unsent = c == null ? 0 : c.channel().bytesBeforeWritable();
        if (pendingBytes.addAndGet(size) + unsent > settings.maxQueuedBytes()) {
            pendingBytes.addAndGet(-size);
            end("page does not read", 1008, "not reading");
            cut(); // what is queued would never drain, nor a close frame behind it
            return;
        }
        if (outbound.tryEmitNext(message).isFailure()) {
            pendingBytes.addAndGet(-size);
        }
    }

    private void sendJson(ObjectNode message) {
        send(message.toString());
    }

    private void onFrame(WebSocketFrame frame) {
        lastHeardNanos = System.nanoTime();
        if (ending.get()) {
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            onAudio(frame.content());
        } else if (frame instanceof TextWebSocketFrame text) {
            onControl(text.text());
        }
    }

    private void onAudio(ByteBuf content) {
        VoiceSession session = voice;
        if (!started || session == null) {
            reject("audio before the session is ready: sent when the relay says ready");
            return;
        }
        int bytes = content.readableBytes();
        if (bytes % 2 != 0) {
            reject("audio is PCM16: " + bytes + " bytes is not a whole number of samples");
            return;
        }
        byte[] pcm16 = ByteBufUtil.getBytes(content);
        audioInSamples.addAndGet(bytes / 2);
        Resampler resampler = micResampler;
        if (resampler != null) { // only when the page could not run at the session's rate: the usual frame is sent as it came
            short[] samples = Pcm.toShorts(pcm16);
            short[] out = new short[resampler.maxOutput(samples.length)];
            pcm16 = Pcm.toBytes(java.util.Arrays.copyOf(out, resampler.process(samples, 0, samples.length, out, 0)));
        }
        try {
            session.send(pcm16);
        } catch (IllegalStateException over) {
            // the session is ending
        }
    }

    private void onControl(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (Exception malformed) {
            reject("not JSON: a control message is a JSON object with a type");
            return;
        }
        String type = message == null ? "" : message.path("type").asText("");
        switch (type) {
            case "start" -> start(message);
            case "played" -> {
                PagePlayback end = playback;
                if (end != null) {
                    end.played(message.path("frames").asLong(0));
                }
            }
            case "cleared" -> {
                PagePlayback end = playback;
                if (end != null) {
                    end.cleared(message.path("played").asLong(0));
                }
            }
            case "stop" -> end("stopped by the page", 1000, "stopped");
            default -> reject("unknown message type '" + truncate(type) + "'");
        }
    }

    private void reject(String why) {
        rejectedMessages.incrementAndGet();
        sendJson(JSON.createObjectNode().put("type", "error").put("message", why));
    }

    private static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private void start(JsonNode message) {
        if (!startRequested.compareAndSet(false, true)) {
            reject("the session has already started");
            return;
        }
        int pageRate = message.path("sampleRate").asInt(RealtimeAudioFormat.PCM_RATE_HZ);
        if (pageRate < 8_000 || pageRate > 96_000) {
            reject("sampleRate " + pageRate + " is out of range (8000..96000)");
            end("bad start", 1008, "bad start");
            return;
        }
        SessionConfig config;
        try {
            config = SessionChoice.of(settings.session(), settings.pageMaySetSession(), message);
        } catch (IllegalArgumentException bad) {
            reject(bad.getMessage());
            end("bad start", 1008, "bad start");
            return;
        }
        LocalVad localVad = settings.localVad();
        if (localVad != null) {
            // The relay takes the turns: the page's VAD choice is not used; the relay's configuration may still turn
            // the server's on (then the detector only interrupts).
            SessionConfig relay = settings.session();
            config = config.toBuilder().turnDetection(relay == null ? null : relay.turnDetection()).build();
        }
        PagePlayback end = new PagePlayback(pageRate, settings.playbackLead(), Duration.ofSeconds(1),
                Duration.ofMillis(300), new PagePlayback.Page() {
                    @Override
                    public void audio(byte[] pcm16) {
                        send(pcm16);
                    }

                    @Override
                    public void clear() {
                        sendJson(JSON.createObjectNode().put("type", "clear"));
                    }
                });
        end.pageLatency(Duration.ofNanos((long) (message.path("outputLatencyMs").asDouble(0) * 1_000_000)));
        playback = end;
        RealtimeClient client = settings.client();
        SessionConfig finalConfig = config;
        running.add(Conversation.connect(client).flatMap(c -> {
            conversation = c;
            VoiceSession.Builder voiceBuilder = VoiceSession.builder().conversation(c).output(end).session(finalConfig);
            if (localVad != null) {
                voiceBuilder.localVad(localVad);
            }
            VoiceSession session = voiceBuilder.build();
            voice = session;
            watch(c, session);
            return settings.setup().start(id, c, session);
        }).subscribe(session -> {
            int wireRate = session.inputFormat().sampleRateHz();
            micResampler = pageRate == wireRate ? null : Resampler.create(pageRate, wireRate);
            started = true;
            sendJson(JSON.createObjectNode().put("type", "ready").put("session", id)
                    .put("sampleRate", pageRate).put("wireRate", wireRate));
        }, e -> {
            reject(refusedCredentials(e) ? "the service refused the relay's credentials"
                    : "could not reach the service: " + e.getClass().getSimpleName());
            end("upstream failed", 1011, "upstream failed");
        }));
    }

    private static boolean refusedCredentials(Throwable e) {
        return e instanceof AuthenticationException
                || e instanceof TransportException t && (t.httpStatus() == 401 || t.httpStatus() == 403);
    }

    /** Forwards what the page shows: transcripts, speech, latency, interruptions, turns, errors. */
    private void watch(Conversation c, VoiceSession session) {
        running.add(session.transcripts().subscribe(this::transcript));
        running.add(session.latency().subscribe(this::latency));
        running.add(session.interruptions().subscribe(cut -> sendJson(JSON.createObjectNode().put("type", "interruption")
                .put("itemId", cut.itemId()).put("playedMs", cut.playedMillis()).put("receivedMs", cut.receivedMillis())
                .put("deleted", cut.deleted()))));
        // With local VAD the page hears the detector's turns (the server's may not come, or come later).
        boolean localTurns = settings.localVad() != null;
        running.add(session.speech().subscribe(speech -> sendJson(JSON.createObjectNode()
                .put("type", speech.kind() == SpeechEvent.Kind.STARTED ? "speech_started" : "speech_stopped"))));
        running.add(c.events().subscribe(event -> {
            if (event instanceof ServerEvent.InputAudioBufferSpeechStarted && !localTurns) {
                sendJson(JSON.createObjectNode().put("type", "speech_started"));
            } else if (event instanceof ServerEvent.InputAudioBufferSpeechStopped && !localTurns) {
                sendJson(JSON.createObjectNode().put("type", "speech_stopped"));
            } else if (event instanceof ServerEvent.ResponseDone done) {
                turns.incrementAndGet();
                sendJson(JSON.createObjectNode().put("type", "turn_done")
                        .put("status", done.response() == null ? null : done.response().status()));
            } else if (event instanceof ServerEvent.Error error && error.error() != null) {
                sendJson(JSON.createObjectNode().put("type", "error").put("message", "service: " + error.error().message()));
            }
        }, e -> end("upstream failed", 1011, "upstream failed"), () -> end("upstream ended", 1000, "upstream ended")));
    }

    private void transcript(TranscriptLine line) {
        sendJson(JSON.createObjectNode().put("type", "transcript")
                .put("speaker", line.speaker().name().toLowerCase(Locale.ROOT)).put("itemId", line.itemId())
                .put("text", line.text()).put("done", line.done()));
    }

    private void latency(LatencySample sample) {
        if (sample.kind() == LatencySample.Kind.VOICE_TO_VOICE) {
            voiceToVoiceMicros.add(sample.value().toNanos() / 1_000);
        }
        sendJson(JSON.createObjectNode().put("type", "latency").put("kind", sample.kind().name().toLowerCase(Locale.ROOT))
                .put("ms", sample.value().toNanos() / 1e6).put("responseId", sample.responseId()));
    }

    /** Ends both sides once: the voice session (and so the service's), then the page's socket with {@code code}. */
    void end(String why, int code, String reason) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        closeCode = code;
        closeReason = reason;
        running.dispose();
        VoiceSession session = voice;
        Mono<Void> upstream = session != null ? session.closeGracefully()
                : conversation != null ? conversation.closeGracefully() : Mono.empty();
        if (session == null && playback != null) {
            playback.close();
        }
        upstream.onErrorResume(e -> Mono.empty()).doFinally(s -> {
            sendJson(JSON.createObjectNode().put("type", "ended").put("reason", why));
            outbound.tryEmitComplete();
            ended.accept(summary(why));
            // A page that reads slowly or not at all must not hold its place, nor what is queued for it, for ever.
            Mono.delay(CLOSE_GRACE).subscribe(t -> cut());
        }).subscribe(null, e -> { });
    }

    /** Closes the page's connection now, without a close frame; what was queued for it is dropped. */
    private void cut() {
        Connection c = connection;
        if (c != null) {
            c.dispose();
        }
    }

    /** Ends the session because the relay is shutting down. */
    public void shutDown() {
        end("relay shutting down", 1001, "going away");
    }

    private RelaySessionSummary summary(String why) {
        Duration lasted = Duration.ofNanos(System.nanoTime() - startedNanos);
        PagePlayback end = playback;
        long[] sorted = voiceToVoiceMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        return new RelaySessionSummary(id, lasted, (int) turns.get(), percentile(sorted, 50), percentile(sorted, 95),
                Duration.ofMillis(audioInSamples.get() * 1000 / Math.max(1, end == null ? 24_000 : end.format().sampleRate())),
                Duration.ofMillis(end == null ? 0 : end.playedFrames() * 1000 / end.format().sampleRate()),
                rejectedMessages.get(), why);
    }

    /** Nearest-rank percentile, or null without samples. */
    private static Duration percentile(long[] sortedMicros, int p) {
        if (sortedMicros.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedMicros.length);
        return Duration.ofNanos(sortedMicros[Math.max(0, rank - 1)] * 1_000);
    }
}
