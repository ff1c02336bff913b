package io.rtvoice.audio.openal;

import static org.lwjgl.openal.AL10.AL_FORMAT_MONO16;
import static org.lwjgl.openal.ALC10.alcGetInteger;
import static org.lwjgl.openal.ALC10.alcGetString;
import static org.lwjgl.openal.ALC11.ALC_CAPTURE_DEVICE_SPECIFIER;
import static org.lwjgl.openal.ALC11.ALC_CAPTURE_SAMPLES;
import static org.lwjgl.openal.ALC11.alcCaptureCloseDevice;
import static org.lwjgl.openal.ALC11.alcCaptureOpenDevice;
import static org.lwjgl.openal.ALC11.alcCaptureSamples;
import static org.lwjgl.openal.ALC11.alcCaptureStart;
import static org.lwjgl.openal.ALC11.alcCaptureStop;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.spi.CaptureDevice;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.lwjgl.openal.EXTDisconnect;

/**
 * An OpenAL capture device, mono 16-bit at 48 kHz (rtvoice's resampler converts to the spec's rate).
 * OpenAL capture has no blocking read: {@link #read} polls {@code ALC_CAPTURE_SAMPLES} and parks a
 * little between polls. Capture needs no context, so no thread-current state is involved.
 */
final class AlCapture implements CaptureDevice {

    /** The rate asked of the device; the sound server converts if it runs at another. */
    static final int RATE = 48_000;
    /** The library's ring: half a second, far more than one period between polls. */
    private static final int RING_FRAMES = RATE / 2;
    /** A device that delivers nothing for this long is treated as lost. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final String name;
    private final long device;
    private final AudioFormat format = AudioFormat.pcm16(RATE, 1);
    private final AudioDevice info;
    private short[] chunk = new short[0];
    private boolean started;
    private volatile boolean closed;

    private AlCapture(String name, long device, boolean isDefault) {
        this.name = name;
        this.device = device;
        this.info = new AudioDevice(name, name, isDefault, java.util.List.of(format));
    }

    /** Opens a capture device by name ({@code null}: the default). */
    static AlCapture open(String name, boolean isDefault) {
        long device = alcCaptureOpenDevice(name, RATE, AL_FORMAT_MONO16, RING_FRAMES);
        if (device == 0L) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "cannot open OpenAL capture device "
                    + (name == null ? "(default)" : "'" + name + "'") + " at " + RATE + " Hz mono 16-bit: " + Al.alcError(0L));
        }
        String actual = alcGetString(device, ALC_CAPTURE_DEVICE_SPECIFIER);
        return new AlCapture(actual != null ? actual : name == null ? "(default capture)" : name, device, isDefault);
    }

    /** The device's name as OpenAL gives it. */
    String name() {
        return name;
    }

    @Override
    public AudioDevice device() {
        return info;
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public int read(short[] buffer, int offset, int length) {
        if (chunk.length < length) {
            chunk = new short[length];
        }
        int done = 0;
        long lastProgress = System.nanoTime();
        while (done < length) {
            int n;
            synchronized (this) { // close() waits for a poll in progress, never for a whole read
                if (closed) {
                    return -1;
                }
                if (!started) {
                    alcCaptureStart(device);
                    started = true; // now, not at open: audio from before the subscriber would be stale
                }
                if (alcGetInteger(device, EXTDisconnect.ALC_CONNECTED) == 0) {
                    throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "OpenAL capture device " + name
                            + " was disconnected");
                }
                n = Math.min(alcGetInteger(device, ALC_CAPTURE_SAMPLES), length - done);
                if (n > 0) {
                    alcCaptureSamples(device, chunk, n);
                }
            }
            if (n > 0) {
                System.arraycopy(chunk, 0, buffer, offset + done, n);
                done += n;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "OpenAL capture device " + name
                        + " delivered nothing for " + TimeUnit.NANOSECONDS.toMillis(STALL_NANOS) + " ms");
            } else {
                LockSupport.parkNanos(POLL_NANOS); // less than a tenth of a period: no audio waits long
            }
        }
        return done;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (alcGetInteger(device, EXTDisconnect.ALC_CONNECTED) == 0) {
            // Stopping or closing a capture device whose sound server died blocks forever inside OpenAL
            // Soft 1.24.1's Pulse backend (measured): leave the dead handle rather than hang the closer.
            return;
        }
        if (started) {
            alcCaptureStop(device);
        }
        alcCaptureCloseDevice(device);
    }
}
