package io.rtvoice.telephony;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.audio.G711;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Twilio as a program: it sends {@code connected}, {@code start}, then 20 ms μ-law {@code media} at real-time pace,
 * and plays what it is sent at its own clock, one chunk per 20 ms, returning each mark once the audio before it has
 * played. A {@code clear} drops what it had not played and returns every mark still queued at once, as Twilio does.
 */
final class TwilioCaller extends CarrierFixture {

    static final String STREAM_SID = "MZ00000000000000000000000000000001";
    static final String CALL_SID = "CA00000000000000000000000000000001";

    private final ArrayDeque<Object> queued = new ArrayDeque<>(); // byte[] chunks and String marks, in order
    private long sequence;
    long played;                 // frames played
    long firstSound = -1;        // the played count where sound began (the answer)
    final List<Long> playedAtClear = new java.util.concurrent.CopyOnWriteArrayList<>(); // the answer's frames played when each clear came
    int marksReturned;

    TwilioCaller() {
        super(8_000);
    }

    static TwilioCaller dial(MediaStreamServer server) {
        return dial(server, null);
    }

    /** Dials with {@code signature} as the upgrade's {@code X-Twilio-Signature} (null: none). */
    static TwilioCaller dial(MediaStreamServer server, String signature) {
        TwilioCaller caller = new TwilioCaller();
        caller.connect(URI.create("ws://127.0.0.1:" + server.port() + "/twilio"),
                signature == null ? Map.of() : Map.of("X-Twilio-Signature", signature));
        return caller;
    }

    /** {@code connected} and {@code start}, at once. */
    TwilioCaller start() {
        sendNow("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
        ObjectNode start = JSON.createObjectNode().put("event", "start").put("sequenceNumber", String.valueOf(++sequence))
                .put("streamSid", STREAM_SID);
        ObjectNode body = start.putObject("start").put("accountSid", "AC0").put("streamSid", STREAM_SID).put("callSid", CALL_SID);
        body.putArray("tracks").add("inbound");
        body.putObject("customParameters").put("caller", "+15550001");
        body.putObject("mediaFormat").put("encoding", "audio/x-mulaw").put("sampleRate", 8_000).put("channels", 1);
        sendNow(start.toString());
        return this;
    }

    String media(byte[] ulaw) {
        ObjectNode media = JSON.createObjectNode().put("event", "media").put("sequenceNumber", String.valueOf(++sequence))
                .put("streamSid", STREAM_SID);
        media.putObject("media").put("track", "inbound").put("chunk", String.valueOf(chunksSent + 1))
                .put("timestamp", String.valueOf(chunksSent * 20)).put("payload", Base64.getEncoder().encodeToString(ulaw));
        return media.toString();
    }

    @Override
    String inbound(short[] pcm) {
        return media(G711.encodeMuLaw(pcm));
    }

    @Override
    void tick() {
        returnMarks();
        Object next = queued.poll();
        if (next instanceof byte[] chunk) {
            if (firstSound < 0) {
                for (byte b : chunk) {
                    if (b != (byte) 0xFF && b != (byte) 0x7F) {
                        firstSound = played;
                        break;
                    }
                }
            }
            played += chunk.length;
        }
        returnMarks();
    }

    private void returnMarks() {
        while (queued.peek() instanceof String name) {
            queued.poll();
            returnMark(name);
        }
    }

    private void returnMark(String name) {
        marksReturned++;
        ObjectNode mark = JSON.createObjectNode().put("event", "mark").put("sequenceNumber", String.valueOf(++sequence))
                .put("streamSid", STREAM_SID);
        mark.putObject("mark").put("name", name);
        queue(mark.toString());
    }

    /** The answer's audio played so far, in ms. */
    long answerPlayedMillis() {
        return firstSound < 0 ? 0 : (played - firstSound) / 8;
    }

    @Override
    void onMessage(JsonNode message) {
        switch (message.path("event").asText()) {
            case "media" -> queued.add(Base64.getDecoder().decode(message.path("media").path("payload").asText()));
            case "mark" -> queued.add(message.path("mark").path("name").asText());
            case "clear" -> {
                playedAtClear.add(answerPlayedMillis());
                while (!queued.isEmpty()) {
                    if (queued.poll() instanceof String name) {
                        returnMark(name);
                    }
                }
            }
            default -> { }
        }
    }

    /** A {@code stop}, at once. */
    void stop() {
        ObjectNode stop = JSON.createObjectNode().put("event", "stop").put("sequenceNumber", String.valueOf(++sequence))
                .put("streamSid", STREAM_SID);
        stop.putObject("stop").put("accountSid", "AC0").put("callSid", CALL_SID);
        sendNow(stop.toString());
    }
}
