package io.rtvoice.telephony.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.G711;
import org.junit.jupiter.api.Test;

/** The caller's packets put back in order: reordered, late, duplicate and lost ones, and a new stream. */
class RtpCaptureTest {

    /** The level every sample of a packet holds: its sequence number shows in what is read back. */
    private static short level(int seq) {
        return G711.decodeMuLaw(G711.encodeMuLaw((short) ((seq % 40) * 700 - 14_000)));
    }

    private static RtpPacket packet(int seq) {
        return packet(seq, 1);
    }

    private static RtpPacket packet(int seq, long ssrc) {
        short[] pcm = new short[160];
        java.util.Arrays.fill(pcm, level(seq));
        return new RtpPacket(0, false, seq & 0xFFFF, seq * 160L, ssrc, G711.encodeMuLaw(pcm));
    }

    /** The level of each of the next {@code packets} periods read (what was delivered is past the jitter target). */
    private static short[] readBack(RtpCapture capture, int packets) {
        short[] levels = new short[packets];
        short[] buffer = new short[160];
        for (int i = 0; i < packets; i++) {
            capture.read(buffer, 0, 160);
            levels[i] = buffer[80];
        }
        return levels;
    }

    @Test
    void outOfOrderPacketsArePutBackAndDuplicatesDropped() {
        RtpCapture capture = new RtpCapture(true);
        for (int seq : new int[] {65534, 0, 65535, 1, 1, 3, 2, 65533, 4}) { // wraps at 65535; 65533 is late
            capture.received(packet(seq));
        }
        assertThat(capture.used()).isEqualTo(7);
        assertThat(capture.reordered()).isEqualTo(2);
        assertThat(capture.lateOrDuplicate()).isEqualTo(2);
        assertThat(capture.lost()).isZero();
        assertThat(readBack(capture, 7)).containsExactly(level(65534), level(65535), level(0), level(1), level(2), level(3), level(4));
        capture.close();
    }

    @Test
    void aGapIsGivenUpAfterAFewPacketsAndANewStreamStartsOver() {
        RtpCapture capture = new RtpCapture(true);
        capture.received(packet(10));
        for (int seq = 12; seq <= 16; seq++) { // 11 never comes
            capture.received(packet(seq));
        }
        assertThat(capture.lost()).isEqualTo(1);
        assertThat(capture.used()).isEqualTo(6);
        capture.received(packet(5_000)); // another stream (a restart): taken, not counted as 4,983 lost
        assertThat(capture.used()).isEqualTo(7);
        assertThat(capture.lost()).isEqualTo(1);
        capture.close();
    }

    @Test
    void audioThatPiledUpIsDroppedSoTheDelayStaysBounded() {
        RtpCapture capture = new RtpCapture(true);
        for (int seq = 0; seq < 50; seq++) { // a second at once: a burst after a stall
            capture.received(packet(seq));
        }
        short[] buffer = new short[160];
        capture.read(buffer, 0, 160);
        assertThat(capture.droppedSamples()).isGreaterThan(6_000);
        // What is read is recent: from the last 120 ms of the burst, not its start.
        assertThat(buffer[80]).isIn(level(43), level(44), level(45), level(46), level(47), level(48), level(49));
        capture.close();
    }

    @Test
    void aNewSsrcIsANewStreamEvenWithSequenceNumbersBehind() {
        RtpCapture capture = new RtpCapture(true);
        for (int seq = 1_000; seq < 1_003; seq++) {
            capture.received(packet(seq, 1));
        }
        // The SBC switched the media source: a new SSRC whose numbering is 20 behind the old one's.
        for (int seq = 980; seq < 984; seq++) {
            capture.received(packet(seq, 2));
        }
        assertThat(capture.lateOrDuplicate()).as("not taken for late packets").isZero();
        assertThat(capture.used()).isEqualTo(7);
        assertThat(capture.lost()).isZero();
        assertThat(readBack(capture, 7)).containsExactly(level(1_000), level(1_001), level(1_002),
                level(980), level(981), level(982), level(983));
        capture.close();
    }
}
