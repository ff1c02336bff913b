package io.rtvoice.emulator.internal;

import io.rtvoice.Dialect;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Frames of the hostile faults: what a broken or malicious server sends, in the connection's dialect. */
final class HostileFrames {

    private static final int FLOOD_DELTAS = 16;
    private static final int FLOOD_DELTA_BYTES = 256 * 1024;

    private HostileFrames() {
    }

    /**
     * Frames a client cannot use, each of which it must skip (and may count) without losing the
     * connection or the events around them.
     */
    static List<byte[]> invalidEvents(Dialect dialect) {
        String audioDelta = dialect == Dialect.GA ? "response.output_audio.delta" : "response.audio.delta";
        String transcriptDelta = dialect == Dialect.GA ? "response.output_audio_transcript.delta" : "response.audio_transcript.delta";
        List<String> frames = List.of(
                "[1,2,3]",
                "\"just a string\"",
                "{\"type\":\"error\"}",
                "{\"type\":\"response.done\"}",
                "{\"type\":\"session.updated\",\"session\":\"not an object\"}",
                // No item_id, and three bytes of audio: not a whole PCM16 sample.
                "{\"type\":\"" + audioDelta + "\",\"response_id\":\"resp_hostile\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}",
                "{\"type\":\"" + audioDelta + "\",\"item_id\":\"item_hostile\",\"response_id\":\"resp_hostile\",\"delta\":12345}",
                "{\"type\":\"" + transcriptDelta + "\"}",
                "{\"type\":\"rtvoice.no_such_event\",\"event_id\":\"event_hostile\"}",
                "{\"type\":\"response.created\",\"response\":{\"id\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}}");
        List<byte[]> bytes = new ArrayList<>(frames.size());
        frames.forEach(f -> bytes.add(f.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }

    /** Large audio deltas, at once, for a response and item the client never heard of. */
    static List<byte[]> flood(EventCodec codec, String eventId) {
        byte[] silence = new byte[FLOOD_DELTA_BYTES];
        List<byte[]> frames = new ArrayList<>(FLOOD_DELTAS);
        for (int i = 0; i < FLOOD_DELTAS; i++) {
            frames.add(codec.encode(new ServerEvent.ResponseOutputAudioDelta(eventId + "_" + i, "resp_flood", "item_flood", 0, 0, silence)));
        }
        return frames;
    }
}
