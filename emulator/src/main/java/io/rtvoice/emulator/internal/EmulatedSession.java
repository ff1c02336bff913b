package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.Faults;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ConversationInfo;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.RateLimit;
import io.rtvoice.event.RealtimeError;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One emulated Realtime session: the service's behaviour for one connection, in one dialect. It owns the
 * session's configuration, its lifecycle and the events it sends (ids, errors, the fault plan), and hands
 * each client event to the part whose job it is:
 * <pre>
 *   frame ─▶ EmulatedSession ─┬─▶ InputAudioBuffer   append, commit, clear, server VAD
 *            session.update   ├─▶ ConversationItems  conversation.item.*
 *                             └─▶ Responses          response.create / cancel ─▶ ResponseRun
 * </pre>
 * The parts reach each other through the session ({@link #items()}, {@link #responses()}, {@link #input()}).
 * A transcription session ({@code ?intent=transcription}) has the input buffer and its transcription only:
 * it starts as {@code type: "transcription"}, takes only that type's settings, and never responds.
 * Not thread-safe: everything runs on the connection's event loop.
 */
final class EmulatedSession {

    private final EmulatorSettings settings;
    private final Dialect dialect;
    private final EventCodec codec;
    private final Faults faults;
    /** The client's key, held only for the {@code echo_key_after} fault; otherwise {@code null}. */
    private final String keyToEcho;
    private final Outbound out;
    private final String tag;
    /** {@link #tag} without its dash, as ids carry it. */
    private final String tagName;
    /** Whether this is a transcription-only session: no responses, ever. */
    private final boolean transcription;
    /** The SIP call this session answers (its sideband connection), or {@code null}. */
    private final EmulatedCall call;
    private SyntheticCaller caller;
    /** On a call: the response whose audio the caller is hearing ({@code output_audio_buffer.started} sent), or {@code null}. */
    private String playing;

    private SessionConfig config;
    private final ConversationItems items = new ConversationItems(this);
    private final InputAudioBuffer input = new InputAudioBuffer(this);
    private final Responses responses = new Responses(this);
    private final McpTools mcp = new McpTools(this);

    private long sequence;
    private long eventsSent;
    private boolean stalled;
    private boolean closed;
    private ScheduledFuture<?> expiry;
    private final java.util.Random jitter;

    /**
     * A session for one connection; {@code minted} is the configuration of the ephemeral key it was opened with, or
     * of the call it answers (applied over the defaults, its model first), or {@code null}; {@code call} is the SIP
     * call whose sideband connection this is, or {@code null}.
     */
    EmulatedSession(EmulatorSettings settings, Dialect dialect, String model, boolean transcription, Faults faults, String keyToEcho,
            SessionConfig minted, EmulatedCall call, Outbound out, long connection) {
        this.call = call;
        this.settings = settings;
        this.dialect = dialect;
        this.codec = EventCodec.of(dialect);
        this.faults = faults;
        this.keyToEcho = keyToEcho;
        this.out = out;
        this.tag = "conn-" + connection;
        this.tagName = tag.replace("-", "");
        this.transcription = transcription;
        this.jitter = new java.util.Random(settings.seed() + connection);
        long expiresAt = System.currentTimeMillis() / 1000 + settings.sessionDuration().toSeconds();
        this.config = transcription ? SessionConfigs.initialTranscription("sess_" + tagName(), expiresAt)
                : SessionConfigs.initial(dialect, "sess_" + tagName(), minted != null && minted.model() != null ? minted.model() : model,
                        expiresAt);
        if (minted != null) {
            config = SessionConfigs.merge(config, minted);
        }
        input.turnDetection(config.turnDetection());
    }

    Dialect dialect() {
        return dialect;
    }

    /** Whether this is a transcription-only session ({@code ?intent=transcription}). */
    boolean transcription() {
        return transcription;
    }

    boolean stalled() {
        return stalled;
    }

    void binaryFrame() {
        error(null, "invalid_request_error", "invalid_event", "Binary frames are not supported: send JSON text frames.", null);
    }

    String tagName() {
        return tagName;
    }

    /** The default conversation's id, the same in {@code conversation.created} and every {@code response.conversation_id}. */
    String conversationId() {
        return "conv_" + tagName();
    }

    // ================================================================ lifecycle

    /**
     * The first events: {@code session.created}, and in preview {@code conversation.created} after it. The
     * captured GA trace (gpt-realtime, 2025-12) goes from {@code session.created} straight to the client's
     * {@code session.updated}, with no {@code conversation.created}; the beta spec has it "emitted right after
     * session creation", and beta clients logged it.
     */
    void start() {
        if (transcription && dialect == Dialect.PREVIEW) {
            // The beta announced a transcription session with its own event (openai-python's beta types).
            emit(new ServerEvent.TranscriptionSessionCreated(nextEventId(), config));
        } else {
            emit(new ServerEvent.SessionCreated(nextEventId(), config));
        }
        if (dialect == Dialect.PREVIEW && !transcription) {
            emit(new ServerEvent.ConversationCreated(nextEventId(), new ConversationInfo(conversationId(), "realtime.conversation")));
        }
        if (!transcription) {
            mcp.configured(config.tools()); // a session opened with an ephemeral key may come with MCP servers to list
        }
        if (call != null) {
            if (!call.attach(this)) {
                closed = true;
                out.close(1008, "the call has another sideband connection, or is over");
                return;
            }
            caller = new SyntheticCaller(call, this);
            caller.start();
        }
        long expireMs = faults.sessionExpiry() != null ? faults.sessionExpiry().toMillis() : settings.sessionDuration().toMillis();
        expiry = out.executor().schedule(this::expire, expireMs, TimeUnit.MILLISECONDS);
    }

    void closed() {
        closed = true;
        if (call != null) {
            if (caller != null) {
                caller.stop();
            }
            call.detach(this);
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
        responses.stop();
        mcp.close();
    }

    /** The call ended (hung up, referred, or the caller hung up): the sideband connection closes, normally. */
    void callEnded(String reason) {
        if (closed) {
            return;
        }
        log("call " + call.id() + " over: " + reason);
        if (caller != null) {
            caller.stop();
        }
        responses.stop();
        closed = true;
        out.close(1000, reason);
    }

    private void expire() {
        if (closed) {
            return;
        }
        long minutes = Math.max(1, settings.sessionDuration().toMinutes());
        error(null, "invalid_request_error", "session_expired", "Your session hit the maximum duration of " + minutes + " minutes.", null);
        closed = true;
        out.close(1001, "session_expired");
    }

    // ================================================================ inbound

    void onFrame(byte[] frame) {
        if (settings.verbose()) {
            log("<- " + WireJson.typeOf(frame));
        }
        ClientEvent event;
        try {
            event = codec.decodeClientEvent(frame);
        } catch (EventDecodeException e) {
            String message = switch (e.reason()) {
                case MISSING_TYPE -> "The 'type' field is missing.";
                case MALFORMED_JSON -> "Invalid JSON: " + e.getMessage();
                default -> e.getMessage();
            };
            error(null, "invalid_request_error", "invalid_event", message, e.field());
            return;
        }
        try {
            dispatch(event, frame);
        } catch (IllegalArgumentException e) {
            error(event.eventId(), "invalid_request_error", "invalid_value", e.getMessage(), null);
        }
    }

    private void dispatch(ClientEvent event, byte[] frame) {
        if (event instanceof ClientEvent.SessionUpdate u && transcription && dialect == Dialect.PREVIEW) {
            error(u.eventId(), "invalid_request_error", "invalid_event",
                    "A preview transcription session is configured with 'transcription_session.update'.", "type");
        } else if (event instanceof ClientEvent.SessionUpdate u) {
            sessionUpdate(u, frame);
        } else if (event instanceof ClientEvent.InputAudioBufferAppend a) {
            input.append(a);
        } else if (event instanceof ClientEvent.InputAudioBufferCommit c) {
            input.commit(c.eventId());
        } else if (event instanceof ClientEvent.InputAudioBufferClear) {
            input.clear();
        } else if (event instanceof ClientEvent.ConversationItemCreate c) {
            items.create(c);
        } else if (event instanceof ClientEvent.ConversationItemRetrieve r) {
            items.retrieve(r);
        } else if (event instanceof ClientEvent.ConversationItemDelete d) {
            items.delete(d);
        } else if (event instanceof ClientEvent.ConversationItemTruncate t) {
            items.truncate(t);
        } else if (transcription && (event instanceof ClientEvent.ResponseCreate || event instanceof ClientEvent.ResponseCancel)) {
            // No capture shows the service's answer; an event type the session does not take is invalid_event, as an unknown one is.
            error(event.eventId(), "invalid_request_error", "invalid_event", "'" + event.type()
                    + "' is not supported in transcription sessions: they transcribe input audio and never respond.", "type");
        } else if (event instanceof ClientEvent.ResponseCreate c) {
            responses.create(c);
        } else if (event instanceof ClientEvent.ResponseCancel c) {
            responses.cancel(c);
        } else if (event instanceof ClientEvent.OutputAudioBufferClear && call != null) {
            // The caller stops hearing the response; the response itself goes on unless the client cancelled it (as the spec asks).
            if (playing != null) {
                String cleared = playing;
                playing = null;
                emit(new ServerEvent.OutputAudioBufferCleared(nextEventId(), cleared));
            }
        } else if (event instanceof ClientEvent.OutputAudioBufferClear c) {
            error(c.eventId(), "invalid_request_error", "invalid_event",
                    "output_audio_buffer.clear is only supported for WebRTC and SIP connections.", null);
        } else if (event instanceof ClientEvent.TranscriptionSessionUpdate u) {
            config = SessionConfigs.merge(config, u.session());
            input.turnDetection(config.turnDetection());
            emit(new ServerEvent.TranscriptionSessionUpdated(nextEventId(), config));
        } else if (event instanceof ClientEvent.Unknown u) {
            error(u.eventId(), "invalid_request_error", "invalid_event", "Invalid value: '" + u.type()
                    + "'. Supported values are the client event types of the Realtime API.", "type");
        }
    }

    // ================================================================ session

    private void sessionUpdate(ClientEvent.SessionUpdate update, byte[] frame) {
        String unknown = unknownParameter(frame);
        if (unknown != null) {
            error(update.eventId(), "invalid_request_error", "unknown_parameter", "Unknown parameter: '" + unknown + "'.", unknown);
            return;
        }
        SessionConfig s = update.session();
        if (dialect == Dialect.GA && s.type() == null) {
            error(update.eventId(), "invalid_request_error", "missing_required_parameter",
                    "Missing required parameter: 'session.type'.", "session.type");
            return;
        }
        if (dialect == Dialect.GA && !s.type().equals(config.type())) {
            error(update.eventId(), "invalid_request_error", "invalid_value", "Invalid value: '" + s.type() + "'. This is a "
                    + config.type() + " session: " + (transcription ? "connected with intent=transcription" : "connected with a model")
                    + ", and its type cannot change.", "session.type");
            return;
        }
        if (s.voice() != null && !s.voice().equals(config.voice()) && items.assistantAudioPresent()) {
            error(update.eventId(), "invalid_request_error", "cannot_update_voice",
                    "Cannot update a conversation's voice if assistant audio is present.", "session.voice");
            return;
        }
        config = SessionConfigs.merge(config, s);
        input.turnDetection(config.turnDetection());
        emit(new ServerEvent.SessionUpdated(nextEventId(), config));
        mcp.configured(config.tools());
    }

    /** The first parameter of the raw session object this dialect does not know, as a path, or {@code null}. */
    private String unknownParameter(byte[] frame) {
        JsonNode session;
        try {
            session = WireJson.mapper().readTree(frame).path("session");
        } catch (java.io.IOException e) {
            return null; // the codec already accepted it; nothing more to say
        }
        if (dialect == Dialect.PREVIEW) {
            return firstUnknown(session, SessionConfigs.PREVIEW_SESSION_KEYS, "session");
        }
        if (transcription) {
            // RealtimeTranscriptionSessionCreateRequestGA: type, audio.input, include; nothing of a model or its output.
            String top = firstUnknown(session, SessionConfigs.GA_TRANSCRIPTION_SESSION_KEYS, "session");
            String a = top != null ? top : firstUnknown(session.path("audio"), SessionConfigs.GA_TRANSCRIPTION_AUDIO_KEYS, "session.audio");
            return a != null ? a : firstUnknown(session.path("audio").path("input"), SessionConfigs.GA_INPUT_KEYS, "session.audio.input");
        }
        return SessionConfigs.unknownGaParameter(session);
    }

    private static String firstUnknown(JsonNode object, java.util.Set<String> known, String path) {
        return SessionConfigs.firstUnknown(object, known, path);
    }

    // ================================================================ for the parts

    ConversationItems items() {
        return items;
    }

    InputAudioBuffer input() {
        return input;
    }

    Responses responses() {
        return responses;
    }

    McpTools mcp() {
        return mcp;
    }

    SessionConfig config() {
        return config;
    }

    EmulatorSettings settings() {
        return settings;
    }

    /** The faults of this connection (its own, or the emulator's default). */
    Faults faults() {
        return faults;
    }

    long jitterMs() {
        return settings.jitterMs() <= 0 ? 0 : jitter.nextInt(settings.jitterMs() + 1);
    }

    Outbound out() {
        return out;
    }

    List<RateLimit> rateLimits() {
        return List.of(new RateLimit("requests", 5000, 4999, 0.012), new RateLimit("tokens", 40000, 38490, 2.265));
    }

    static int bytesPerMs(String formatType) {
        return "audio/pcm".equals(formatType) ? 48 : 8;
    }

    // ================================================================ outbound

    /** One line of the log (with logging on), prefixed with this connection's tag. Never given a key. */
    void log(String line) {
        if (settings.log()) {
            System.out.println("[rtvoice-emulator] " + tag + " " + line);
        }
    }

    /** A close frame, received ({@code <-}) or sent ({@code ->}), for the log: code (or none) and reason. */
    void logClose(String direction, int code, String reason) {
        if (settings.log()) {
            String shown = reason == null || reason.isEmpty() ? "" : " \"" + redact(reason) + "\"";
            log(direction + " close " + (code < 0 ? "(no code)" : Integer.toString(code)) + shown);
        }
    }

    /** A close reason is free text: the configured key, or the client's for the echo fault, is not printed. */
    private String redact(String text) {
        String safe = text;
        for (String key : new String[] {settings.apiKey(), keyToEcho}) { // the echo_key_after fault closes with the key
            if (key != null && !key.isEmpty()) {
                safe = safe.replace(key, "<redacted>");
            }
        }
        return safe.replaceAll("\\p{Cntrl}", " ");
    }

    String nextEventId() {
        return nextId("event");
    }

    /** {@code prefix_connN000042}: the sequence number zero-padded to six digits, as {@code %06d} would (without its cost per delta). */
    String nextId(String prefix) {
        String number = Long.toString(++sequence);
        StringBuilder id = new StringBuilder(prefix.length() + 1 + tagName.length() + Math.max(6, number.length()));
        id.append(prefix).append('_').append(tagName);
        for (int pad = number.length(); pad < 6; pad++) {
            id.append('0');
        }
        return id.append(number).toString();
    }

    /** The codec of this session's dialect. */
    EventCodec codec() {
        return codec;
    }

    /** Whether audio deltas may go as {@link AudioDeltaFrame}s: not when a fault rewrites their audio. */
    boolean sendsEncodedAudio() {
        return !faults.invalidBase64();
    }

    /**
     * Sends an audio delta already encoded, through the fault plan as {@link #emit} would send its event; on a call's
     * sideband connection, nothing (the caller hears the audio).
     */
    void emitAudioDelta(AudioDeltaFrame frame) {
        if (call == null) {
            send(null, frame);
        }
    }

    void error(String clientEventId, String type, String code, String message, String param) {
        emit(new ServerEvent.Error(nextEventId(), new RealtimeError(type, code, message, param, clientEventId)));
    }

    /**
     * Sends a server event through the fault plan. On a call's sideband connection the response's audio goes to the
     * caller, not here: its deltas are not sent, and {@code output_audio_buffer.started} follows the audio content part,
     * {@code .stopped} (or {@code .cleared}, for a response cut off) its {@code response.done}, as on the service.
     */
    void emit(ServerEvent event) {
        if (call == null) {
            send(event);
            return;
        }
        if (event instanceof ServerEvent.ResponseOutputAudioDelta) {
            return;
        }
        send(event);
        if (event instanceof ServerEvent.ResponseCreated r && caller != null) {
            caller.responseCreated(r.response().id());
        } else if (event instanceof ServerEvent.ResponseContentPartAdded p && p.part() != null && "output_audio".equals(p.part().type())) {
            playing = p.responseId();
            send(new ServerEvent.OutputAudioBufferStarted(nextEventId(), playing));
        } else if (event instanceof ServerEvent.ResponseDone d) {
            if (playing != null && playing.equals(d.response().id())) {
                send("cancelled".equals(d.response().status()) ? new ServerEvent.OutputAudioBufferCleared(nextEventId(), playing)
                        : new ServerEvent.OutputAudioBufferStopped(nextEventId(), playing));
                playing = null;
            }
            if (caller != null) {
                caller.responseDone(d.response().id());
            }
        }
    }

    private void send(ServerEvent event) {
        send(event, null);
    }

    /** Sends {@code event}, or when it is {@code null} {@code frame}, the same event already encoded. */
    private void send(ServerEvent event, Outbound.Frame frame) {
        if (closed || stalled) {
            return;
        }
        eventsSent++;
        if (faults.malformedFrameAfterEvents() > 0 && eventsSent == faults.malformedFrameAfterEvents() + 1) {
            out.send("{\"type\":\"response.output_audio.delta\",\"delta\":".getBytes(StandardCharsets.UTF_8));
        }
        if (faults.errorEventAfterEvents() > 0 && eventsSent == faults.errorEventAfterEvents() + 1) {
            out.send(codec.encode(new ServerEvent.Error(nextEventId(), new RealtimeError("server_error", null,
                    "The server had an error while processing your request. (emulated fault)", null, null))));
        }
        if (faults.echoKeyAfterEvents() > 0 && eventsSent == faults.echoKeyAfterEvents() + 1) {
            out.send(codec.encode(new ServerEvent.Error(nextEventId(), new RealtimeError("invalid_request_error", "invalid_api_key",
                    "Incorrect API key provided: " + keyToEcho + " (emulated fault)", null, null))));
            closed = true;
            out.close(1008, "invalid key " + keyToEcho);
            return;
        }
        if (faults.truncateAfterEvents() > 0 && eventsSent == faults.truncateAfterEvents() + 1) {
            closed = true;
            out.abortMidFrame(frame != null ? frame.toBytes() : codec.encode(event));
            return;
        }
        if (faults.invalidEventsAfterEvents() > 0 && eventsSent == faults.invalidEventsAfterEvents() + 1) {
            HostileFrames.invalidEvents(dialect).forEach(out::send);
        }
        if (faults.floodAfterEvents() > 0 && eventsSent == faults.floodAfterEvents() + 1) {
            HostileFrames.flood(codec, nextEventId()).forEach(out::send);
        }
        if (frame != null) {
            out.send(frame);
            if (settings.log()) {
                log("-> " + WireJson.typeOf(frame.toBytes()));
            }
            afterSend();
            return;
        }
        byte[] encoded = codec.encode(event);
        if (faults.invalidBase64() && event instanceof ServerEvent.ResponseOutputAudioDelta) {
            String json = new String(encoded, StandardCharsets.UTF_8);
            out.send(json.replaceFirst("\"delta\":\"[^\"]*\"", "\"delta\":\"@@not base64@@\"").getBytes(StandardCharsets.UTF_8));
        } else {
            out.send(encoded);
        }
        if (settings.log()) {
            log("-> " + WireJson.typeOf(encoded)); // the dialect's name, as sent, not the neutral model's
        }
        afterSend();
    }

    /** The faults that act once an event has gone. */
    private void afterSend() {
        if (faults.stallAfterEvents() > 0 && eventsSent >= faults.stallAfterEvents()) {
            // Silent from the Nth event on, pongs included, not only once an (N+1)th is due: in GA nothing may follow
            // session.created until the client speaks.
            stalled = true;
        }
        if (faults.closeAfterEvents() > 0 && eventsSent == faults.closeAfterEvents()) {
            closed = true;
            out.abort();
        }
    }
}
