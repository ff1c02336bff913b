package io.rtvoice.audio.javasound;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.spi.CaptureDevice;
import javax.sound.sampled.TargetDataLine;

/**
 * An open {@link TargetDataLine} as a {@link CaptureDevice}, started at
 * the first read so that audio captured before anyone listens does not sit stale in the buffer. Used
 * by the capture thread only.
 */
final class JavaSoundCapture implements CaptureDevice {

    /** Consecutive reads that give nothing before the device counts as lost (AUDIO.md B4.5). */
    private static final int STALLS_BEFORE_LOST = 2;

    private final AudioDevice device;
    private final TargetDataLine line;
    private final AudioFormat format;
    private byte[] bytes = new byte[0];
    private boolean started;

    JavaSoundCapture(AudioDevice device, TargetDataLine line, AudioFormat format) {
        this.device = device;
        this.line = line;
        this.format = format;
    }

    @Override
    public AudioDevice device() {
        return device;
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public int read(short[] buffer, int offset, int length) {
        if (!started) {
            line.flush();
            line.start();
            started = true;
        }
        int total = length * 2;
        if (bytes.length < total) {
            bytes = new byte[total];
        }
        int done = 0;
        int stalls = 0;
        while (done < total) {
            // A started line blocks until the whole request is filled; short reads mean its native
            // read failed (the sound server died) or someone else stopped the line.
            int n = line.read(bytes, done, total - done);
            if (n > 0) {
                done += n;
                stalls = 0;
            } else if (++stalls >= STALLS_BEFORE_LOST || !line.isOpen()) {
                throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "the Java Sound capture line "
                        + line.getLineInfo() + " stopped giving audio (read returned 0 " + stalls
                        + " times): the device or sound server is gone");
            }
        }
        Pcm.toShorts(bytes, 0, buffer, offset, length);
        return length;
    }

    @Override
    public void close() {
        try {
            line.stop();
            line.flush();
        } finally {
            line.close();
        }
    }
}
