package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.Faults;
import io.rtvoice.emulator.Responder;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.ConversationInfo;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.Item;
import io.rtvoice.event.RateLimit;
import io.rtvoice.event.RealtimeError;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One emulated Realtime session: the service's behaviour for one connection, in one dialect. Not
 * thread-safe: everything runs on the connection's event loop.
 */
final class EmulatedSession {

    /** The service's cap on one {@code input_audio_buffer.append}. */
    static final int MAX_APPEND_BYTES = 15 * 1024 * 1024;
    /** The service's minimum for a commit. */
    static final int MIN_COMMIT_MS = 100;

    private final EmulatorSettings settings;
    private final Dialect dialect;
    private final EventCodec codec;
    private final Faults faults;
    private final Outbound out;
    private final String tag;

    private SessionConfig config;
    private final List<Item> items = new ArrayList<>();
    private final Map<String, Integer> inputAudioMs = new HashMap<>();
    /** PCM (or G.711) the model produced per assistant item, as far as it was sent. */
    private final Map<String, byte[]> assistantAudio = new HashMap<>();
    private boolean assistantAudioPresent;

    private final InputBuffer input = new InputBuffer();
    private VoiceActivityDetector vad;
    /** Input-timeline ms at which the current detector started: its own timeline starts at 0. */
    private long vadOffsetMs;
    private String speechItemId;
    private long speechStartMs;
    /** Input-timeline ms since which nobody spoke and no response ran; -1 while someone does. */
    private long idleSinceMs;

    private ResponseRun active;
    private long sequence;
    private long eventsSent;
    private boolean stalled;
    private boolean closed;
    private ScheduledFuture<?> expiry;
    private final java.util.Random jitter;

    EmulatedSession(EmulatorSettings settings, Dialect dialect, String model, Faults faults, Outbound out, long connection) {
        this.settings = settings;
        this.dialect = dialect;
        this.codec = EventCodec.of(dialect);
        this.faults = faults;
        this.out = out;
        this.tag = "conn-" + connection;
        this.jitter = new java.util.Random(settings.seed() + connection);
        long expiresAt = System.currentTimeMillis() / 1000 + settings.sessionDuration().toSeconds();
        this.config = SessionConfigs.initial(dialect, "sess_" + tag, model, expiresAt);
        applyTurnDetection();
    }

    Dialect dialect() {
        return dialect;
    }

    boolean stalled() {
        return stalled;
    }

    void binaryFrame() {
        error(null, "invalid_request_error", "invalid_event", "Binary frames are not supported: send JSON text frames.", null);
    }

    String tagName() {
        return tag.replace("-", "");
    }

    // ================================================================ lifecycle

    void start() {
        emit(new ServerEvent.SessionCreated(nextEventId(), config));
        emit(new ServerEvent.ConversationCreated(nextEventId(), new ConversationInfo("conv_" + tag, "realtime.conversation")));
        long expireMs = faults.sessionExpiry() != null ? faults.sessionExpiry().toMillis() : settings.sessionDuration().toMillis();
        expiry = out.executor().schedule(this::expire, expireMs, TimeUnit.MILLISECONDS);
    }

    void closed() {
        closed = true;
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (active != null) {
            active.stop();
        }
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
        if (event instanceof ClientEvent.SessionUpdate u) {
            sessionUpdate(u, frame);
        } else if (event instanceof ClientEvent.InputAudioBufferAppend a) {
            append(a);
        } else if (event instanceof ClientEvent.InputAudioBufferCommit c) {
            commit(c.eventId());
        } else if (event instanceof ClientEvent.InputAudioBufferClear c) {
            input.clear();
            if (vad != null) {
                vad.reset();
                vad.bufferStartedAt(input.timelineMs() - vadOffsetMs);
            }
            emit(new ServerEvent.InputAudioBufferCleared(nextEventId()));
        } else if (event instanceof ClientEvent.ConversationItemCreate c) {
            itemCreate(c);
        } else if (event instanceof ClientEvent.ConversationItemRetrieve r) {
            Item item = find(r.itemId());
            if (item == null) {
                itemNotFound(r.eventId(), r.itemId());
            } else {
                emit(new ServerEvent.ConversationItemRetrieved(nextEventId(), withAudio(item)));
            }
        } else if (event instanceof ClientEvent.ConversationItemDelete d) {
            Item item = find(d.itemId());
            if (item == null) {
                itemNotFound(d.eventId(), d.itemId());
            } else {
                items.remove(item);
                emit(new ServerEvent.ConversationItemDeleted(nextEventId(), d.itemId()));
            }
        } else if (event instanceof ClientEvent.ConversationItemTruncate t) {
            truncate(t);
        } else if (event instanceof ClientEvent.ResponseCreate c) {
            responseCreate(c);
        } else if (event instanceof ClientEvent.ResponseCancel c) {
            if (active == null || (c.responseId() != null && !c.responseId().equals(active.id()))) {
                error(c.eventId(), "invalid_request_error", "response_cancel_not_active",
                        "Cancellation failed: no active response found", null);
            } else {
                active.cancel("client_cancelled");
            }
        } else if (event instanceof ClientEvent.OutputAudioBufferClear c) {
            error(c.eventId(), "invalid_request_error", "invalid_event",
                    "output_audio_buffer.clear is only supported for WebRTC and SIP connections.", null);
        } else if (event instanceof ClientEvent.TranscriptionSessionUpdate u) {
            config = SessionConfigs.merge(config, u.session());
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
        if (s.voice() != null && !s.voice().equals(config.voice()) && assistantAudioPresent) {
            error(update.eventId(), "invalid_request_error", "cannot_update_voice",
                    "Cannot update a conversation's voice if assistant audio is present.", "session.voice");
            return;
        }
        config = SessionConfigs.merge(config, s);
        applyTurnDetection();
        emit(new ServerEvent.SessionUpdated(nextEventId(), config));
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
        String top = firstUnknown(session, SessionConfigs.GA_SESSION_KEYS, "session");
        if (top != null) {
            return top;
        }
        JsonNode audio = session.path("audio");
        String a = firstUnknown(audio, SessionConfigs.GA_AUDIO_KEYS, "session.audio");
        if (a != null) {
            return a;
        }
        String in = firstUnknown(audio.path("input"), SessionConfigs.GA_INPUT_KEYS, "session.audio.input");
        return in != null ? in : firstUnknown(audio.path("output"), SessionConfigs.GA_OUTPUT_KEYS, "session.audio.output");
    }

    private static String firstUnknown(JsonNode object, java.util.Set<String> known, String path) {
        if (!object.isObject()) {
            return null;
        }
        var names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                return path + "." + name;
            }
        }
        return null;
    }

    private void applyTurnDetection() {
        TurnDetection td = config.turnDetection();
        if (td == null || td.disabled()) {
            vad = null;
            return;
        }
        double threshold = td.threshold() != null ? td.threshold() : 0.5;
        int prefix = td.prefixPaddingMs() != null ? td.prefixPaddingMs() : 300;
        int silence = td.silenceDurationMs() != null ? td.silenceDurationMs() : "semantic_vad".equals(td.type())
                ? switch (td.eagerness() == null ? "auto" : td.eagerness()) {
                    case "high" -> 300;
                    case "low" -> 800;
                    default -> 500;
                }
                : 500;
        vad = new VoiceActivityDetector(threshold, prefix, silence);
        vadOffsetMs = input.timelineMs();
        vad.bufferStartedAt(Math.max(0, input.bufferStartMs() - vadOffsetMs));
    }

    // ================================================================ input audio

    private void append(ClientEvent.InputAudioBufferAppend append) {
        byte[] audio = append.audio();
        if (audio.length > MAX_APPEND_BYTES) {
            error(append.eventId(), "invalid_request_error", "invalid_value",
                    "Audio chunk of " + audio.length + " bytes exceeds the maximum of 15 MiB.", "audio");
            return;
        }
        boolean pcm = "audio/pcm".equals(config.audio().input().format().type());
        input.append(audio, pcm ? 48 : 8);
        if (vad == null || !pcm) {
            return;
        }
        for (VoiceActivityDetector.Transition t : vad.append(audio, 0, audio.length)) {
            if (t.kind() == VoiceActivityDetector.Transition.Kind.SPEECH_STARTED) {
                idleSinceMs = -1;
                speechItemId = nextId("item");
                speechStartMs = t.audioMs() + vadOffsetMs;
                emit(new ServerEvent.InputAudioBufferSpeechStarted(nextEventId(), (int) speechStartMs, speechItemId));
                TurnDetection td = config.turnDetection();
                if (active != null && active.inDefaultConversation() && !Boolean.FALSE.equals(td.interruptResponse())) {
                    active.cancel("turn_detected");
                }
            } else {
                String itemId = speechItemId != null ? speechItemId : nextId("item");
                emit(new ServerEvent.InputAudioBufferSpeechStopped(nextEventId(), (int) (t.audioMs() + vadOffsetMs), itemId));
                speechItemId = null;
                idleSinceMs = t.audioMs() + vadOffsetMs;
                int spokenMs = (int) (t.audioMs() + vadOffsetMs - speechStartMs);
                if (commitAs(itemId, null, spokenMs) && !Boolean.FALSE.equals(config.turnDetection().createResponse())) {
                    startResponse(null, null, true);
                }
            }
        }
        checkIdleTimeout();
    }

    /**
     * With {@code idle_timeout_ms}, silence that long (on the input timeline, with no response running)
     * triggers a turn: {@code input_audio_buffer.timeout_triggered}, a commit, and a response.
     */
    private void checkIdleTimeout() {
        TurnDetection td = config.turnDetection();
        Integer idle = td == null || td.disabled() ? null : td.idleTimeoutMs();
        long now = input.timelineMs();
        if (idle == null || vad == null || vad.speaking() || active != null || idleSinceMs < 0 || now - idleSinceMs < idle) {
            return;
        }
        String itemId = nextId("item");
        emit(new ServerEvent.InputAudioBufferTimeoutTriggered(nextEventId(), (int) idleSinceMs, (int) now, itemId));
        int idleMs = (int) (now - idleSinceMs);
        idleSinceMs = -1;
        if (commitAs(itemId, null, idleMs) && !Boolean.FALSE.equals(td.createResponse())) {
            startResponse(null, null, true);
        }
    }

    private void commit(String eventId) {
        if (commitAs(nextId("item"), eventId, input.bufferedMs()) && vad != null) {
            vad.reset();
        }
    }

    /**
     * Turns the buffer into user item {@code itemId} holding {@code ms} of audio (all of it on a manual
     * commit; from speech start to speech end on a VAD commit); false (after an error event) if the
     * buffer holds less than the service's minimum.
     */
    private boolean commitAs(String itemId, String eventId, int ms) {
        int buffered = input.bufferedMs();
        if (buffered < MIN_COMMIT_MS) {
            error(eventId, "invalid_request_error", "input_audio_buffer_commit_empty",
                    String.format(java.util.Locale.ROOT, "Error committing input audio buffer: buffer too small. Expected at least "
                            + "100ms of audio, but buffer only has %.2fms of audio.", (double) buffered), null);
            return false;
        }
        input.clear();
        if (vad != null) {
            vad.bufferStartedAt(input.timelineMs() - vadOffsetMs);
        }
        String previous = items.isEmpty() ? null : items.get(items.size() - 1).id();
        Item item = new Item(itemId, "message", dialect == Dialect.PREVIEW ? "realtime.item" : null, "completed", "user",
                List.of(new ContentPart("input_audio", null, null, null, null, null, null)),
                null, null, null, null, null, null, null, null, null, null);
        items.add(item);
        inputAudioMs.put(itemId, ms);
        emit(new ServerEvent.InputAudioBufferCommitted(nextEventId(), previous, itemId));
        announceItem(previous, item, true);
        transcribe(item, ms);
        return true;
    }

    /** With transcription on, the transcript of user audio is its duration, in words (deterministic). */
    private void transcribe(Item item, int ms) {
        var t = config.audio().input().transcription();
        if (t == null || t.disabled()) {
            return;
        }
        String transcript = "audio of " + ms + " milliseconds";
        emit(new ServerEvent.ConversationItemInputAudioTranscriptionDelta(nextEventId(), item.id(), 0, transcript, null));
        emit(new ServerEvent.ConversationItemInputAudioTranscriptionCompleted(nextEventId(), item.id(), 0, transcript, null, null,
                dialect == Dialect.GA ? new io.rtvoice.event.Transcription.Usage("duration", null, null, null, null, ms / 1000.0) : null));
        Item transcribed = item.withContent(List.of(new ContentPart("input_audio", null, null, transcript, null, null, null)));
        items.set(items.indexOf(item), transcribed);
    }

    // ================================================================ conversation

    private void itemCreate(ClientEvent.ConversationItemCreate create) {
        Item item = create.item();
        if (item.type() == null) {
            error(create.eventId(), "invalid_request_error", "missing_required_parameter",
                    "Missing required parameter: 'item.type'.", "item.type");
            return;
        }
        if ("message".equals(item.type()) && (item.content() == null || item.content().isEmpty())) {
            error(create.eventId(), "invalid_request_error", "missing_required_parameter",
                    "Missing required parameter: 'item.content'.", "item.content");
            return;
        }
        if (item.id() != null && find(item.id()) != null) {
            error(create.eventId(), "invalid_request_error", "item_already_exists",
                    "Item with id '" + item.id() + "' already exists.", "item.id");
            return;
        }
        int at = items.size();
        String previous = items.isEmpty() ? null : items.get(items.size() - 1).id();
        if (create.previousItemId() != null) {
            if ("root".equals(create.previousItemId())) {
                at = 0;
                previous = null;
            } else {
                Item after = find(create.previousItemId());
                if (after == null) {
                    itemNotFound(create.eventId(), create.previousItemId());
                    return;
                }
                at = items.indexOf(after) + 1;
                previous = after.id();
            }
        }
        Item stored = new Item(item.id() != null ? item.id() : nextId("item"), item.type(),
                dialect == Dialect.PREVIEW ? "realtime.item" : null, "completed", item.role(), item.content(), item.callId(),
                item.name(), item.arguments(), item.output(), item.serverLabel(), item.tools(), item.approvalRequestId(),
                item.approve(), item.reason(), item.error());
        items.add(at, stored);
        announceItem(previous, stored, true);
    }

    private void truncate(ClientEvent.ConversationItemTruncate t) {
        Item item = find(t.itemId());
        if (item == null) {
            itemNotFound(t.eventId(), t.itemId());
            return;
        }
        if (!"message".equals(item.type()) || !"assistant".equals(item.role()) || !assistantAudio.containsKey(item.id())) {
            error(t.eventId(), "invalid_request_error", "invalid_value", "Only model output audio messages can be truncated", "item_id");
            return;
        }
        if (t.audioEndMs() < 0) {
            error(t.eventId(), "invalid_request_error", "integer_below_min_value", "Invalid 'audio_end_ms': integer below minimum value. "
                    + "Expected a value >= 0, but got " + t.audioEndMs() + " instead.", "audio_end_ms");
            return;
        }
        byte[] audio = assistantAudio.get(item.id());
        int audioMs = audio.length / bytesPerMs(config.audio().output().format().type());
        if (t.audioEndMs() > audioMs) {
            error(t.eventId(), "invalid_request_error", null,
                    "Audio content of " + audioMs + "ms is already shorter than " + t.audioEndMs() + "ms", "audio_end_ms");
            return;
        }
        int keep = t.audioEndMs() * bytesPerMs(config.audio().output().format().type());
        assistantAudio.put(item.id(), java.util.Arrays.copyOf(audio, keep));
        // Truncation deletes the server-side transcript.
        items.set(items.indexOf(item), item.withContent(List.of(new ContentPart("output_audio", null, null, "", null, null, null))));
        emit(new ServerEvent.ConversationItemTruncated(nextEventId(), item.id(), t.contentIndex(), t.audioEndMs()));
    }

    private Item withAudio(Item item) {
        byte[] audio = assistantAudio.get(item.id());
        if (audio == null || item.content() == null || item.content().isEmpty()) {
            return item;
        }
        ContentPart part = item.content().get(0);
        String base64 = java.util.Base64.getEncoder().encodeToString(audio);
        return item.withContent(List.of(new ContentPart(part.type(), part.text(), base64, part.transcript(), null, null, null)));
    }

    private Item find(String id) {
        for (Item item : items) {
            if (item.id().equals(id)) {
                return item;
            }
        }
        return null;
    }

    private void itemNotFound(String eventId, String itemId) {
        error(eventId, "invalid_request_error", "item_not_found", "Item with item_id not found: " + itemId, "item_id");
    }

    /** Announces a new item: preview says {@code conversation.item.created}; GA {@code .added} (and {@code .done}). */
    void announceItem(String previous, Item item, boolean complete) {
        if (dialect == Dialect.PREVIEW) {
            emit(new ServerEvent.ConversationItemCreated(nextEventId(), previous, item));
        } else {
            emit(new ServerEvent.ConversationItemAdded(nextEventId(), previous, item));
            if (complete) {
                emit(new ServerEvent.ConversationItemDone(nextEventId(), previous, item));
            }
        }
    }

    // ================================================================ responses

    private void responseCreate(ClientEvent.ResponseCreate create) {
        boolean outOfBand = create.response() != null && "none".equals(create.response().conversation());
        if (!outOfBand && active != null && active.inDefaultConversation()) {
            error(create.eventId(), "invalid_request_error", "conversation_already_has_active_response",
                    "Conversation already has an active response in progress: " + active.id()
                            + ". Wait until the response is finished before creating a new one.", null);
            return;
        }
        startResponse(create.eventId(), create.response(), !outOfBand);
    }

    private void startResponse(String eventId, io.rtvoice.event.ResponseParams params, boolean defaultConversation) {
        Responder.Reply reply = settings.responder().reply(new Responder.Turn(List.copyOf(items), Map.copyOf(inputAudioMs), config));
        ResponseRun run = new ResponseRun(this, nextId("resp"), params, reply, defaultConversation);
        if (defaultConversation) {
            active = run;
        }
        run.start();
    }

    void responseFinished(ResponseRun run) {
        if (active == run) {
            active = null;
            idleSinceMs = input.timelineMs();
        }
    }

    void addAssistantItem(Item item) {
        items.add(item);
    }

    void replaceItem(Item item) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).id().equals(item.id())) {
                items.set(i, item);
                return;
            }
        }
    }

    void assistantAudio(String itemId, byte[] audio) {
        assistantAudio.put(itemId, audio);
        if (audio.length > 0) {
            assistantAudioPresent = true;
        }
    }

    String lastItemId() {
        return items.isEmpty() ? null : items.get(items.size() - 1).id();
    }

    SessionConfig config() {
        return config;
    }

    EmulatorSettings settings() {
        return settings;
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

    String nextEventId() {
        return String.format("event_%s%06d", tag.replace("-", ""), ++sequence);
    }

    String nextId(String prefix) {
        return String.format("%s_%s%06d", prefix, tag.replace("-", ""), ++sequence);
    }

    void error(String clientEventId, String type, String code, String message, String param) {
        emit(new ServerEvent.Error(nextEventId(), new RealtimeError(type, code, message, param, clientEventId)));
    }

    /** Sends a server event through the fault plan. */
    void emit(ServerEvent event) {
        if (closed || stalled) {
            return;
        }
        eventsSent++;
        if (faults.stallAfterEvents() > 0 && eventsSent > faults.stallAfterEvents()) {
            stalled = true;
            return;
        }
        if (faults.malformedFrameAfterEvents() > 0 && eventsSent == faults.malformedFrameAfterEvents() + 1) {
            out.send("{\"type\":\"response.output_audio.delta\",\"delta\":".getBytes(StandardCharsets.UTF_8));
        }
        if (faults.errorEventAfterEvents() > 0 && eventsSent == faults.errorEventAfterEvents() + 1) {
            out.send(codec.encode(new ServerEvent.Error(nextEventId(), new RealtimeError("server_error", null,
                    "The server had an error while processing your request. (emulated fault)", null, null))));
        }
        if (faults.invalidBase64() && event instanceof ServerEvent.ResponseOutputAudioDelta d) {
            String json = new String(codec.encode(d), StandardCharsets.UTF_8);
            out.send(json.replaceFirst("\"delta\":\"[^\"]*\"", "\"delta\":\"@@not base64@@\"").getBytes(StandardCharsets.UTF_8));
        } else {
            out.send(codec.encode(event));
        }
        if (settings.log()) {
            System.out.println("[rtvoice-emulator] " + tag + " -> " + event.type());
        }
        if (faults.closeAfterEvents() > 0 && eventsSent == faults.closeAfterEvents()) {
            closed = true;
            out.abort();
        }
    }

    /**
     * The appended input, as positions on the session's input timeline: the buffer is what lies between
     * the last commit or clear and now (the emulator needs its length, not its samples).
     */
    private static final class InputBuffer {
        private int bytesPerMs = 48;
        private long timelineBytes;
        private long bufferStartBytes;

        void append(byte[] audio, int bytesPerMs) {
            this.bytesPerMs = bytesPerMs;
            timelineBytes += audio.length;
        }

        void clear() {
            bufferStartBytes = timelineBytes;
        }

        int bufferedMs() {
            return (int) ((timelineBytes - bufferStartBytes) / bytesPerMs);
        }

        long timelineMs() {
            return timelineBytes / bytesPerMs;
        }

        long bufferStartMs() {
            return bufferStartBytes / bytesPerMs;
        }
    }
}
