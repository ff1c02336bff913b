package io.rtvoice.voice;

import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.FlushResult;
import io.rtvoice.audio.ItemPlayout;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.PlayoutStats;
import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.audio.spi.EchoCanceller;
import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.audio.spi.VoiceActivityDetector;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.AudioConfig;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.internal.audio.NearEnd;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Microphone ↔ model ↔ speaker over a {@link Conversation}, at whatever end the user is: captured audio
 * goes up, one period per {@code input_audio_buffer.append}; the model's audio goes through a
 * {@link PlayoutBuffer} to the playback end.
 *
 * <p><b>The wire format flows from the session.</b> The formats are those of the configuration the
 * server accepted ({@code session.updated}): PCM16 at 24 kHz by default, or G.711 μ-law/A-law at 8 kHz
 * when the {@link Builder#session} asks for them. The ends are opened at that rate; appends are encoded
 * and deltas decoded in it ({@link RealtimeAudioFormat#encode}, {@link RealtimeAudioFormat#decode}); the
 * playout buffer runs at it; the ends resample from and to what their devices run at.
 *
 * <p><b>Barge-in.</b> When the user starts speaking during playback ({@code speech_started} in VAD
 * mode, {@link #pressToTalk()} in push-to-talk mode, or {@link #interrupt()}), the session:
 * <ol>
 *   <li>stops the playback end at once, discarding its buffer, and flushes the playout buffer with a
 *       10 ms fade, so silence comes within one period;</li>
 *   <li>for each interrupted item, computes what the user really heard: the samples the playout buffer
 *       handed to the end (fade included), minus those the end discarded unplayed — by the end's own
 *       played count ({@link PlaybackDevice#playedFrames()}), never wall time, and never more than the
 *       audio received;</li>
 *   <li>sends {@code conversation.item.truncate} at that many milliseconds; an item of which nothing
 *       was heard is deleted instead (a truncate at 0 ms is refused by the service for some items, and
 *       the model should not believe it was heard); an item that had already played to its end gets
 *       nothing;</li>
 *   <li>cancels the response when the server will not ({@code interrupt_response: false}, push-to-talk,
 *       {@link #interrupt()}); late deltas of the interrupted items are ignored.</li>
 * </ol>
 * Playback state and the output's resampler restart at that boundary, never on a silence timer.
 *
 * <p><b>Speakers and local turn taking.</b> With an {@link Builder#echoCanceller echo canceller}, the user's
 * audio is cleaned of the model's own voice before it is sent: the canceller's reference is exactly what the
 * playout side handed to the speaker, and its delay hint the output's reported latency. With
 * {@link Builder#localVad local VAD} ({@link Mode#LOCAL_VAD}), a detector on that cleaned audio decides the
 * turns here: only speech is sent (with pre-roll), speech that starts interrupts playback at once, and the
 * end of speech commits the turn and asks for the response (unless the session's configuration turns the
 * server's turn detection on). Both also work for audio given to {@link #send}.
 *
 * <p><b>Ending.</b> {@link #closeGracefully()} closes both ends and the conversation without blocking the
 * caller; so does the end of the session (a dropped connection included). {@link #close()} is safe from
 * any thread.
 */
public final class VoiceSession implements AutoCloseable {

    /** How the user's turns are delimited. */
    public enum Mode {
        /** The server's voice activity detection commits turns and answers them. */
        VAD,
        /** The application marks turns: {@link #pressToTalk()} and {@link #releaseToTalk()}. */
        PUSH_TO_TALK,
        /** A local voice activity detector takes the turns ({@link Builder#localVad}). */
        LOCAL_VAD
    }

    /**
     * What barge-in did with one interrupted item.
     *
     * @param itemId the assistant item
     * @param receivedMillis audio received for it, in ms
     * @param playedMillis audio the user heard, in ms: what {@code audio_end_ms} was set to (0 when deleted)
     * @param deleted whether the item was deleted because none of it was heard
     */
    public record Interruption(String itemId, long receivedMillis, long playedMillis, boolean deleted) {
    }

    /** What {@link #playoutStats()} says before there is a playout buffer: made once, not per call. */
    private static final PlayoutStats NOT_STARTED = PlayoutBuffer.builder().sampleRate(RealtimeAudioFormat.PCM_RATE_HZ)
            .capacityMillis(100).build().stats();

    private final Conversation conversation;
    private final CaptureDevice capture;
    private final PlaybackDevice playback;
    private final Mode mode;
    private final SessionConfig config;
    private final int prebufferMillis;
    private final Duration period;
    private final Sinks.Many<LatencySample> latency = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<TranscriptLine> transcripts = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Interruption> interruptions = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<SpeechEvent> speech = Sinks.many().multicast().directBestEffort();
    private final EchoCanceller.Factory echoCanceller;
    private final LocalVad localVad;
    private final Disposable.Composite running = Disposables.composite();
    private final Object bargeInLock = new Object();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Sinks.One<Void> closed = Sinks.one();
    private final LongAdder skipped = new LongAdder();
    /** G.711 deltas expanded to PCM16 (connection thread only). */
    private short[] expanded = new short[0];

    // Set once the server has accepted the configuration, which decides the wire formats.
    private volatile RealtimeAudioFormat inputFormat;
    private volatile RealtimeAudioFormat outputFormat;
    private volatile PlayoutBuffer playout;
    private volatile AudioInput input;
    private volatile AudioOutput output;
    private volatile NearEnd nearEnd;
    /** Whether this client commits turns and asks for responses (local VAD with the server's turn detection off). */
    private volatile boolean clientCommits;

    private volatile boolean talking;
    private volatile String activeResponse;
    private volatile String playingResponse;
    private volatile long speechStoppedNanos;
    private volatile long responseCreatedNanos;
    private volatile long firstDeltaNanos;
    private volatile boolean firstSamplePending;
    private volatile long concealedAtResponseStart;

    private VoiceSession(Builder b) {
        this.conversation = Objects.requireNonNull(b.conversation, "conversation");
        this.playback = Objects.requireNonNull(b.output, "output");
        this.capture = b.input;
        this.mode = b.mode;
        this.config = b.session;
        this.prebufferMillis = b.prebufferMillis;
        this.period = b.period;
        this.echoCanceller = b.echoCanceller;
        this.localVad = b.localVad;
        if (mode == Mode.LOCAL_VAD && localVad == null) {
            throw new IllegalStateException("LOCAL_VAD mode needs the detector's settings: Builder.localVad(...)");
        }
        // The streams end with the session even if this one never started or its close is still under way.
        conversation.session().closeStatus().subscribe(status -> endStreams(), error -> endStreams());
    }

    private void endStreams() {
        latency.tryEmitComplete();
        transcripts.tryEmitComplete();
        interruptions.tryEmitComplete();
        speech.tryEmitComplete();
    }

    /** A builder: a conversation and an output are required; an input unless audio is only sent with {@link #send}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures the session (the builder's settings, with turn detection for the mode), then opens the
     * ends at the wire formats the server accepted, starts playback and capture, and completes.
     */
    public Mono<VoiceSession> start() {
        SessionConfig.Builder session = config == null ? SessionConfig.builder() : config.toBuilder();
        if (mode == Mode.PUSH_TO_TALK) {
            session.turnDetection(TurnDetection.DISABLED);
        } else if (mode == Mode.LOCAL_VAD) {
            TurnDetection asked = config == null ? null : config.turnDetection();
            clientCommits = asked == null || asked.disabled();
            if (clientCommits) {
                session.turnDetection(TurnDetection.DISABLED);
            }
        } else if (config == null || config.turnDetection() == null) {
            session.turnDetection(TurnDetection.serverVad());
        }
        return Mono.defer(() -> {
            // Any way the session ends closes the ends too; never blocking the connection's thread that signals it.
            running.add(conversation.events().subscribe(this::onEvent, e -> closeGracefully().subscribe(),
                    () -> closeGracefully().subscribe()));
            return conversation.configure(session.build());
        }).publishOn(Schedulers.boundedElastic()).map(accepted -> {
            open(accepted);
            return this;
        });
    }

    /** Opens both ends at the accepted wire formats and starts them. */
    private synchronized void open(SessionConfig accepted) {
        if (closing.get()) {
            return; // the session ended before the server answered: closeEnds() closed the devices
        }
        AudioConfig audio = accepted.audio();
        inputFormat = wireFormat(audio == null || audio.input() == null ? null : audio.input().format());
        outputFormat = wireFormat(audio == null || audio.output() == null ? null : audio.output().format());
        playout = PlayoutBuffer.builder().sampleRate(outputFormat.sampleRateHz()).targetMillis(prebufferMillis).build();
        AudioOutput out = AudioOutput.open(playback, new AudioSpec(outputFormat.pcmFormat(), null, period));
        output = out;
        nearEnd = openNearEnd(out);
        out.start(this::pull);
        try {
            running.add(conversation.session().routeAudio(this::routed));
        } catch (UnsupportedOperationException eventsOnly) {
            // a session that delivers audio in its events only: played from there
        }
        if (capture != null) {
            AudioInput in = AudioInput.open(capture, new AudioSpec(inputFormat.pcmFormat(), null, period));
            input = in;
            running.add(in.frames().subscribe(this::captured, e -> { }, () -> { }));
        }
    }

    /** The canceller and the detector, at the wire rates; null when neither is asked for (then they cost nothing). */
    private NearEnd openNearEnd(AudioOutput out) {
        if (echoCanceller == null && localVad == null) {
            return null;
        }
        int captureRate = inputFormat.sampleRateHz();
        EchoCanceller canceller = echoCanceller == null ? null : echoCanceller.open(captureRate, outputFormat.sampleRateHz());
        VoiceActivityDetector detector;
        try {
            detector = localVad == null ? null : localVad.detector().open(captureRate);
        } catch (RuntimeException e) {
            if (canceller != null) {
                canceller.close();
            }
            throw e;
        }
        // Only speech goes up when this client takes the turns; the server's turn detection needs the silence too.
        NearEnd end = new NearEnd(captureRate, outputFormat.sampleRateHz(), canceller, detector, localVad, !clientCommits,
                new NearEnd.Listener() {
            @Override
            public void send(byte[] pcm16) {
                if (mode != Mode.PUSH_TO_TALK || talking) {
                    append(toWire(pcm16));
                }
            }

            @Override
            public void speechStarted(long positionSamples) {
                localSpeechStarted(positionSamples * 1000 / captureRate);
            }

            @Override
            public void speechStopped(long positionSamples) {
                localSpeechStopped(positionSamples * 1000 / captureRate);
            }
        });
        end.delayMillis((int) out.latency().toMillis());
        return end;
    }

    private void localSpeechStarted(long positionMillis) {
        long startedNanos = System.nanoTime();
        speech.tryEmitNext(new SpeechEvent(SpeechEvent.Kind.STARTED, positionMillis));
        // The server will not cancel what it does not know about: with its turn detection off, this client must.
        boolean cancel = clientCommits || Boolean.FALSE.equals(interruptResponse());
        offTheEventLoop(() -> bargeIn(startedNanos, cancel));
    }

    private void localSpeechStopped(long positionMillis) {
        speechStoppedNanos = System.nanoTime();
        speech.tryEmitNext(new SpeechEvent(SpeechEvent.Kind.STOPPED, positionMillis));
        if (clientCommits) {
            try {
                conversation.commitAudio();
                conversation.respond().subscribe(r -> { }, e -> { });
            } catch (IllegalStateException ended) {
                // the session is over
            }
        }
    }

    private static RealtimeAudioFormat wireFormat(RealtimeAudioFormat accepted) {
        return accepted == null || accepted.type() == null ? RealtimeAudioFormat.PCM16 : accepted;
    }

    /** The format appends are sent in, once {@link #start()} has completed (null before). */
    public RealtimeAudioFormat inputFormat() {
        return inputFormat;
    }

    /** The format the model's audio arrives in, once {@link #start()} has completed (null before). */
    public RealtimeAudioFormat outputFormat() {
        return outputFormat;
    }

    private void captured(AudioFrame frame) {
        NearEnd end = nearEnd;
        if (end != null) {
            byte[] pcm = frame.toByteArray();
            end.process(pcm, 0, pcm.length); // the canceller adapts even while push-to-talk sends nothing
        } else if (mode == Mode.VAD || talking) {
            append(toWire(frame.toByteArray()));
        }
    }

    /** PCM16 bytes at the input rate to the wire's bytes: the same for PCM, companded for G.711. */
    private byte[] toWire(byte[] pcm16) {
        RealtimeAudioFormat format = inputFormat;
        if (format.bytesPerSample() == 2) {
            return pcm16;
        }
        short[] samples = Pcm.toShorts(pcm16);
        return format.encode(samples, 0, samples.length);
    }

    /**
     * Sends audio as if captured, for apps that capture themselves: mono PCM16 little-endian at the input
     * format's rate ({@link #inputFormat()}), encoded to the wire format here. Call after {@link #start()}.
     */
    public void send(byte[] pcm16) {
        if (inputFormat == null) {
            throw new IllegalStateException("the voice session has not started: the input format is not known yet");
        }
        NearEnd end = nearEnd;
        if (end != null) {
            end.process(pcm16, 0, pcm16.length);
        } else {
            append(toWire(pcm16));
        }
    }

    private void append(byte[] wire) {
        try {
            conversation.appendAudio(wire);
        } catch (IllegalStateException ended) {
            // the session is over; capture stops with the close that follows
        }
    }

    /** Push-to-talk: the user starts talking; anything still playing is interrupted. */
    public void pressToTalk() {
        interrupt();
        conversation.clearAudio();
        talking = true;
    }

    /** Push-to-talk: the user stops talking; the turn is committed and answered. */
    public void releaseToTalk() {
        talking = false;
        conversation.commitAudio();
        conversation.respond().subscribe(r -> { }, e -> { });
    }

    /**
     * Interrupts playback now, as barge-in does, and cancels the response in progress. Called on an event
     * loop, it is done just after, on a thread made for waiting.
     */
    public void interrupt() {
        long startedNanos = System.nanoTime();
        offTheEventLoop(() -> bargeIn(startedNanos, true));
    }

    /**
     * Runs {@code action} here, or on a thread made for waiting when this is an event loop: stopping the
     * output waits for the period being written (up to 20 ms), which must never stall a connection.
     * Deltas that arrive meanwhile are harmless: the flush drops them, and later ones of the cut items
     * are ignored.
     */
    private static void offTheEventLoop(Runnable action) {
        if (Schedulers.isInNonBlockingThread()) {
            Schedulers.boundedElastic().schedule(action);
        } else {
            action.run();
        }
    }

    /** Latency figures as they are measured: voice to voice, response to first delta, delta to played, barge-in to silence, underruns. */
    public Flux<LatencySample> latency() {
        return latency.asFlux();
    }

    /** Both sides' transcripts, as they arrive. */
    public Flux<TranscriptLine> transcripts() {
        return transcripts.asFlux();
    }

    /** The local voice activity detector's starts and stops ({@link Mode#LOCAL_VAD}; nothing otherwise). */
    public Flux<SpeechEvent> speech() {
        return speech.asFlux();
    }

    /** Every truncation or deletion barge-in sent, with the played position it was computed from. */
    public Flux<Interruption> interruptions() {
        return interruptions.asFlux();
    }

    /** The playout buffer's statistics (underruns, concealed ms, levels); empty statistics before {@link #start()}. */
    public PlayoutStats playoutStats() {
        PlayoutBuffer buffer = playout;
        return buffer == null ? NOT_STARTED : buffer.stats();
    }

    /**
     * Server events this session could not use and skipped, since it started: an audio delta with no
     * {@code item_id} or whose length is not a whole number of samples (3 bytes of PCM16), a
     * {@code response.done} with no {@code response}, and the like. Never fatal: playback, transcripts and
     * latency go on with the next event. See also {@link Conversation#skippedEvents()}.
     */
    public long skippedEvents() {
        return skipped.sum();
    }

    /**
     * Handles {@code event}; one it cannot use is skipped and counted. Nothing may throw from here: an
     * exception in a subscriber of the session's stream would end this voice session for one bad event.
     */
    private void onEvent(ServerEvent event) {
        try {
            if (!handle(event)) {
                skipped.increment();
            }
        } catch (RuntimeException unusable) {
            skipped.increment();
        }
    }

    /** Handles {@code event}; false when it lacks what handling it needs. */
    private boolean handle(ServerEvent event) {
        if (event instanceof ServerEvent.ResponseCreated e && (e.response() == null || e.response().id() == null)) {
            return false;
        } else if (event instanceof ServerEvent.ResponseDone e && (e.response() == null || e.response().id() == null)) {
            return false;
        } else if (event instanceof ServerEvent.ResponseOutputAudioDelta e && e.itemId() == null && e.delta().length > 0) {
            // (an empty one was routed: counted there if it lacked its item)
            return false;
        }
        if (event instanceof ServerEvent.InputAudioBufferSpeechStarted) {
            long startedNanos = System.nanoTime();
            boolean cancel = Boolean.FALSE.equals(interruptResponse());
            offTheEventLoop(() -> bargeIn(startedNanos, cancel));
        } else if (event instanceof ServerEvent.InputAudioBufferSpeechStopped) {
            speechStoppedNanos = System.nanoTime();
        } else if (event instanceof ServerEvent.ResponseCreated e) {
            activeResponse = e.response().id();
            responseCreatedNanos = System.nanoTime();
            firstDeltaNanos = 0;
        } else if (event instanceof ServerEvent.ResponseOutputAudioDelta e && e.delta().length > 0) {
            // Empty when the audio was routed here straight from the frame (see open()): already played.
            return played(e.responseId(), e.itemId(), e.delta(), 0, e.delta().length);
        } else if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDelta e) {
            transcripts.tryEmitNext(new TranscriptLine(TranscriptLine.Speaker.ASSISTANT, e.itemId(), e.delta(), false));
        } else if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDone e) {
            transcripts.tryEmitNext(new TranscriptLine(TranscriptLine.Speaker.ASSISTANT, e.itemId(), e.transcript(), true));
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted e) {
            transcripts.tryEmitNext(new TranscriptLine(TranscriptLine.Speaker.USER, e.itemId(), e.transcript(), true));
        } else if (event instanceof ServerEvent.ResponseDone e) {
            if (e.response().id().equals(activeResponse)) {
                activeResponse = null;
            }
            PlayoutBuffer buffer = playout;
            if (buffer == null) {
                return true;
            }
            buffer.endOfStream();
            long concealed = buffer.stats().concealedSamples() - concealedAtResponseStart;
            if (concealed > 0 && e.response().id().equals(playingResponse)) {
                emit(LatencySample.Kind.UNDERRUN, concealed * 1_000_000_000L / buffer.sampleRate(), e.response().id());
            }
        }
        return true;
    }

    /** The audio of a delta routed straight from its frame, on the connection's thread, before the delta's event. */
    private void routed(String responseId, String itemId, int outputIndex, int contentIndex, byte[] audio, int offset, int length) {
        try {
            if (itemId == null || !played(responseId, itemId, audio, offset, length)) {
                skipped.increment();
            }
        } catch (RuntimeException unusable) {
            skipped.increment();
        }
    }

    /** Into the playout buffer with {@code audio}, lent, in the wire format; false when it is not whole samples. */
    private boolean played(String responseId, String itemId, byte[] audio, int offset, int length) {
        PlayoutBuffer buffer = playout;
        if (buffer == null) {
            return true; // not started: nothing can play it
        }
        if (length % outputFormat.bytesPerSample() != 0) {
            return false; // not a whole number of samples: what would follow it would be noise
        }
        if (firstDeltaNanos == 0) {
            firstDeltaNanos = System.nanoTime();
            playingResponse = responseId;
            firstSamplePending = true;
            concealedAtResponseStart = buffer.stats().concealedSamples();
            emit(LatencySample.Kind.RESPONSE_TO_FIRST_DELTA, firstDeltaNanos - responseCreatedNanos, responseId);
        }
        // PCM16 goes in as it came (no copy); G.711 is expanded first. IGNORED for an interrupted item: its late deltas never play.
        if (outputFormat.bytesPerSample() == 2) {
            buffer.write(itemId, audio, offset, length);
        } else {
            if (expanded.length < length) {
                expanded = new short[length];
            }
            buffer.write(itemId, expanded, 0, outputFormat.decode(audio, offset, length, expanded));
        }
        return true;
    }

    private Boolean interruptResponse() {
        TurnDetection turnDetection = config == null ? null : config.turnDetection();
        return turnDetection == null ? null : turnDetection.interruptResponse();
    }

    /** The output's pull: the playout buffer, watching for the first real sample of each response. */
    private int pull(short[] out, int offset, int length) {
        int real = playout.read(out, offset, length);
        NearEnd end = nearEnd;
        if (end != null) {
            end.played(out, offset, length); // exactly what goes to the speaker: the canceller's reference
        }
        if (real > 0 && firstSamplePending) {
            firstSamplePending = false;
            long heard = System.nanoTime() + output.latency().toNanos(); // it leaves the speaker after the device buffer
            emit(LatencySample.Kind.DELTA_TO_PLAYED, heard - firstDeltaNanos, playingResponse);
            if (speechStoppedNanos != 0) {
                emit(LatencySample.Kind.VOICE_TO_VOICE, heard - speechStoppedNanos, playingResponse);
                speechStoppedNanos = 0;
            }
        }
        return real;
    }

    private void bargeIn(long startedNanos, boolean cancel) {
        synchronized (bargeInLock) {
            try {
                cut(startedNanos);
            } finally {
                // Only after the cut: the cancel's response.done would otherwise let buffered audio drain out first.
                if (cancel && activeResponse != null) {
                    try {
                        conversation.cancel();
                    } catch (IllegalStateException ended) {
                        // the session is over
                    }
                }
            }
        }
    }

    private void cut(long startedNanos) {
        PlayoutBuffer buffer = playout;
        AudioOutput out = output;
        if (buffer == null || out == null || closing.get()) {
            return;
        }
        if (buffer.state() == PlayoutBuffer.State.IDLE && buffer.stats().levelSamples() == 0) {
            return; // nothing playing or waiting to play: nothing to cut
        }
        long discarded = out.stop();            // silence now; these never reached the ear
        FlushResult flushed = buffer.flush();   // counts a 10 ms fade of buffered audio as played
        out.start(this::pull);                  // plays that fade, then silence
        String lastPlayed = lastInterrupted(flushed);
        int rate = buffer.sampleRate();
        for (ItemPlayout item : flushed.items()) {
            if (!item.interrupted()) {
                continue; // it had played to its end: nothing to correct
            }
            long played = item.playedSamples() - (item.itemId().equals(lastPlayed) ? discarded : 0);
            played = Math.max(0, Math.min(played, item.receivedSamples()));
            long playedMillis = played * 1000 / rate;
            try {
                if (playedMillis == 0) {
                    conversation.delete(item.itemId());
                } else {
                    conversation.truncate(item.itemId(), (int) playedMillis);
                }
            } catch (IllegalStateException ended) {
                return;
            }
            interruptions.tryEmitNext(new Interruption(item.itemId(), item.receivedMillis(), playedMillis, playedMillis == 0));
        }
        long fadeNanos = (long) flushed.fadeSamples() * 1_000_000_000L / rate;
        emit(LatencySample.Kind.BARGE_IN_TO_SILENCE, System.nanoTime() - startedNanos + fadeNanos, activeResponse);
    }

    /** The item the device was playing last: the interrupted one with audio played. */
    private static String lastInterrupted(FlushResult flushed) {
        String last = null;
        for (ItemPlayout item : flushed.items()) {
            if (item.interrupted() && item.playedSamples() > 0) {
                last = item.itemId();
            }
        }
        return last;
    }

    private void emit(LatencySample.Kind kind, long nanos, String responseId) {
        latency.tryEmitNext(new LatencySample(kind, Duration.ofNanos(Math.max(0, nanos)), responseId));
    }

    /**
     * Stops capture and playback, closes both ends and the conversation; completes when all are closed.
     * Idempotent; never blocks the caller: ending a device's thread may take a period, so it happens on
     * a thread made for waiting.
     */
    public Mono<Void> closeGracefully() {
        if (closing.compareAndSet(false, true)) {
            running.dispose();
            Mono.fromRunnable(this::closeEnds).subscribeOn(Schedulers.boundedElastic())
                    .then(conversation.closeGracefully().onErrorResume(e -> Mono.empty()))
                    .doFinally(s -> {
                        endStreams();
                        closed.tryEmitEmpty();
                    })
                    .subscribe(null, e -> { });
        }
        return closed.asMono();
    }

    /** Closes both ends: through rtvoice's loops once opened, the bare devices before. */
    private synchronized void closeEnds() {
        AudioInput in = input;
        AudioOutput out = output;
        if (in != null) {
            in.close();
        } else if (capture != null) {
            capture.close();
        }
        if (out != null) {
            out.close();
        } else {
            playback.close();
        }
        NearEnd end = nearEnd;
        if (end != null) {
            end.close(); // both threads that use it have ended
        }
    }

    /**
     * {@link #closeGracefully()}; safe from any thread. On an ordinary thread it waits, up to 10 s; on a
     * non-blocking one (the connection's own) it starts the close and returns at once.
     */
    @Override
    public void close() {
        Mono<Void> done = closeGracefully();
        if (!Schedulers.isInNonBlockingThread()) {
            done.block(Duration.ofSeconds(10));
        }
    }

    /** Builds a {@link VoiceSession}. */
    public static final class Builder {
        private Conversation conversation;
        private CaptureDevice input;
        private PlaybackDevice output;
        private Mode mode = Mode.VAD;
        private SessionConfig session;
        private int prebufferMillis = 80;
        private Duration period = AudioSpec.DEFAULT_PERIOD;
        private EchoCanceller.Factory echoCanceller;
        private LocalVad localVad;

        private Builder() {
        }

        /** The conversation to talk in. */
        public Builder conversation(Conversation conversation) {
            this.conversation = conversation;
            return this;
        }

        /**
         * Where the user's voice comes from ({@link io.rtvoice.audio.AudioBackend#openCapture}, or an end
         * of your own); it is read at the session's input rate. The session owns it from now on and closes it.
         */
        public Builder input(CaptureDevice input) {
            this.input = input;
            return this;
        }

        /**
         * Where the model's voice goes ({@link io.rtvoice.audio.AudioBackend#openPlayback}, or an end of your
         * own); it is fed at the session's output rate. The session owns it from now on and closes it.
         */
        public Builder output(PlaybackDevice output) {
            this.output = output;
            return this;
        }

        /** VAD (default), push-to-talk, or local VAD (which {@link #localVad} sets). */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Session settings (instructions, voice, audio formats, transcription, turn detection …) sent at start. */
        public Builder session(SessionConfig session) {
            this.session = session;
            return this;
        }

        /**
         * Cancels the echo of the model's voice in the user's audio, for speakers rather than a headset:
         * e.g. {@code WebRtcAudio.echoCanceller()} from {@code rtvoice-audio-webrtc}. Off by default.
         */
        public Builder echoCanceller(EchoCanceller.Factory echoCanceller) {
            this.echoCanceller = echoCanceller;
            return this;
        }

        /**
         * Takes the turns locally with a voice activity detector ({@link LocalVad}; e.g.
         * {@code LocalVad.of(WebRtcAudio.voiceActivityDetector())}) and sets the mode to {@link Mode#LOCAL_VAD}.
         */
        public Builder localVad(LocalVad localVad) {
            this.localVad = Objects.requireNonNull(localVad, "localVad");
            this.mode = Mode.LOCAL_VAD;
            return this;
        }

        /** Audio buffered before playback starts, in ms (default 80). */
        public Builder prebufferMillis(int millis) {
            this.prebufferMillis = millis;
            return this;
        }

        /** Audio per append and per playback pull (default 20 ms; 5 to 200 ms). */
        public Builder period(Duration period) {
            this.period = Objects.requireNonNull(period, "period");
            return this;
        }

        /** The session, not yet started. */
        public VoiceSession build() {
            return new VoiceSession(this);
        }
    }
}
