package io.rtvoice.telephony.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.audio.G711;
import io.rtvoice.event.RealtimeAudioFormat;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Twilio Media Stream ({@code <Connect><Stream>}, bidirectional): from Twilio {@code connected}, {@code start},
 * {@code media} (base64 μ-law, 8 kHz, 20 ms), {@code mark}, {@code dtmf}, {@code stop}; to it {@code media},
 * {@code mark} and {@code clear}, each with the stream's {@code streamSid}. The voice session's audio is
 * {@code audio/pcmu} both ways: no resampling.
 *
 * <p><b>What was played.</b> Every 20 ms chunk sent is followed by a mark; Twilio returns a mark when the audio
 * before it has played, so the last mark returned is the played position. Twilio answers a {@code clear} by
 * discarding its buffered audio and returning the marks of that audio at once, which are not plays: marks returned
 * after a clear was sent are ignored (see {@link StreamPlayback}).
 */
public final class TwilioStream extends StreamSession {

    private static final Base64.Decoder BASE64_IN = Base64.getDecoder();
    private static final Base64.Encoder BASE64_OUT = Base64.getEncoder();
    private volatile String streamSid;

    public TwilioStream(String provisionalId, StreamSettings settings) {
        super("twilio", provisionalId, settings);
    }

    @Override
    protected void onMessage(JsonNode message) {
        String event = message.path("event").asText("");
        switch (event) {
            case "connected" -> { }
            case "start" -> start(message);
            case "media" -> media(message.path("media"));
            case "mark" -> {
                StreamPlayback out = playback();
                if (out == null) {
                    reject("a mark before start");
                } else {
                    out.acknowledged(message.path("mark").path("name").asText(null));
                }
            }
            case "dtmf" -> {
                String digit = message.path("dtmf").path("digit").asText("");
                if (!hasStarted()) {
                    reject("dtmf before start");
                } else if (digit.length() != 1 || "0123456789*#ABCD".indexOf(digit.charAt(0)) < 0) {
                    reject("dtmf digit '" + truncate(digit) + "'");
                } else {
                    dtmf(digit.charAt(0));
                }
            }
            case "stop" -> end("caller", "Twilio stopped the stream", 1000);
            default -> reject("unknown event '" + truncate(event) + "'");
        }
    }

    private void start(JsonNode message) {
        JsonNode start = message.path("start");
        String sid = start.path("streamSid").asText(message.path("streamSid").asText(""));
        String callSid = start.path("callSid").asText("");
        JsonNode format = start.path("mediaFormat");
        if (hasStarted()) {
            reject("a second start");
            return;
        }
        if (sid.isEmpty()) {
            reject("a start without streamSid");
            end("gateway", "a start without streamSid", 1008);
            return;
        }
        String encoding = format.path("encoding").asText("audio/x-mulaw");
        int rate = format.path("sampleRate").asInt(8_000);
        int channels = format.path("channels").asInt(1);
        if (!encoding.equals("audio/x-mulaw") || rate != 8_000 || channels != 1) {
            reject("media format " + encoding + " " + rate + " Hz " + channels + " ch (expected audio/x-mulaw 8000 Hz 1 ch)");
            end("gateway", "an unsupported media format", 1008);
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        start.path("customParameters").properties().forEach(e -> parameters.put(e.getKey(), e.getValue().asText()));
        streamSid = sid;
        start(callSid.isEmpty() ? sid : callSid, sid, encoding, rate, RealtimeAudioFormat.G711_ULAW, true, Map.copyOf(parameters),
                new StreamPlayback.Carrier() {
                    @Override
                    public void audio(short[] samples, int offset, int length) {
                        byte[] ulaw = new byte[length];
                        G711.encodeMuLaw(samples, offset, ulaw, 0, length);
                        send(JSON.createObjectNode().put("event", "media").put("streamSid", sid)
                                .set("media", JSON.createObjectNode().put("payload", BASE64_OUT.encodeToString(ulaw))).toString());
                    }

                    @Override
                    public void mark(String name) {
                        send(JSON.createObjectNode().put("event", "mark").put("streamSid", sid)
                                .set("mark", JSON.createObjectNode().put("name", name)).toString());
                    }

                    @Override
                    public void clear() {
                        send(JSON.createObjectNode().put("event", "clear").put("streamSid", sid).toString());
                    }
                });
    }

    private void media(JsonNode media) {
        if (!hasStarted()) {
            reject("media before start");
            return;
        }
        String track = media.path("track").asText("inbound");
        if (!track.equals("inbound") && !track.equals("inbound_track")) {
            reject("media of track '" + truncate(track) + "'");
            return;
        }
        byte[] ulaw;
        try {
            ulaw = BASE64_IN.decode(media.path("payload").asText(""));
        } catch (IllegalArgumentException bad) {
            reject("media payload is not base64");
            return;
        }
        if (ulaw.length == 0) {
            reject("media without payload");
            return;
        }
        short[] pcm = new short[ulaw.length];
        G711.decodeMuLaw(ulaw, 0, pcm, 0, ulaw.length);
        audio(pcm);
    }

    /** The stream's id, once started. */
    String streamSid() {
        return streamSid;
    }

    static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
