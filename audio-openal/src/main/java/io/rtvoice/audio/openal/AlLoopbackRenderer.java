package io.rtvoice.audio.openal;

import static org.lwjgl.openal.ALC10.ALC_FALSE;
import static org.lwjgl.openal.ALC10.ALC_FREQUENCY;
import static org.lwjgl.openal.ALC10.alcCloseDevice;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lwjgl.openal.ALC;
import org.lwjgl.openal.SOFTLoopback;
import org.lwjgl.openal.SOFTOutputLimiter;

/**
 * An OpenAL Soft loopback device under an {@link AlPlayback}: it plays nothing by itself, and mixes only
 * when {@link #render} is called, on the caller's thread. Those calls are its clock, and the two sides
 * wait for each other: a write with the ring full waits for a render to take a buffer, and a render waits
 * for the writer to have queued more than it renders, up to 200 ms per buffer, so a renderer faster than
 * real time never starves the source. With no stream running (nothing written or started since the last
 * abort) a render gives silence at once.
 *
 * <p>Nothing mixed waits in the device, whatever latency it reports, and a device nobody renders is not
 * lost: the writer waits until an abort frees it.
 *
 * <p>State: a float buffer of one 10 ms step, written by {@code render} only. Threads: {@code render} on
 * one rendering thread, with the playback's lock held and its context current; the {@link AlPacer}
 * methods as there.
 */
final class AlLoopbackRenderer implements AlPacer {

    /** How long a render waits for the writer, per buffer, before rendering what there is. */
    private static final long RENDER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final long device;
    private final int channels;
    private final int stepFrames;
    /** Renders float, then rounds: OpenAL Soft dithers 16-bit output, which would hide bit-exactness. */
    private final FloatBuffer rendered;

    private AlLoopbackRenderer(long device, int rate, int channels) {
        this.device = device;
        this.channels = channels;
        this.stepFrames = AlPlayback.bufferFrames(rate);
        this.rendered = ByteBuffer.allocateDirect(stepFrames * channels * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The one device of a loopback backend, as listed and as opened. */
    static AudioDevice device(int rate, int channels) {
        return new AudioDevice("loopback", "OpenAL Soft loopback: renders into memory on demand", true,
                List.of(AudioFormat.pcm16(rate, channels)));
    }

    /** Opens an OpenAL Soft loopback device, which plays nothing and renders on demand into memory. */
    static AlPlayback openPlayback(int rate, int channels) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels : " + channels + " (expected: 1 or 2)");
        }
        if (!ALC.getCapabilities().ALC_SOFT_loopback) {
            throw new AudioDeviceException(AudioDeviceException.Reason.BACKEND_UNAVAILABLE,
                    "the OpenAL library lacks ALC_SOFT_loopback");
        }
        long device = SOFTLoopback.alcLoopbackOpenDeviceSOFT((CharSequence) null);
        if (device == 0L) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "cannot open an OpenAL loopback device: "
                    + Al.alcError(0L));
        }
        int alcChannels = channels == 1 ? SOFTLoopback.ALC_MONO_SOFT : SOFTLoopback.ALC_STEREO_SOFT;
        if (!SOFTLoopback.alcIsRenderFormatSupportedSOFT(device, rate, alcChannels, SOFTLoopback.ALC_FLOAT_SOFT)) {
            alcCloseDevice(device);
            throw new AudioDeviceException(AudioDeviceException.Reason.UNSUPPORTED_FORMAT, "the OpenAL loopback device "
                    + "cannot render " + rate + " Hz, " + channels + " channel(s), float");
        }
        int[] attributes = {
                SOFTLoopback.ALC_FORMAT_CHANNELS_SOFT, alcChannels,
                SOFTLoopback.ALC_FORMAT_TYPE_SOFT, SOFTLoopback.ALC_FLOAT_SOFT,
                ALC_FREQUENCY, rate,
                SOFTOutputLimiter.ALC_OUTPUT_LIMITER_SOFT, ALC_FALSE, // render exactly, never compress
                0};
        return AlPlayback.onNewContext(device, attributes, AudioDeviceException.Reason.UNSUPPORTED_FORMAT,
                "cannot create a context on the OpenAL loopback device",
                context -> new AlPlayback(device(rate, channels), device, context, new AlLoopbackRenderer(device, rate, channels)));
    }

    /**
     * Renders the next {@code frames} frames of {@code playback}'s device into {@code out} (interleaved,
     * its length already checked) in 10 ms steps, each once the writer has queued more than the step or
     * after 200 ms; once the playback is closed, silence. Called by {@link AlPlayback#render} with the
     * playback's lock held and its context current.
     */
    void render(AlPlayback playback, short[] out, int frames) throws InterruptedException {
        int done = 0;
        while (done < frames) {
            int n = Math.min(stepFrames, frames - done);
            // More than n queued: a source that plays its last queued frame stops (an underrun), even if the
            // writer was on time. And playing: a new source starts only once its ring is full.
            if (!playback.awaitQueued(n, RENDER_WAIT_NANOS)) {
                Arrays.fill(out, done * channels, frames * channels, (short) 0); // closed
                return;
            }
            rendered.clear();
            SOFTLoopback.alcRenderSamplesSOFT(device, rendered, n);
            for (int i = 0, base = done * channels; i < n * channels; i++) {
                float x = rendered.get(i) * 32768f;
                out[base + i] = (short) Math.max(-32768, Math.min(32767, Math.round(x)));
            }
            done += n;
            playback.rendered();
        }
    }

    /** Never lost: a device nobody renders just waits. */
    @Override
    public void checkConnected() {
    }

    @Override
    public void moved() {
    }

    /** Never stalled: the writer waits as long as nobody renders, until an abort frees it. */
    @Override
    public void checkStalled() {
    }

    /** A loopback device mixes only when rendered: nothing mixed waits in it, whatever latency it reports. */
    @Override
    public long latencyNanos() {
        return 0;
    }
}
