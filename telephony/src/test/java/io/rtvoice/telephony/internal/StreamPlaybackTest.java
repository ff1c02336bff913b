package io.rtvoice.telephony.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The media stream's playback end alone, with a recorder as the carrier. */
class StreamPlaybackTest {

    /** What the carrier was sent: {@code audio:160}, {@code mark:c1}, {@code clear}. */
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final StreamPlayback.Carrier carrier = new StreamPlayback.Carrier() {
        @Override
        public void audio(short[] samples, int offset, int length) {
            sent.add("audio:" + length);
        }

        @Override
        public void mark(String name) {
            sent.add("mark:" + name);
        }

        @Override
        public void clear() {
            sent.add("clear");
        }
    };

    private StreamPlayback twilio(Duration maxAhead) {
        return new StreamPlayback(8_000, true, Duration.ofMillis(100), maxAhead, carrier);
    }

    @Test
    void eachChunkIsFollowedByAMarkAndThePlayedPositionIsTheLastMarkReturned() {
        StreamPlayback end = twilio(Duration.ofSeconds(1));
        end.write(new short[800], 0, 800); // 100 ms: within the lead, sent at once
        assertThat(sent).containsExactly("audio:160", "mark:c1", "audio:160", "mark:c2", "audio:160", "mark:c3",
                "audio:160", "mark:c4", "audio:160", "mark:c5");
        assertThat(end.playedFrames()).isZero();
        assertThat(end.acknowledged("c2")).isTrue();
        assertThat(end.playedFrames()).isEqualTo(320);
        assertThat(end.acknowledged("c1")).as("an older mark, late").isTrue();
        assertThat(end.playedFrames()).as("never decreases").isEqualTo(320);
        assertThat(end.acknowledged("never-sent")).isFalse();
        assertThat(end.marksIgnored()).isEqualTo(1);
    }

    @Test
    void marksReturnedAfterAClearAreIgnoredAndPlaybackGoesOn() {
        StreamPlayback end = twilio(Duration.ofSeconds(1));
        end.write(new short[800], 0, 800);
        end.acknowledged("c2");
        assertThat(end.abort()).as("sent but not acknowledged").isEqualTo(480);
        assertThat(sent).endsWith("clear");
        // Twilio returns the cleared audio's marks at once: not plays.
        assertThat(end.acknowledged("c3")).isFalse();
        assertThat(end.acknowledged("c5")).isFalse();
        assertThat(end.playedFrames()).isEqualTo(320);
        end.write(new short[160], 0, 160);
        assertThat(sent).endsWith("audio:160", "mark:c6");
        assertThat(end.acknowledged("c6")).isTrue();
        assertThat(end.playedFrames()).isEqualTo(480);
    }

    @Test
    void aCarrierThatStopsAcknowledgingHoldsTheWriterAndAbortReleasesIt() throws Exception {
        StreamPlayback end = twilio(Duration.ofMillis(200));
        Thread writer = new Thread(() -> end.write(new short[16_000], 0, 16_000)); // 2 s
        writer.start();
        reactor.core.publisher.Flux.interval(Duration.ofMillis(5)).filter(t -> sent.size() >= 20).blockFirst(Duration.ofSeconds(5));
        writer.join(300);
        assertThat(writer.isAlive()).as("held at 200 ms beyond what was acknowledged").isTrue();
        assertThat(sent.stream().filter(s -> s.startsWith("audio")).count()).isEqualTo(10);
        end.abort();
        writer.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(writer.isAlive()).isFalse();
        end.close();
    }

    @Test
    void pacedWithoutAcknowledgementWhatWasSentIsPlayedAndAClearFollowsOnlyAudio() {
        StreamPlayback end = new StreamPlayback(16_000, false, Duration.ofMillis(100), Duration.ofSeconds(1), carrier);
        long start = System.nanoTime();
        end.write(new short[1_600], 0, 1_600); // 100 ms, five 20 ms chunks in real time
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).as("real time: the last chunk is due at 80 ms").isGreaterThanOrEqualTo(70);
        assertThat(sent).containsExactly("audio:320", "audio:320", "audio:320", "audio:320", "audio:320");
        assertThat(end.playedFrames()).isEqualTo(1_600);
        assertThat(end.abort()).isZero();
        assertThat(end.abort()).isZero();
        assertThat(sent.stream().filter("clear"::equals)).as("one clear: none without audio since").hasSize(1);
        assertThat(end.playedFrames()).isEqualTo(1_600);
    }
}
