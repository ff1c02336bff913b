package io.rtvoice.bench.latency;

/** What the latency command measures, per turn; all in microseconds. */
enum Stage {
    CONNECT("connect", "WebSocket handshake, TLS and authentication included"),
    SPEECH_END_TO_FIRST_DELTA("speech end -> first audio delta",
            "last voiced frame sent to the first audio delta received (includes the server VAD's silence wait)"),
    RESPONSE_TO_FIRST_DELTA("response.created -> first delta", "the model's time to first audio"),
    FIRST_DELTA_TO_OUTPUT("first delta -> output", "first delta received to its first sample handed to the output device"),
    SPEECH_END_TO_HEARD("speech end -> heard", "voice to voice: last voiced frame sent to the reply leaving the speaker"),
    SPEECH_STOPPED_TO_HEARD("speech_stopped -> heard", "the server's end-of-speech event to the reply leaving the speaker"),
    DELTA_GAP("inter-delta gap", "time between consecutive audio deltas of one response"),
    UNDERRUN("underrun", "silence concealed in a turn whose audio came too late (one value per such turn)"),
    BARGE_IN_TO_SILENCE("barge-in -> silence", "speech_started during playback to silence: flush, fade and device buffer");

    final String label;
    final String meaning;

    Stage(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }

    /** The name used in the JSON summary and the histogram log. */
    String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
