package io.rtvoice.voice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.testing.InMemoryTransport;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The SPI fits an end whose clock is far away: a phone-line-like end that sends 20 ms packets of μ-law
 * in real time and learns what was played only from acknowledgements that arrive 60 ms later (marks,
 * RTCP, a page's counter). Barge-in truncates at what was acknowledged: never after what was sent.
 */
class RemoteEndTest {

    private static final Duration TIMEOUT = InMemoryTransport.TIMEOUT;
    private static final AudioFormat EIGHT_K = AudioFormat.pcm16(8_000, 1);

    /** Sends in real time; a far end acknowledges each packet 60 ms after it was sent. */
    static final class RemoteLine implements PlaybackDevice {
        static final long ACK_DELAY_MILLIS = 60;
        private final ScheduledExecutorService farEnd = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "far-end");
            t.setDaemon(true);
            return t;
        });
        private long startNanos = -1;
        private long sent;       // frames sent to the far end (frames written: a remote end buffers nothing here)
        private long acked;      // frames the far end said it played
        private long dropped;    // frames discarded by aborts, never to be acknowledged
        private long aborts;
        private long firstSound = -1; // the frame at which the answer began: silence is sent before it

        @Override
        public AudioDevice device() {
            return new AudioDevice("remote", "a line whose far end acknowledges what it played", true, List.of(EIGHT_K));
        }

        @Override
        public AudioFormat format() {
            return EIGHT_K;
        }

        @Override
        public void write(short[] interleaved, int offset, int length) {
            long dueNanos;
            long generation;
            synchronized (this) {
                if (startNanos < 0) {
                    startNanos = System.nanoTime();
                }
                generation = aborts;
                dueNanos = startNanos + sent * 1_000_000_000L / 8_000; // RTP time: one packet per packet time
            }
            for (long wait = dueNanos - System.nanoTime(); wait > 0; wait = dueNanos - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            synchronized (this) {
                if (generation != aborts) {
                    return;
                }
                for (int i = 0; i < length && firstSound < 0; i++) {
                    if (interleaved[offset + i] != 0) {
                        firstSound = sent + i;
                    }
                }
                sent += length;
                long upTo = sent;
                long sentIn = aborts;
                farEnd.schedule(() -> acknowledge(upTo, sentIn), ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        private synchronized void acknowledge(long upTo, long sentIn) {
            if (sentIn == aborts) { // the far end cleared what was sent before an abort: no late acks for it
                acked = Math.max(acked, upTo);
            }
        }

        @Override
        public synchronized long playedFrames() {
            return acked;
        }

        @Override
        public synchronized long abort() {
            aborts++;
            long unacknowledged = sent - acked; // "clear": the far end drops what it had not played
            dropped += unacknowledged;
            sent = acked;
            startNanos = -1;
            return unacknowledged;
        }

        @Override
        public Duration latency() {
            return Duration.ofMillis(ACK_DELAY_MILLIS);
        }

        /** Frames of the answer sent so far. */
        synchronized long answerSent() {
            return firstSound < 0 ? 0 : sent - firstSound;
        }

        @Override
        public void close() {
            farEnd.shutdownNow();
        }
    }

    @Test
    void bargeInOnAMuLawLineTruncatesAtWhatTheFarEndAcknowledged() {
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            RemoteLine line = new RemoteLine();
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(line)
                    .session(SessionConfig.builder().inputAudioFormat(RealtimeAudioFormat.G711_ULAW)
                            .outputAudioFormat(RealtimeAudioFormat.G711_ULAW).build())
                    .build();
            List<VoiceSession.Interruption> cuts = new java.util.concurrent.CopyOnWriteArrayList<>();
            voice.interruptions().subscribe(cuts::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            short[] answer = Signals.tone(300, 8_000, 0.4, 3.0); // three seconds, sent as μ-law
            server.push(InMemoryTransport.responseCreated("resp_1"));
            server.push(delta(RealtimeAudioFormat.G711_ULAW.encode(answer, 0, answer.length)));
            Flux.interval(Duration.ofMillis(5)).filter(t -> line.playedFrames() >= 6_000).blockFirst(TIMEOUT);
            long sentAtBargeIn = line.answerSent();
            server.push("{\"type\":\"input_audio_buffer.speech_started\",\"event_id\":\"e_s\",\"audio_start_ms\":900,"
                    + "\"item_id\":\"item_user\"}");
            JsonNode truncate = server.awaitReceived("conversation.item.truncate");
            Flux.interval(Duration.ofMillis(5)).filter(t -> !cuts.isEmpty()).blockFirst(TIMEOUT);
            voice.close();

            long audioEnd = truncate.path("audio_end_ms").asLong();
            long sentMillis = sentAtBargeIn / 8;
            System.out.printf("remote end: sent %d ms by the barge-in, truncated at %d ms (acks lag %d ms)%n",
                    sentMillis, audioEnd, RemoteLine.ACK_DELAY_MILLIS);
            // What the far end had acknowledged: behind what was sent by about the ack delay, never ahead of it.
            assertThat(audioEnd).isLessThanOrEqualTo(sentMillis);
            assertThat(audioEnd).isGreaterThanOrEqualTo(sentMillis - RemoteLine.ACK_DELAY_MILLIS - 60);
            assertThat(audioEnd).isGreaterThanOrEqualTo(500);
            assertThat(cuts).singleElement().satisfies(c -> assertThat(c.playedMillis()).isEqualTo(audioEnd));
        }
    }

    private static String delta(byte[] wire) {
        return JsonNodeFactory.instance.objectNode().put("type", "response.output_audio.delta").put("event_id", "e_d")
                .put("response_id", "resp_1").put("item_id", "item_1").put("output_index", 0).put("content_index", 0)
                .put("delta", Base64.getEncoder().encodeToString(wire)).toString();
    }
}
