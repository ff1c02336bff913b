package io.rtvoice.telephony;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.audio.Pcm;
import java.net.URI;
import java.util.Base64;
import java.util.List;

/**
 * Azure Communication Services as a program: {@code AudioMetadata}, then 20 ms {@code AudioData} of PCM16 at
 * real-time pace; what it is sent it just plays (ACS confirms nothing), counting it, until a {@code StopAudio}.
 */
final class AcsCaller extends CarrierFixture {

    static final String SUBSCRIPTION = "6e4c2a1f-0000-4000-8000-000000000001";

    long receivedFrames;
    long firstSound = -1;
    final List<Long> receivedAtStop = new java.util.concurrent.CopyOnWriteArrayList<>(); // the answer's ms received when each StopAudio came

    AcsCaller(int rate) {
        super(rate);
    }

    static AcsCaller dial(MediaStreamServer server, int rate) {
        AcsCaller caller = new AcsCaller(rate);
        caller.connect(URI.create("ws://127.0.0.1:" + server.port() + "/acs"));
        return caller;
    }

    AcsCaller metadata() {
        ObjectNode meta = JSON.createObjectNode().put("kind", "AudioMetadata");
        meta.putObject("audioMetadata").put("subscriptionId", SUBSCRIPTION).put("encoding", "PCM").put("sampleRate", rate)
                .put("channels", 1).put("length", chunk * 2);
        sendNow(meta.toString());
        return this;
    }

    @Override
    String inbound(short[] pcm) {
        ObjectNode data = JSON.createObjectNode().put("kind", "AudioData");
        data.putObject("audioData").put("data", Base64.getEncoder().encodeToString(Pcm.toBytes(pcm)))
                .put("timestamp", "2026-12-05T15:00:00.000Z").put("participantRawID", "8:acs:caller").put("silent", false);
        return data.toString();
    }

    @Override
    void tick() {
        // ACS plays what it gets; nothing to return
    }

    long answerReceivedMillis() {
        return firstSound < 0 ? 0 : (receivedFrames - firstSound) * 1000 / rate;
    }

    @Override
    void onMessage(JsonNode message) {
        switch (message.path("kind").asText()) {
            case "AudioData" -> {
                short[] pcm = Pcm.toShorts(Base64.getDecoder().decode(message.path("audioData").path("data").asText()));
                if (firstSound < 0) {
                    for (short s : pcm) {
                        if (s != 0) {
                            firstSound = receivedFrames;
                            break;
                        }
                    }
                }
                receivedFrames += pcm.length;
            }
            case "StopAudio" -> receivedAtStop.add(answerReceivedMillis());
            default -> { }
        }
    }
}
