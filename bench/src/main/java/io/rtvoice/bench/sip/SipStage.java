package io.rtvoice.bench.sip;

/** What the sip command measures; all in microseconds. */
enum SipStage {
    RTP_TO_APPEND("RTP in -> append out",
            "the caller sent a 20 ms packet -> the gateway's client handed the append that completes it to the transport "
                    + "(UDP, reordering, the 40 ms jitter buffer, the capture thread's 20 ms reads, VoiceSession, the client's "
                    + "send queue); one value per packet"),
    DELTA_TO_RTP("first delta in -> RTP out",
            "the answer's first audio delta at the transport -> the caller received its first packet with sound "
                    + "(decode, the 80 ms playout prebuffer, the playback thread, the 20 ms RTP clock, UDP)"),
    PREBUFFERED_TO_RTP("80 ms in -> RTP out",
            "the delta that brought the answer to 80 ms (the prebuffer) at the transport -> the same packet at the caller: "
                    + "the gateway without the prebuffer's wait");

    final String label;
    final String meaning;

    SipStage(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }
}
