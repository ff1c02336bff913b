package io.rtvoice.audio.webrtc.internal;

import dev.onvoid.webrtc.media.audio.AudioProcessing;
import dev.onvoid.webrtc.media.audio.AudioProcessingConfig;
import dev.onvoid.webrtc.media.audio.AudioProcessingStreamConfig;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.spi.EchoCanceller;

/**
 * WebRTC's AEC3 through webrtc-java's {@link AudioProcessing}. The render side ({@link #played}) and the
 * capture side ({@link #capture}) each have their own buffers: WebRTC's audio processing takes them from
 * two threads, as a browser's audio stack does.
 */
public final class WebRtcEchoCanceller implements EchoCanceller {

    private final AudioProcessing apm = new AudioProcessing();
    private final AudioProcessingStreamConfig captureConfig;
    private final AudioProcessingStreamConfig renderConfig;
    private final int captureFrame;
    private final int renderFrame;
    private final byte[] captureIn;
    private final byte[] captureOut;
    private final byte[] renderIn;
    private final byte[] renderOut;
    private volatile int delayMillis;
    private volatile boolean closed;

    /** A canceller for capture at {@code captureRateHz} and playback at {@code playbackRateHz}. */
    public WebRtcEchoCanceller(int captureRateHz, int playbackRateHz) {
        checkRate(captureRateHz);
        checkRate(playbackRateHz);
        AudioProcessingConfig config = new AudioProcessingConfig();
        config.echoCanceller.enabled = true;
        config.highPassFilter.enabled = true;
        config.noiseSuppression.enabled = false; // the service has its own; the user's voice stays as it was
        config.gainControl.enabled = false;
        apm.applyConfig(config);
        captureConfig = new AudioProcessingStreamConfig(captureRateHz, 1);
        renderConfig = new AudioProcessingStreamConfig(playbackRateHz, 1);
        captureFrame = captureRateHz / 100;
        renderFrame = playbackRateHz / 100;
        captureIn = new byte[captureFrame * 2];
        captureOut = new byte[captureFrame * 2];
        renderIn = new byte[renderFrame * 2];
        renderOut = new byte[renderFrame * 2];
    }

    private static void checkRate(int rate) {
        if (rate != 8_000 && rate != 16_000 && rate != 24_000 && rate != 32_000 && rate != 48_000) {
            throw new IllegalArgumentException("WebRTC's echo canceller takes 8, 16, 24, 32 or 48 kHz, not " + rate + " Hz");
        }
    }

    @Override
    public void played(short[] frame, int offset) {
        if (closed) {
            return;
        }
        Pcm.toBytes(frame, offset, renderIn, 0, renderFrame);
        apm.processReverseStream(renderIn, renderConfig, renderConfig, renderOut);
    }

    @Override
    public void capture(short[] frame, int offset, short[] out, int outOffset) {
        if (closed) {
            System.arraycopy(frame, offset, out, outOffset, captureFrame);
            return;
        }
        Pcm.toBytes(frame, offset, captureIn, 0, captureFrame);
        apm.setStreamDelayMs(delayMillis); // WebRTC asks for it before every capture frame
        int error = apm.processStream(captureIn, captureConfig, captureConfig, captureOut);
        if (error != 0) {
            System.arraycopy(frame, offset, out, outOffset, captureFrame); // never lose the user's audio
            return;
        }
        Pcm.toShorts(captureOut, 0, out, outOffset, captureFrame);
    }

    @Override
    public void delayMillis(int millis) {
        delayMillis = Math.max(0, Math.min(500, millis));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            apm.dispose();
        }
    }
}
