package io.rtvoice.audio.openal;

import static org.lwjgl.openal.ALC10.ALC_FREQUENCY;
import static org.lwjgl.openal.ALC10.alcGetInteger;
import static org.lwjgl.openal.ALC10.alcGetString;
import static org.lwjgl.openal.ALC10.alcOpenDevice;
import static org.lwjgl.openal.EnumerateAllExt.ALC_ALL_DEVICES_SPECIFIER;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lwjgl.openal.ALC;
import org.lwjgl.openal.EXTDisconnect;
import org.lwjgl.openal.SOFTDeviceClock;

/**
 * A real OpenAL device under an {@link AlPlayback}: it plays by its own clock, and the writer polls it.
 * It is lost when OpenAL says it is disconnected ({@code ALC_CONNECTED}: a sound server that died, an
 * unplugged card), or when, with the ring full, its queue does not move for 2 s. What it has mixed but
 * not yet sounded is its latency as OpenAL Soft reports it ({@code ALC_SOFT_device_clock}; Pulse:
 * ~50 ms), when the library has the extension.
 *
 * <p>State: the time the queue last moved, in {@link System#nanoTime()} ns; the stall timer runs only
 * while the source plays, as each start resets it. Threads: as {@link AlPacer}, under the playback's lock.
 */
final class AlDevicePacer implements AlPacer {

    /** A device whose queue does not move for this long is treated as lost. */
    private static final long STALL_MILLIS = 2_000;

    private final String name;
    private final long device;
    private final boolean reportsLatency;
    private long lastMovedNanos;

    private AlDevicePacer(String name, long device) {
        this.name = name;
        this.device = device;
        this.reportsLatency = ALC.createCapabilities(device).ALC_SOFT_device_clock;
    }

    /** Opens a playback device by name ({@code null}: the default) at its own rate, stereo. */
    static AlPlayback openPlayback(String name, boolean isDefault) {
        long device = alcOpenDevice(name);
        if (device == 0L) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "cannot open OpenAL playback device "
                    + (name == null ? "(default)" : "'" + name + "'") + ": " + Al.alcError(0L));
        }
        return AlPlayback.onNewContext(device, null, AudioDeviceException.Reason.DEVICE_BUSY,
                "cannot create an OpenAL context on " + name, context -> {
                    int rate = alcGetInteger(device, ALC_FREQUENCY);
                    String actual = alcGetString(device, ALC_ALL_DEVICES_SPECIFIER);
                    String shown = actual == null ? String.valueOf(name) : actual;
                    // Stereo buffers: a mono source on a stereo device is panned to -4.5 dB per channel.
                    AudioDevice info = new AudioDevice(shown, shown, isDefault, List.of(AudioFormat.pcm16(rate, 2)));
                    return new AlPlayback(info, device, context, new AlDevicePacer(shown, device));
                });
    }

    @Override
    public void checkConnected() {
        if (alcGetInteger(device, EXTDisconnect.ALC_CONNECTED) == 0) {
            throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "OpenAL device " + name
                    + " was disconnected");
        }
    }

    @Override
    public void moved() {
        lastMovedNanos = System.nanoTime();
    }

    @Override
    public void checkStalled() {
        if (System.nanoTime() - lastMovedNanos > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
            throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "OpenAL device " + name
                    + " played nothing for " + STALL_MILLIS + " ms");
        }
    }

    @Override
    public long latencyNanos() {
        if (!reportsLatency) {
            return 0;
        }
        return Math.max(0, SOFTDeviceClock.alcGetInteger64vSOFT(device, SOFTDeviceClock.ALC_DEVICE_LATENCY_SOFT));
    }
}
