package io.rtvoice.audio.webrtc;

import io.rtvoice.audio.spi.EchoCanceller;
import io.rtvoice.audio.spi.VoiceActivityDetector;
import io.rtvoice.audio.webrtc.internal.Natives;
import io.rtvoice.audio.webrtc.internal.WebRtcEchoCanceller;
import io.rtvoice.audio.webrtc.internal.WebRtcVoiceActivityDetector;

/**
 * WebRTC's audio processing for a {@link io.rtvoice.voice.VoiceSession}: its echo canceller (AEC3, the one
 * browsers run) and its voice activity detector, through webrtc-java's native library.
 *
 * <pre>{@code
 * VoiceSession.builder().conversation(conversation).input(microphone).output(speaker)
 *         .echoCanceller(WebRtcAudio.echoCanceller())
 *         .localVad(LocalVad.of(WebRtcAudio.voiceActivityDetector()))
 *         .build();
 * }</pre>
 *
 * <p>Each session opens its own canceller and detector (native state, released when the session closes). The
 * native library is Linux x86-64's as shipped here; other platforms add webrtc-java's jar of their classifier.
 * Where it cannot load, opening fails with an {@link IllegalStateException} that says so.
 */
public final class WebRtcAudio {

    private WebRtcAudio() {
    }

    /**
     * WebRTC's acoustic echo canceller (AEC3): noise suppression and gain control off, so only the echo goes;
     * the high-pass filter on, as AEC3 expects. 10 ms frames at 8, 16, 24, 32 or 48 kHz.
     */
    public static EchoCanceller.Factory echoCanceller() {
        return (captureRateHz, playbackRateHz) -> {
            Natives.load();
            return new WebRtcEchoCanceller(captureRateHz, playbackRateHz);
        };
    }

    /** WebRTC's voice activity detector (a pitch and spectral model behind a probability), at 8 to 48 kHz. */
    public static VoiceActivityDetector.Factory voiceActivityDetector() {
        return sampleRateHz -> {
            Natives.load();
            return new WebRtcVoiceActivityDetector(sampleRateHz);
        };
    }

    /** Whether the native library loads here (for an app choosing a fallback, and for tests). */
    public static boolean available() {
        try {
            Natives.load();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
