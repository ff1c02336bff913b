package io.rtvoice.bench.relay;

/** What the relay command measures; all in microseconds. */
enum RelayStage {
    PAGE_TO_APPEND("page frame -> append out",
            "the page sent a 20 ms frame -> the relay's client handed the append that completes it to the transport "
                    + "(page socket, PageSession, VoiceSession, the client's send queue); one value per frame"),
    DELTA_TO_PAGE("first delta in -> page",
            "the answer's first audio delta at the transport -> the page received its first non-zero sample "
                    + "(decode, the 80 ms playout prebuffer, the playback thread, PagePlayback's pacing, the page socket)"),
    PREBUFFERED_TO_PAGE("80 ms in -> page",
            "the delta that brought the answer to 80 ms (the prebuffer) at the transport -> the same sample at the page: "
                    + "the relay without the prebuffer's wait"),
    PAGE_PLAYOUT("page received -> played",
            "the page's simulated player: the first answer sample waits behind what the relay sent ahead (its playback lead)"),
    DELTA_TO_PLAYED("first delta in -> played", "the answer's first audio delta at the transport -> played at the page");

    final String label;
    final String meaning;

    RelayStage(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }
}
