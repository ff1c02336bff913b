package io.rtvoice.audio.webrtc.internal;

import dev.onvoid.webrtc.media.audio.VoiceActivityDetector;
import io.rtvoice.audio.Pcm;

/** WebRTC's voice activity detector through webrtc-java: a probability per 10 ms frame. */
public final class WebRtcVoiceActivityDetector implements io.rtvoice.audio.spi.VoiceActivityDetector {

    private final VoiceActivityDetector vad = new VoiceActivityDetector();
    private final int rate;
    private final int frame;
    private final byte[] bytes;
    private boolean closed;

    /** A detector for audio at {@code sampleRateHz}. */
    public WebRtcVoiceActivityDetector(int sampleRateHz) {
        if (sampleRateHz < 8_000 || sampleRateHz > 48_000 || sampleRateHz % 100 != 0) {
            vad.dispose();
            throw new IllegalArgumentException("WebRTC's voice activity detector takes 8 to 48 kHz, not " + sampleRateHz + " Hz");
        }
        this.rate = sampleRateHz;
        this.frame = sampleRateHz / 100;
        this.bytes = new byte[frame * 2];
    }

    @Override
    public float speechProbability(short[] samples, int offset) {
        Pcm.toBytes(samples, offset, bytes, 0, frame);
        vad.process(bytes, frame, rate);
        return vad.getLastVoiceProbability();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            vad.dispose();
        }
    }
}
