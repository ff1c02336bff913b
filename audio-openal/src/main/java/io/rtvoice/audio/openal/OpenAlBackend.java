package io.rtvoice.audio.openal;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lwjgl.openal.ALC10;

/**
 * Audio through OpenAL (OpenAL Soft, bundled with LWJGL's natives): capture by polling an OpenAL capture
 * device, playback through a streaming source fed 10 ms buffers at the device's own rate, converted with
 * rtvoice's resampler. Each output has its own device and context, current only on the threads using it,
 * so several outputs run at once. Nothing native is loaded before the first method call.
 *
 * <p>{@link #loopback(int, int)} gives a backend whose outputs render into memory on demand, for tests
 * that need neither a sound server nor real time.
 */
public final class OpenAlBackend implements AudioBackend {

    private final int loopbackRate;
    private final int loopbackChannels;

    /** The backend over the system's OpenAL devices (what {@link java.util.ServiceLoader} finds). */
    public OpenAlBackend() {
        this(0, 0);
    }

    private OpenAlBackend(int loopbackRate, int loopbackChannels) {
        this.loopbackRate = loopbackRate;
        this.loopbackChannels = loopbackChannels;
    }

    /**
     * A backend whose outputs are OpenAL Soft loopback devices: nothing is played, and
     * {@link OpenAlOutput#renderSamples} renders the mix at {@code rate} Hz with {@code channels} (1 or 2)
     * 16-bit channels when called. It has no inputs.
     */
    public static OpenAlBackend loopback(int rate, int channels) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate : " + rate + " (expected: > 0)");
        }
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels : " + channels + " (expected: 1 or 2)");
        }
        return new OpenAlBackend(rate, channels);
    }

    private boolean isLoopback() {
        return loopbackRate > 0;
    }

    @Override
    public String name() {
        return "openal";
    }

    @Override
    public int priority() {
        return 10;
    }

    /** Empty when the library loads and (for system devices) the default playback device opens. */
    @Override
    public Optional<String> unavailableReason() {
        Optional<String> failure = Al.load();
        if (failure.isPresent() || isLoopback()) {
            return failure;
        }
        try {
            long device = ALC10.alcOpenDevice((CharSequence) null);
            if (device == 0L) {
                return Optional.of("OpenAL cannot open a default playback device (" + Al.alcError(0L)
                        + "; no sound server? devices listed: " + Al.outputNames() + ")");
            }
            ALC10.alcCloseDevice(device);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("OpenAL failed to open a playback device: " + e);
        }
    }

    @Override
    public List<AudioDevice> inputDevices() {
        if (Al.load().isPresent() || isLoopback()) {
            return List.of();
        }
        return devices(Al.inputNames(), List.of(AudioFormat.pcm16(AlCapture.RATE, 1)));
    }

    @Override
    public List<AudioDevice> outputDevices() {
        if (Al.load().isPresent()) {
            return List.of();
        }
        if (isLoopback()) {
            return List.of(AlLoopbackRenderer.device(loopbackRate, loopbackChannels));
        }
        return devices(Al.outputNames(), List.of()); // the rate is known once a context runs
    }

    private static List<AudioDevice> devices(List<String> names, List<AudioFormat> formats) {
        List<AudioDevice> devices = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            devices.add(new AudioDevice(names.get(i), names.get(i), i == 0, formats));
        }
        return devices;
    }

    @Override
    public CaptureDevice openCapture(AudioSpec spec) {
        requireLoaded();
        if (isLoopback()) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "an OpenAL loopback backend has no inputs");
        }
        List<String> names = Al.inputNames();
        String name = resolve(spec.device(), names, "capture");
        return AlCapture.open(name, name == null || names.indexOf(name) == 0);
    }

    /** Opens a playback device (or, for a {@link #loopback} backend, a new loopback device). */
    @Override
    public PlaybackDevice openPlayback(AudioSpec spec) {
        requireLoaded();
        if (isLoopback()) {
            if (spec.device() != null && !spec.device().equals("loopback")) {
                throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "no device '" + spec.device()
                        + "' in an OpenAL loopback backend (it has one: 'loopback')");
            }
            return AlLoopbackRenderer.openPlayback(loopbackRate, loopbackChannels);
        }
        List<String> names = Al.outputNames();
        String name = resolve(spec.device(), names, "playback");
        return AlDevicePacer.openPlayback(name, name == null || names.indexOf(name) == 0);
    }

    /**
     * Opens a playback device (or, for a {@link #loopback} backend, a new loopback device).
     *
     * @return an {@link OpenAlOutput}, which also tells underruns and renders a loopback device
     */
    @Override
    public OpenAlOutput openOutput(AudioSpec spec) {
        AlPlayback playback = (AlPlayback) openPlayback(spec);
        try {
            return new OpenAlOutput(spec, playback);
        } catch (RuntimeException | Error e) { // the playback thread could not start: release the device
            playback.close();
            throw e;
        }
    }

    private static void requireLoaded() {
        Al.load().ifPresent(reason -> {
            throw new AudioDeviceException(AudioDeviceException.Reason.BACKEND_UNAVAILABLE, reason);
        });
    }

    private static String resolve(String asked, List<String> names, String direction) {
        if (asked == null || names.contains(asked)) {
            return asked;
        }
        throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "no OpenAL " + direction + " device '" + asked
                + "'; devices: " + (names.isEmpty() ? "none" : names));
    }

    @Override
    public String toString() {
        return isLoopback() ? "OpenAlBackend.loopback(" + loopbackRate + " Hz, " + loopbackChannels + " ch)" : "OpenAlBackend";
    }
}
