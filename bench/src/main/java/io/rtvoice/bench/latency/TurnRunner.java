package io.rtvoice.bench.latency;

import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.VoiceSession;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Flux;

/**
 * One measured turn, the way an app runs it: connect, a {@link VoiceSession} with server VAD, an utterance
 * spoken at real-time pace followed by silence, the answer played through a real output backend. A
 * barge-in turn speaks again once part of the answer has been heard.
 */
final class TurnRunner {

    private final RealtimeClient client;
    private final AudioBackend speakerBackend;
    private final AudioSpec speakerSpec;
    private final int prebufferMillis;
    private final byte[] utterance;
    private final byte[] interruption;
    private final int bargeInAfterMillis;
    private final Duration timeout;
    private final Measurements measurements;

    TurnRunner(RealtimeClient client, AudioBackend speakerBackend, AudioSpec speakerSpec, int prebufferMillis,
            byte[] utterance, byte[] interruption, int bargeInAfterMillis, Duration timeout, Measurements measurements) {
        this.client = client;
        this.speakerBackend = speakerBackend;
        this.speakerSpec = speakerSpec;
        this.prebufferMillis = prebufferMillis;
        this.utterance = utterance;
        this.interruption = interruption;
        this.bargeInAfterMillis = bargeInAfterMillis;
        this.timeout = timeout;
        this.measurements = measurements;
    }

    void run(boolean bargeIn) {
        long connecting = System.nanoTime();
        RealtimeSession session = client.connect().block(timeout);
        measurements.record(Stage.CONNECT, System.nanoTime() - connecting);
        Conversation conversation = Conversation.over(session);
        PlaybackDevice speaker;
        try {
            speaker = speakerBackend.openPlayback(speakerSpec);
        } catch (RuntimeException e) {
            conversation.close();
            throw e;
        }
        VoiceSession voice = VoiceSession.builder().conversation(conversation).output(speaker)
                .prebufferMillis(prebufferMillis).build();
        try (Microphone microphone = new Microphone(voice::send)) {
            Turn turn = new Turn(microphone, speaker.latency().toNanos());
            conversation.events().subscribe(turn::onEvent, turn::onEnd);
            voice.latency().subscribe(turn::onSample);
            voice.start().block(timeout);
            microphone.start();
            microphone.say(utterance);
            int responses = 1;
            if (bargeIn) {
                long heardEnough = voice.outputFormat().pcmFormat().samplesForMillis(bargeInAfterMillis);
                await(turn, () -> voice.playoutStats().playedSamples() >= heardEnough);
                microphone.say(interruption);
                responses = 2; // the interrupted one (cancelled) and the answer to the interruption
            }
            int expected = responses;
            await(turn, () -> turn.responsesDone.get() >= expected && voice.playoutStats().state() == PlayoutBuffer.State.IDLE);
            long underruns = voice.playoutStats().underruns();
            measurements.underruns.addAndGet(underruns);
            if (underruns > 0) {
                measurements.turnsWithUnderrun.incrementAndGet();
            }
        } finally {
            voice.close();
        }
    }

    /** Waits for {@code condition}; a session that ends or reports an error fails the turn at once. */
    private void await(Turn turn, BooleanSupplier condition) {
        Flux.interval(Duration.ofMillis(5)).map(tick -> {
            if (turn.failure != null) {
                throw new IllegalStateException(turn.failure);
            }
            return condition.getAsBoolean();
        }).filter(done -> done).blockFirst(timeout);
    }

    /** The turn's events and samples, turned into stage measurements as they happen. */
    private final class Turn {
        private final Microphone microphone;
        private final long speakerLatencyNanos;
        private final Map<String, Long> speechEndByResponse = new ConcurrentHashMap<>();
        final AtomicInteger responsesDone = new AtomicInteger();
        private volatile String currentResponse;
        private volatile long lastDeltaNanos;
        private volatile boolean firstDeltaSeen;
        volatile String failure;

        Turn(Microphone microphone, long speakerLatencyNanos) {
            this.microphone = microphone;
            this.speakerLatencyNanos = speakerLatencyNanos;
        }

        void onEvent(ServerEvent event) {
            long now = System.nanoTime();
            if (event instanceof ServerEvent.ResponseCreated e) {
                currentResponse = e.response().id();
                lastDeltaNanos = 0;
                firstDeltaSeen = false;
            } else if (event instanceof ServerEvent.ResponseOutputAudioDelta e) {
                measurements.audioDeltas.incrementAndGet();
                if (lastDeltaNanos != 0 && e.responseId().equals(currentResponse)) {
                    measurements.record(Stage.DELTA_GAP, now - lastDeltaNanos);
                }
                lastDeltaNanos = now;
                if (!firstDeltaSeen) {
                    firstDeltaSeen = true;
                    long speechEnd = microphone.takeSpeechEnd();
                    if (speechEnd != 0) {
                        measurements.record(Stage.SPEECH_END_TO_FIRST_DELTA, now - speechEnd);
                        speechEndByResponse.put(e.responseId(), speechEnd);
                    }
                }
            } else if (event instanceof ServerEvent.ResponseDone) {
                responsesDone.incrementAndGet();
            } else if (event instanceof ServerEvent.Error e) {
                failure = "server error: " + e.error().code() + " " + e.error().message();
            }
        }

        void onEnd(Throwable cause) {
            failure = "session ended: " + cause;
        }

        void onSample(LatencySample sample) {
            long nanos = sample.value().toNanos();
            switch (sample.kind()) {
                case RESPONSE_TO_FIRST_DELTA -> measurements.record(Stage.RESPONSE_TO_FIRST_DELTA, nanos);
                case DELTA_TO_PLAYED -> {
                    // Emitted as the first sample is handed to the output; the device adds its own latency.
                    measurements.record(Stage.FIRST_DELTA_TO_OUTPUT, nanos - speakerLatencyNanos);
                    Long speechEnd = sample.responseId() == null ? null : speechEndByResponse.remove(sample.responseId());
                    if (speechEnd != null) {
                        measurements.record(Stage.SPEECH_END_TO_HEARD, System.nanoTime() + speakerLatencyNanos - speechEnd);
                    }
                }
                case VOICE_TO_VOICE -> measurements.record(Stage.SPEECH_STOPPED_TO_HEARD, nanos);
                case BARGE_IN_TO_SILENCE -> measurements.record(Stage.BARGE_IN_TO_SILENCE, nanos);
                case UNDERRUN -> measurements.record(Stage.UNDERRUN, nanos);
                default -> { }
            }
        }
    }
}
