package io.rtvoice.emulator.internal;

import io.rtvoice.Dialect;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.event.AudioConfig;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.Response;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One response in flight: emits the service's event order for its dialect, with the audio paced in
 * deltas, and ends it as completed, cancelled, incomplete ({@code max_output_tokens}) or failed (the
 * {@code fail_response} fault); the {@code *.done} events are sent whichever way it ends.
 *
 * <p>Output tokens, as the emulator counts them: 4 per 3 transcript words (at least 1), and one per 50 ms
 * of audio. A response whose next word or delta would take it past its {@code max_output_tokens} stops
 * before it, {@code incomplete}.
 */
final class ResponseRun {

    /**
     * Monologue voices by format and transcript: every session of a load test says the same words, so they are rendered,
     * and their base64 made, once.
     */
    private static final Map<String, Monologue> MONOLOGUE_VOICES = new ConcurrentHashMap<>();

    /** A monologue's voice, and the same as a loop with its base64 made once. */
    private record Monologue(byte[] voice, EncodedAudio encoded) {
    }

    private final EmulatedSession session;
    private final String id;
    private final boolean defaultConversation;
    private final Responder.Reply reply;
    private final List<String> modalities;
    private final RealtimeAudioFormat format;
    private final SessionConfig config;
    private final java.util.Map<String, String> metadata;
    /** The most output tokens, or {@code null} for {@code inf}. */
    private final Integer maxOutputTokens;

    private Item item;
    private final String itemId;
    private String previousItemId;
    private byte[] audio = new byte[0];
    /** The audio with its base64 made once, and the frame its deltas go in; {@code null} when deltas are sent as events. */
    private EncodedAudio encoded;
    private AudioDeltaFrame.Template deltaFrame;
    private String[] words = new String[0];
    /** Bytes of audio the response speaks: its voice's length, or in a monologue the monologue's (the voice loops). */
    private int audioLength;
    private int audioBytesSent;
    private int deltasSent;
    private long startNanos;
    private long startEpochMicros;
    private int wordsSent;
    private ScheduledFuture<?> next;
    private boolean finished;

    /**
     * @param config the session's configuration with the response's own settings in its place
     * @param reply what the model says, or {@code null} for a response that fails
     */
    ResponseRun(EmulatedSession session, String id, ResponseParams params, SessionConfig config, Responder.Reply reply,
            boolean defaultConversation) {
        this.session = session;
        this.id = id;
        this.reply = reply;
        this.defaultConversation = defaultConversation;
        this.config = config;
        this.metadata = params != null ? params.metadata() : null;
        this.maxOutputTokens = config.maxOutputTokens() != null ? config.maxOutputTokens().tokens() : null;
        this.modalities = config.outputModalities();
        AudioConfig audioParams = params != null ? params.audio() : null;
        this.format = audioParams != null && audioParams.output() != null && audioParams.output().format() != null
                ? audioParams.output().format() : config.audio().output().format();
        this.itemId = session.nextId("item");
    }

    String id() {
        return id;
    }

    boolean inDefaultConversation() {
        return defaultConversation;
    }

    private boolean audioOut() {
        return modalities == null || modalities.contains("audio");
    }

    void start() {
        previousItemId = defaultConversation ? session.items().lastItemId() : null;
        session.emit(new ServerEvent.ResponseCreated(session.nextEventId(), response("in_progress", null, List.of())));
        session.emit(new ServerEvent.RateLimitsUpdated(session.nextEventId(), session.rateLimits()));
        if (reply == null) {
            fail();
            return;
        }
        if (reply instanceof Responder.Reply.FunctionCall call) {
            functionCall(call);
            return;
        }
        if (reply instanceof Responder.Reply.McpCall call) {
            new McpCallRun(session, this, call, previousItemId).start();
            return;
        }
        String transcript = ((Responder.Reply.Speech) reply).transcript();
        words = transcript.isBlank() ? new String[0] : transcript.strip().split("\\s+");
        if (audioOut()) {
            if (monologue()) {
                Monologue m = monologueVoice(transcript);
                audio = m.voice();
                encoded = m.encoded();
            } else {
                audio = render(transcript);
                encoded = EncodedAudio.of(audio);
            }
            audioLength = monologue() && audio.length > 0
                    ? session.settings().monologueMs() * EmulatedSession.bytesPerMs(format.type()) : audio.length;
        }
        item = new Item(itemId, "message", objectName(), "in_progress", "assistant", List.of(), null, null, null, null,
                null, null, null, null, null, null);
        if (defaultConversation) {
            session.items().add(item);
        }
        session.emit(new ServerEvent.ResponseOutputItemAdded(session.nextEventId(), id, 0, item));
        if (defaultConversation) {
            session.items().announce(previousItemId, item, false);
        }
        session.emit(new ServerEvent.ResponseContentPartAdded(session.nextEventId(), id, itemId, 0, 0, emptyPart()));
        if (audioOut() && session.sendsEncodedAudio()) {
            deltaFrame = AudioDeltaFrame.Template.of(session.codec(), id, itemId);
        }
        startNanos = System.nanoTime();
        startEpochMicros = epochMicros();
        schedule(0);
    }

    private boolean monologue() {
        return session.settings().monologueMs() > 0;
    }

    private Monologue monologueVoice(String transcript) {
        String key = format.type() + ":" + transcript;
        if (MONOLOGUE_VOICES.size() > 64) { // a responder that varies its words: no point keeping them all
            MONOLOGUE_VOICES.clear();
        }
        return MONOLOGUE_VOICES.computeIfAbsent(key, k -> {
            byte[] voice = render(transcript);
            return new Monologue(voice, EncodedAudio.loop(voice));
        });
    }

    /** Audio bytes {@code [from, to)} of what the response says; a monologue's voice repeats. */
    private byte[] slice(int from, int to) {
        if (!monologue()) {
            return Arrays.copyOfRange(audio, from, to);
        }
        byte[] out = new byte[to - from];
        for (int filled = 0; filled < out.length; ) {
            int at = (from + filled) % audio.length;
            int n = Math.min(out.length - filled, audio.length - at);
            System.arraycopy(audio, at, out, filled, n);
            filled += n;
        }
        return out;
    }

    /**
     * A monologue's next delta waits for the next whole millisecond of {@link System#nanoTime()} (at most 1 ms late), so the
     * deltas of every session due in that millisecond go in one wake-up of the event loop: a load test's sessions start
     * spread over the delta's length, and one wake-up per delta was most of what the emulator spent per session.
     */
    private static long onTick(long nanos) {
        return Math.floorDiv(nanos + TICK_NANOS - 1, TICK_NANOS) * TICK_NANOS;
    }

    private static final long TICK_NANOS = 1_000_000;

    /** When the audio after {@code ms} of it is due, counted from the start, at the configured pace. */
    private long dueNanos(int ms) {
        double pace = session.settings().pace();
        return pace <= 0 ? 0 : Math.round(ms * 1_000_000.0 / pace);
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000; // ChronoUnit.MICROS.between(EPOCH, now), without its arithmetic
    }

    /**
     * Audio as the session's output format: the emulator's voice (by default the synthetic one), or for G.711 that voice resampled to
     * 8 kHz and companded with core's (ITU-exact) codecs.
     */
    private byte[] render(String transcript) {
        byte[] pcm = session.settings().voice().apply(transcript);
        if ("audio/pcm".equals(format.type())) {
            return pcm;
        }
        short[] voice = Pcm.toShorts(pcm);
        Resampler to8k = Resampler.create(SyntheticVoice.SAMPLE_RATE_HZ, AudioFormat.G711_SAMPLE_RATE);
        short[] narrow = new short[to8k.maxOutput(voice.length) + to8k.delaySamples()];
        int written = to8k.process(voice, 0, voice.length, narrow, 0);
        written += to8k.drain(narrow, written);
        int delay = to8k.delaySamples(); // dropped, so the words start where the transcript says
        int length = Math.min(voice.length / 3, written - delay);
        byte[] codes = new byte[length];
        if ("audio/pcmu".equals(format.type())) {
            G711.encodeMuLaw(narrow, delay, codes, 0, length);
        } else {
            G711.encodeALaw(narrow, delay, codes, 0, length);
        }
        return codes;
    }

    private ContentPart emptyPart() {
        return audioOut() ? new ContentPart("output_audio", null, null, "", null, null, null)
                : new ContentPart("output_text", "", null, null, null, null, null);
    }

    private void schedule(long delayMs) {
        scheduleNanos(TimeUnit.MILLISECONDS.toNanos(delayMs));
    }

    private void scheduleNanos(long delayNanos) {
        next = session.out().executor().schedule(this::step, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** One delta's worth: the transcript words that start in it, then its audio. */
    private void step() {
        if (finished) {
            return;
        }
        EmulatorSettings s = session.settings();
        if (!audioOut()) {
            if (wordsSent < words.length && exceedsLimit(wordsSent + 1, 0)) {
                complete("incomplete", "max_output_tokens");
            } else if (wordsSent < words.length) {
                String delta = (wordsSent == 0 ? "" : " ") + words[wordsSent++];
                session.emit(new ServerEvent.ResponseOutputTextDelta(session.nextEventId(), id, itemId, 0, 0, delta));
                schedule(0);
            } else {
                complete("completed", null);
            }
            return;
        }
        int bytesPerMs = EmulatedSession.bytesPerMs(format.type());
        int chunk = Math.max(1, s.deltaMs()) * bytesPerMs;
        if (audioBytesSent >= audioLength) {
            complete("completed", null);
            return;
        }
        int end = Math.min(audioLength, audioBytesSent + chunk);
        int endMs = end / bytesPerMs;
        int wordsBy = wordsSent;
        while (wordsBy < words.length && wordsBy * 150 < endMs) {
            wordsBy++;
        }
        if (exceedsLimit(wordsBy, end)) {
            complete("incomplete", "max_output_tokens");
            return;
        }
        while (wordsSent < words.length && wordsSent * 150 < endMs) {
            String delta = (wordsSent == 0 ? "" : " ") + words[wordsSent++];
            session.emit(new ServerEvent.ResponseOutputAudioTranscriptDelta(session.nextEventId(), id, itemId, 0, 0, delta));
        }
        String eventId = session.nextEventId();
        byte[] stamp = null;
        if (s.stampAudio()) {
            long dueMicros = startEpochMicros + dueNanos(audioBytesSent / bytesPerMs) / 1_000;
            long sentMicros = epochMicros();
            eventId = eventId + "_" + deltasSent + "_" + dueMicros + "_" + sentMicros;
            stamp = AudioDeltaFrame.stamp(deltasSent, dueMicros, sentMicros);
        }
        deltasSent++;
        // The audio's base64 copied into the codec's frame; as an event only when that cannot be done (a fault, a loop
        // shorter than a delta).
        AudioDeltaFrame frame = deltaFrame == null ? null : AudioDeltaFrame.of(deltaFrame, eventId, encoded,
                monologue() ? audioBytesSent % audio.length : audioBytesSent, end - audioBytesSent, stamp);
        if (frame != null) {
            session.emitAudioDelta(frame);
        } else {
            byte[] delta = slice(audioBytesSent, end);
            if (stamp != null && delta.length >= stamp.length) {
                System.arraycopy(stamp, 0, delta, 0, stamp.length);
            }
            session.emit(new ServerEvent.ResponseOutputAudioDelta(eventId, id, itemId, 0, 0, delta));
        }
        int sentMs = (end - audioBytesSent) / bytesPerMs;
        audioBytesSent = end;
        if (monologue()) {
            // Drift-free: the next delta is due once the audio sent so far has played, however late this one was;
            // its jitter counts from that due time, so late deltas do not push later ones back.
            long jitterNanos = TimeUnit.MILLISECONDS.toNanos(session.jitterMs());
            long dueAt = startNanos + dueNanos(endMs) + jitterNanos;
            scheduleNanos((s.pace() > 0 ? onTick(dueAt) : dueAt) - System.nanoTime());
            return;
        }
        // Real-time pacing divided by the pace factor; jitter makes deltas late (never early).
        long delay = s.pace() <= 0 ? 0 : Math.round(sentMs / s.pace());
        schedule(delay + session.jitterMs());
    }

    /** Cancelled by the client or by new speech: the done events still follow, status cancelled. */
    void cancel(String reason) {
        if (finished) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        if (item == null) {
            finished = true;
            session.emit(new ServerEvent.ResponseDone(session.nextEventId(),
                    response("cancelled", new Response.StatusDetails("cancelled", reason, null), List.of())));
            session.responses().finished(this);
            return;
        }
        complete("cancelled", reason);
    }

    /** Stops without sending anything (the connection is gone). */
    void stop() {
        finished = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    private void complete(String status, String reason) {
        finished = true;
        String said = String.join(" ", Arrays.copyOf(words, wordsSent));
        if (status.equals("completed")) {
            said = String.join(" ", words);
        }
        byte[] played = Arrays.copyOf(audio, Math.min(audioBytesSent, audio.length)); // a monologue keeps one loop
        ContentPart part;
        if (audioOut()) {
            session.emit(new ServerEvent.ResponseOutputAudioDone(session.nextEventId(), id, itemId, 0, 0));
            session.emit(new ServerEvent.ResponseOutputAudioTranscriptDone(session.nextEventId(), id, itemId, 0, 0, said));
            part = new ContentPart("output_audio", null, null, said, null, null, null);
        } else {
            session.emit(new ServerEvent.ResponseOutputTextDone(session.nextEventId(), id, itemId, 0, 0, said));
            part = new ContentPart("output_text", said, null, null, null, null, null);
        }
        session.emit(new ServerEvent.ResponseContentPartDone(session.nextEventId(), id, itemId, 0, 0, part));
        Item done = item.withContent(List.of(part)).withStatus(status.equals("completed") ? "completed" : "incomplete");
        if (defaultConversation) {
            session.items().replace(done);
            if (audioOut()) {
                session.items().assistantAudio(itemId, played);
            }
            if (session.dialect() == Dialect.GA) {
                session.emit(new ServerEvent.ConversationItemDone(session.nextEventId(), previousItemId, done));
            }
        }
        session.emit(new ServerEvent.ResponseOutputItemDone(session.nextEventId(), id, 0, done));
        Response.StatusDetails details = status.equals("completed") ? null : new Response.StatusDetails(status, reason, null);
        session.emit(new ServerEvent.ResponseDone(session.nextEventId(), response(status, details, List.of(done))));
        session.responses().finished(this);
    }

    private void functionCall(Responder.Reply.FunctionCall call) {
        String callId = "call_" + itemId.substring(itemId.indexOf('_') + 1);
        Item started = new Item(itemId, "function_call", objectName(), "in_progress", null, null, callId, call.name(), "",
                null, null, null, null, null, null, null);
        if (defaultConversation) {
            session.items().add(started);
        }
        session.emit(new ServerEvent.ResponseOutputItemAdded(session.nextEventId(), id, 0, started));
        if (defaultConversation) {
            session.items().announce(previousItemId, started, false);
        }
        String args = call.arguments();
        int half = args.length() / 2;
        session.emit(new ServerEvent.ResponseFunctionCallArgumentsDelta(session.nextEventId(), id, itemId, 0, callId, args.substring(0, half)));
        session.emit(new ServerEvent.ResponseFunctionCallArgumentsDelta(session.nextEventId(), id, itemId, 0, callId, args.substring(half)));
        session.emit(new ServerEvent.ResponseFunctionCallArgumentsDone(session.nextEventId(), id, itemId, 0, callId, call.name(), args));
        Item done = new Item(itemId, "function_call", objectName(), "completed", null, null, callId, call.name(), args,
                null, null, null, null, null, null, null);
        if (defaultConversation) {
            session.items().replace(done);
            if (session.dialect() == Dialect.GA) {
                session.emit(new ServerEvent.ConversationItemDone(session.nextEventId(), previousItemId, done));
            }
        }
        session.emit(new ServerEvent.ResponseOutputItemDone(session.nextEventId(), id, 0, done));
        session.emit(new ServerEvent.ResponseDone(session.nextEventId(), response("completed", null, List.of(done))));
        finished = true;
        session.responses().finished(this);
    }

    /** Whether the response has ended (done, cancelled, or stopped with its connection). */
    boolean ended() {
        return finished;
    }

    /** Ends, completed, a response whose output another part made ({@link McpCallRun}). */
    void end(List<Item> output) {
        finished = true;
        session.emit(new ServerEvent.ResponseDone(session.nextEventId(), response("completed", null, output)));
        session.responses().finished(this);
    }

    /** The {@code fail_response} fault: the response ends as soon as it began, failed, with nothing said. */
    private void fail() {
        finished = true;
        session.emit(new ServerEvent.ResponseDone(session.nextEventId(), response("failed",
                new Response.StatusDetails("failed", null, new Response.Failure("server_error", null)), List.of())));
        session.responses().finished(this);
    }

    /** Whether {@code words} transcript words and {@code audioBytes} of audio are more output tokens than allowed. */
    private boolean exceedsLimit(int words, int audioBytes) {
        return maxOutputTokens != null && outputTokens(words, audioBytes) > maxOutputTokens;
    }

    private int textTokens(int words) {
        return Math.max(1, words * 4 / 3);
    }

    private int audioTokens(int audioBytes) {
        return audioBytes / (EmulatedSession.bytesPerMs(format.type()) * 50);
    }

    private int outputTokens(int words, int audioBytes) {
        return textTokens(words) + audioTokens(audioBytes);
    }

    private String objectName() {
        return session.dialect() == Dialect.PREVIEW ? "realtime.item" : null;
    }

    private Response response(String status, Response.StatusDetails details, List<Item> output) {
        Response.Usage usage = null;
        if (!status.equals("in_progress")) {
            int textTokens = textTokens(status.equals("completed") ? words.length : wordsSent);
            int audioTokens = audioTokens(audioBytesSent);
            int inputTokens = 120;
            usage = new Response.Usage(inputTokens + textTokens + audioTokens, inputTokens, textTokens + audioTokens,
                    new Response.InputTokenDetails(0, inputTokens, 0, 0, null), new Response.OutputTokenDetails(textTokens, audioTokens));
        }
        AudioConfig audioConfig = new AudioConfig(null, new AudioConfig.Output(format, config.voice(), null));
        return new Response(id, "realtime.response", status, details, new ArrayList<>(output), metadata, audioConfig, usage,
                defaultConversation ? session.conversationId() : null, modalities, config.maxOutputTokens(),
                session.dialect() == Dialect.PREVIEW ? config.temperature() : null);
    }
}
