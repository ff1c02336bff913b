package io.rtvoice.voice;

import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.FlushResult;
import io.rtvoice.audio.ItemPlayout;
import io.rtvoice.audio.PcmSource;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.time.Duration;
import java.util.Objects;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Microphone ↔ model ↔ speaker over a {@link Conversation}: captured audio (24 kHz mono PCM16, one
 * period per {@code input_audio_buffer.append}) goes up; the model's audio goes through a
 * {@link PlayoutBuffer} to the output device. Both devices convert with rtvoice's resampler.
 *
 * <p><b>Barge-in.</b> When the user starts speaking during playback ({@code speech_started} in VAD
 * mode, {@link #pressToTalk()} in push-to-talk mode, or {@link #interrupt()}), the session:
 * <ol>
 *   <li>stops the output device at once, discarding its buffer, and flushes the playout buffer with a
 *       10 ms fade, so silence comes within one period;</li>
 *   <li>for each interrupted item, computes what the user really heard: the samples the playout buffer
 *       handed to the device (fade included), minus those the device discarded unplayed — never wall
 *       time, and never more than the audio received;</li>
 *   <li>sends {@code conversation.item.truncate} at that many milliseconds; an item of which nothing
 *       was heard is deleted instead (a truncate at 0 ms is refused by the service for some items, and
 *       the model should not believe it was heard); an item that had already played to its end gets
 *       nothing;</li>
 *   <li>cancels the response when the server will not ({@code interrupt_response: false}, push-to-talk,
 *       {@link #interrupt()}); late deltas of the interrupted items are ignored.</li>
 * </ol>
 * Playback state and the output's resampler restart at that boundary, never on a silence timer.
 */
public final class VoiceSession implements AutoCloseable {

    /** How the user's turns are delimited. */
    public enum Mode {
        /** The server's voice activity detection commits turns and answers them. */
        VAD,
        /** The application marks turns: {@link #pressToTalk()} and {@link #releaseToTalk()}. */
        PUSH_TO_TALK
    }

    private static final int RATE = 24_000;

    private final Conversation conversation;
    private final AudioInput input;
    private final AudioOutput output;
    private final Mode mode;
    private final SessionConfig config;
    private final PlayoutBuffer playout;
    private final PcmSource speaker;
    private final Sinks.Many<LatencySample> latency = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<TranscriptLine> transcripts = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Truncation> truncations = Sinks.many().multicast().directBestEffort();
    private final Disposable.Composite running = Disposables.composite();
    private final Object bargeInLock = new Object();

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
        this.output = Objects.requireNonNull(b.output, "output");
        this.input = b.input;
        this.mode = b.mode;
        this.config = b.session;
        if (output.spec().format().sampleRate() != RATE || (input != null && input.spec().format().sampleRate() != RATE)) {
            throw new IllegalArgumentException("open the devices with AudioSpec.of(24000): the session's audio is 24 kHz PCM16");
        }
        this.playout = PlayoutBuffer.builder().sampleRate(RATE).targetMillis(b.prebufferMillis).build();
        this.speaker = this::pull;
    }

    /** A builder: a conversation and an output are required; an input unless audio is only sent with {@link #send}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures the session (the builder's settings, with turn detection for the mode), starts playback
     * and capture, and completes when the server has accepted the configuration.
     */
    public Mono<VoiceSession> start() {
        SessionConfig.Builder session = (config == null ? SessionConfig.builder() : config.toBuilder());
        if (mode == Mode.PUSH_TO_TALK) {
            session.turnDetection(TurnDetection.DISABLED);
        } else if (config == null || config.audio() == null || config.audio().input() == null
                || config.audio().input().turnDetection() == null) {
            session.turnDetection(TurnDetection.serverVad());
        }
        running.add(conversation.events().subscribe(this::onEvent, e -> close(), () -> { }));
        return conversation.configure(session.build()).map(accepted -> {
            output.start(speaker);
            if (input != null) {
                running.add(input.frames().subscribe(this::captured, e -> { }, () -> { }));
            }
            return this;
        });
    }

    private void captured(AudioFrame frame) {
        if (mode == Mode.VAD || talking) {
            send(frame.toByteArray());
        }
    }

    /** Sends audio (24 kHz mono PCM16) as if captured: for apps that capture themselves. */
    public void send(byte[] pcm16) {
        try {
            conversation.appendAudio(pcm16);
        } catch (IllegalStateException ended) {
            // the session is over; capture stops with close()
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

    /** Interrupts playback now, as barge-in does, and cancels the response in progress. */
    public void interrupt() {
        bargeIn(System.nanoTime(), true);
    }

    /** Latency figures as they are measured: voice to voice, response to first delta, delta to played, barge-in to silence, underruns. */
    public Flux<LatencySample> latency() {
        return latency.asFlux();
    }

    /** Both sides' transcripts, as they arrive. */
    public Flux<TranscriptLine> transcripts() {
        return transcripts.asFlux();
    }

    /** Every truncation or deletion barge-in sent, with the played position it was computed from. */
    public Flux<Truncation> truncations() {
        return truncations.asFlux();
    }

    /** The playout buffer's statistics (underruns, concealed ms, levels). */
    public io.rtvoice.audio.PlayoutStats playoutStats() {
        return playout.stats();
    }

    /**
     * What barge-in did with one interrupted item.
     *
     * @param itemId the assistant item
     * @param receivedMs audio received for it
     * @param playedMs audio the user heard: what {@code audio_end_ms} was set to (0 when deleted)
     * @param deleted whether the item was deleted because none of it was heard
     */
    public record Truncation(String itemId, long receivedMs, long playedMs, boolean deleted) {
    }

    private void onEvent(ServerEvent event) {
        if (event instanceof ServerEvent.InputAudioBufferSpeechStarted) {
            bargeIn(System.nanoTime(), Boolean.FALSE.equals(interruptResponse()));
        } else if (event instanceof ServerEvent.InputAudioBufferSpeechStopped) {
            speechStoppedNanos = System.nanoTime();
        } else if (event instanceof ServerEvent.ResponseCreated e) {
            activeResponse = e.response().id();
            responseCreatedNanos = System.nanoTime();
            firstDeltaNanos = 0;
        } else if (event instanceof ServerEvent.ResponseOutputAudioDelta e) {
            if (firstDeltaNanos == 0) {
                firstDeltaNanos = System.nanoTime();
                playingResponse = e.responseId();
                firstSamplePending = true;
                concealedAtResponseStart = playout.stats().concealedSamples();
                emit(LatencySample.Kind.RESPONSE_TO_FIRST_DELTA, firstDeltaNanos - responseCreatedNanos, e.responseId());
            }
            playout.write(e.itemId(), e.delta()); // IGNORED for an interrupted item: its late deltas never play
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
            playout.endOfStream();
            long concealed = playout.stats().concealedSamples() - concealedAtResponseStart;
            if (concealed > 0 && e.response().id().equals(playingResponse)) {
                emit(LatencySample.Kind.UNDERRUN, concealed * 1_000_000_000L / RATE, e.response().id());
            }
        }
    }

    private Boolean interruptResponse() {
        if (config == null || config.audio() == null || config.audio().input() == null
                || config.audio().input().turnDetection() == null) {
            return null;
        }
        return config.audio().input().turnDetection().interruptResponse();
    }

    /** The output's pull: the playout buffer, watching for the first real sample of each response. */
    private int pull(short[] out, int offset, int length) {
        int real = playout.read(out, offset, length);
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
        PlayoutBuffer.State state = playout.state();
        if (state == PlayoutBuffer.State.IDLE && playout.stats().levelSamples() == 0) {
            return; // nothing playing or waiting to play: nothing to cut
        }
        long discarded = output.stop();          // silence now; these never reached the ear
        FlushResult flushed = playout.flush();   // counts a 10 ms fade of buffered audio as played
        output.start(speaker);                   // plays that fade, then silence
        String lastPlayed = lastInterrupted(flushed);
        for (ItemPlayout item : flushed.items()) {
            if (!item.interrupted()) {
                continue; // it had played to its end: nothing to correct
            }
            long played = item.playedSamples() - (item.itemId().equals(lastPlayed) ? discarded : 0);
            played = Math.max(0, Math.min(played, item.receivedSamples()));
            long playedMs = played * 1000 / RATE;
            try {
                if (playedMs == 0) {
                    conversation.delete(item.itemId());
                } else {
                    conversation.truncate(item.itemId(), (int) playedMs);
                }
            } catch (IllegalStateException ended) {
                return;
            }
            truncations.tryEmitNext(new Truncation(item.itemId(), item.receivedMillis(), playedMs, playedMs == 0));
        }
        long fadeNanos = (long) flushed.fadeSamples() * 1_000_000_000L / RATE;
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

    /** Stops capture and playback and closes the conversation; the devices are closed too. */
    @Override
    public void close() {
        running.dispose();
        if (input != null) {
            input.close();
        }
        output.close();
        conversation.close();
        latency.tryEmitComplete();
        transcripts.tryEmitComplete();
        truncations.tryEmitComplete();
    }

    /** Builds a {@link VoiceSession}. */
    public static final class Builder {
        private Conversation conversation;
        private AudioInput input;
        private AudioOutput output;
        private Mode mode = Mode.VAD;
        private SessionConfig session;
        private int prebufferMillis = 80;

        private Builder() {
        }

        /** The conversation to talk in. */
        public Builder conversation(Conversation conversation) {
            this.conversation = conversation;
            return this;
        }

        /** Where the user's voice comes from: open it with {@code AudioSpec.of(24000)}. */
        public Builder input(AudioInput input) {
            this.input = input;
            return this;
        }

        /** Where the model's voice goes: open it with {@code AudioSpec.of(24000)}. */
        public Builder output(AudioOutput output) {
            this.output = output;
            return this;
        }

        /** VAD (default) or push-to-talk. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Session settings (instructions, voice, transcription, turn detection …) sent at start. */
        public Builder session(SessionConfig session) {
            this.session = session;
            return this;
        }

        /** Audio buffered before playback starts (default 80 ms). */
        public Builder prebufferMillis(int millis) {
            this.prebufferMillis = millis;
            return this;
        }

        /** The session, not yet started. */
        public VoiceSession build() {
            return new VoiceSession(this);
        }
    }
}
