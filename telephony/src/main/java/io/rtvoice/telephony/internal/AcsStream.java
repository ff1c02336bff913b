package io.rtvoice.telephony.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.audio.Pcm;
import io.rtvoice.event.RealtimeAudioFormat;
import java.util.Base64;
import java.util.Map;

/**
 * An Azure Communication Services bidirectional audio stream (Call Automation media streaming): from ACS
 * {@code AudioMetadata} (subscription, PCM, 16 or 24 kHz, mono, frame length) then {@code AudioData} (base64 PCM16
 * little-endian, 20 ms) and, with DTMF tones enabled, {@code DtmfData}; to it {@code AudioData} and {@code StopAudio}. The voice session's wire stays PCM16 at
 * 24 kHz: at 16 kHz the session's own audio pipeline resamples both ways (core's {@link io.rtvoice.audio.Resampler},
 * streaming, as for any capture or playback end at another rate).
 *
 * <p><b>What was played.</b> ACS acknowledges nothing. Audio is sent in real time, 20 ms at a time with no lead, and
 * what was sent counts as played (as RTP does for the SIP gateway); a barge-in sends {@code StopAudio}, which
 * drops what ACS still holds. The truncation may be late by ACS's own buffer (tens of ms), never by more.
 *
 * <p>The stream ends when ACS closes the socket (it has no stop message). Several participants' audio
 * ({@code audioChannelType: unmixed}) is not mixed here: use {@code mixed}; unmixed audio is taken as it comes.
 */
public final class AcsStream extends StreamSession {

    private static final Base64.Decoder BASE64_IN = Base64.getDecoder();
    private static final Base64.Encoder BASE64_OUT = Base64.getEncoder();

    public AcsStream(String provisionalId, StreamSettings settings) {
        super("acs", provisionalId, settings);
    }

    @Override
    protected void onMessage(JsonNode message) {
        String kind = message.path("kind").asText("");
        switch (kind) {
            case "AudioMetadata" -> metadata(message.path("audioMetadata"));
            case "AudioData" -> data(message.path("audioData"));
            case "DtmfData" -> { // streamed when the call's media streaming options enable DTMF tones
                String digit = message.path("dtmfData").path("data").asText("");
                if (!hasStarted()) {
                    reject("DtmfData before AudioMetadata");
                } else if (digit.length() != 1 || "0123456789*#ABCD".indexOf(digit.charAt(0)) < 0) {
                    reject("DtmfData '" + TwilioStream.truncate(digit) + "'");
                } else {
                    dtmf(digit.charAt(0));
                }
            }
            default -> reject("unknown kind '" + TwilioStream.truncate(kind) + "'");
        }
    }

    private void metadata(JsonNode meta) {
        if (hasStarted()) {
            reject("a second AudioMetadata");
            return;
        }
        String subscription = meta.path("subscriptionId").asText("");
        String encoding = meta.path("encoding").asText("PCM");
        int rate = meta.path("sampleRate").asInt(24_000);
        int channels = meta.path("channels").asInt(1);
        if (!encoding.equalsIgnoreCase("PCM") || rate != 16_000 && rate != 24_000 || channels != 1) {
            reject("audio format " + encoding + " " + rate + " Hz " + channels + " ch (expected PCM 16000|24000 Hz 1 ch)");
            end("gateway", "an unsupported audio format", 1008);
            return;
        }
        String id = subscription.isEmpty() ? "acs" : subscription;
        start(id, id, "PCM", rate, RealtimeAudioFormat.PCM16, false, Map.of(), new StreamPlayback.Carrier() {
            @Override
            public void audio(short[] samples, int offset, int length) {
                byte[] pcm = new byte[length * 2];
                Pcm.toBytes(samples, offset, pcm, 0, length);
                send(JSON.createObjectNode().put("kind", "AudioData")
                        .set("audioData", JSON.createObjectNode().put("data", BASE64_OUT.encodeToString(pcm))).toString());
            }

            @Override
            public void mark(String name) {
                // ACS has no marks
            }

            @Override
            public void clear() {
                send("{\"kind\":\"StopAudio\",\"audioData\":null,\"stopAudio\":{}}");
            }
        });
    }

    private void data(JsonNode data) {
        if (!hasStarted()) {
            reject("AudioData before AudioMetadata");
            return;
        }
        byte[] bytes;
        try {
            bytes = BASE64_IN.decode(data.path("data").asText(""));
        } catch (IllegalArgumentException bad) {
            reject("AudioData is not base64");
            return;
        }
        if (bytes.length % 2 != 0) {
            reject("AudioData of " + bytes.length + " bytes is not whole PCM16 samples");
            return;
        }
        if (bytes.length == 0) {
            return; // a silent frame may come without data: nothing to hear
        }
        short[] pcm = new short[bytes.length / 2];
        Pcm.toShorts(bytes, 0, pcm, 0, pcm.length);
        audio(pcm);
    }
}
