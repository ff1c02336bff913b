package io.rtvoice.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The page's speaker as a playback end: what it says was played, before and after clears. */
class PagePlaybackTest {

    /** A page that queues what it is sent and answers a clear with {@code answer} (or not at all when null). */
    private static final class Page implements PagePlayback.Page {
        final List<byte[]> audio = new CopyOnWriteArrayList<>();
        int clears;
        LongConsumer answer;

        @Override
        public void audio(byte[] pcm16) {
            audio.add(pcm16);
        }

        @Override
        public void clear() {
            clears++;
            if (answer != null) {
                answer.accept(0);
            }
        }
    }

    private static PagePlayback playback(Page page, Duration ackTimeout) {
        return new PagePlayback(24_000, Duration.ofMillis(200), Duration.ofSeconds(1), ackTimeout, page);
    }

    @Test
    void anAbortGoesByThePagesAnswerExactly() {
        Page page = new Page();
        PagePlayback end = playback(page, Duration.ofSeconds(5));
        end.write(new short[480], 0, 480);
        end.write(new short[480], 0, 480);
        end.played(300); // a report: behind what the page had really played when it cleared
        // The page answers the clear from its own thread, as a socket would: it had played 700 samples.
        page.answer = ignored -> new Thread(() -> end.cleared(700)).start();
        long dropped = end.abort();
        assertThat(page.clears).isEqualTo(1);
        assertThat(dropped).isEqualTo(960 - 700);
        assertThat(end.playedFrames()).isEqualTo(700);
        // played == written - dropped, and later audio counts from there.
        end.write(new short[480], 0, 480);
        end.played(700 + 480);
        assertThat(end.playedFrames()).isEqualTo(1_180);
        assertThat(page.audio).hasSize(3).allSatisfy(b -> assertThat(b).hasSize(960));
    }

    @Test
    void withoutAnAnswerTheLastReportStandsAndALateAnswerIsNotCountedTwice() {
        Page page = new Page();
        PagePlayback end = playback(page, Duration.ofMillis(20));
        end.write(new short[480], 0, 480);
        end.played(200);
        long dropped = end.abort(); // no answer within 20 ms: a little early, never late
        assertThat(dropped).isEqualTo(280);
        assertThat(end.playedFrames()).isEqualTo(200);
        end.write(new short[480], 0, 480); // sent: 680 on our count
        end.cleared(250);  // the page had in truth played 250 when it cleared: 50 more than we went by
        end.played(250 + 100);
        end.write(new short[1], 0, 0); // takes the answer in
        assertThat(end.playedFrames()).as("100 of the new audio, not 150").isEqualTo(300);
    }

    @Test
    void nothingSentNothingToClear() {
        Page page = new Page();
        PagePlayback end = playback(page, Duration.ofSeconds(5));
        assertThat(end.abort()).isZero();
        end.write(new short[480], 0, 480);
        end.played(480);
        assertThat(end.abort()).isZero();
        assertThat(page.clears).isZero();
    }

    @Test
    void aCloseEndsAWaitingWrite() throws Exception {
        Page page = new Page();
        PagePlayback end = new PagePlayback(24_000, Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofSeconds(1), page);
        end.write(new short[960], 0, 960); // 40 ms: as far ahead as the page may be without a report
        Thread writer = new Thread(() -> end.write(new short[480], 0, 480));
        writer.start();
        end.close();
        writer.join(5_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(page.audio).hasSize(1);
    }
}
