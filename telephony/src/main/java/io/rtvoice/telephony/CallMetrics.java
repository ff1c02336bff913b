package io.rtvoice.telephony;

import java.time.Duration;

/**
 * One call's figures, as it ended. For a carrier's media stream ({@link MediaStreamServer}) packets are the stream's
 * audio messages (20 ms each), nothing is lost or reordered (a WebSocket is ordered), and rejected counts the
 * messages that could not be used.
 *
 * @param duration from the INVITE to the end
 * @param packetsIn RTP audio packets received and used
 * @param packetsOut RTP audio packets sent
 * @param lost packets never received (sequence gaps)
 * @param lateOrDuplicate packets dropped because their place had passed or they came twice
 * @param reordered packets that came out of order and were put back in it
 * @param rejected datagrams on the call's RTP port that were not usable RTP: malformed, a payload type not
 *                 negotiated, or from a stranger
 * @param dtmfIn DTMF digits received
 * @param turns responses the model completed
 * @param bargeIns answers the caller interrupted
 * @param voiceToVoiceP50 the median of the end of the caller's speech to the answer's first packet on the wire; null without turns
 * @param voiceToVoiceP95 the 95th percentile of the same; null without turns
 */
public record CallMetrics(Duration duration, long packetsIn, long packetsOut, long lost, long lateOrDuplicate, long reordered,
        long rejected, long dtmfIn, int turns, int bargeIns, Duration voiceToVoiceP50, Duration voiceToVoiceP95) {
}
