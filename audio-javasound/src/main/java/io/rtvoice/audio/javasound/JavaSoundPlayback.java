package io.rtvoice.audio.javasound;

import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.internal.audio.PlaybackDevice;
import java.time.Duration;
import javax.sound.sampled.SourceDataLine;

/**
 * A started {@link SourceDataLine} as {@link io.rtvoice.internal.audio.PlaybackLoop}'s device. Only the
 * playback thread writes; {@link #bufferedFrames()} is read from any thread.
 */
final class JavaSoundPlayback implements PlaybackDevice {

    /** Consecutive writes that accept nothing before the device counts as lost (AUDIO.md B4.5). */
    private static final int STALLS_BEFORE_LOST = 2;

    private final SourceDataLine line;
    private final AudioFormat format;
    private final int frameBytes;
    private byte[] bytes = new byte[0];

    JavaSoundPlayback(SourceDataLine line, AudioFormat format) {
        this.line = line;
        this.format = format;
        this.frameBytes = format.bytesPerFrame();
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public void write(short[] interleaved, int offset, int length) {
        int total = length * 2;
        if (bytes.length < total) {
            bytes = new byte[total];
        }
        Pcm.toBytes(interleaved, offset, bytes, 0, length);
        int done = 0;
        int stalls = 0;
        while (done < total) {
            // A started line blocks until everything is taken; it returns short only when its native
            // write fails — when the sound server has died, at once and with no exception or event.
            int n = line.write(bytes, done, total - done);
            if (n > 0) {
                done += n;
                stalls = 0;
            } else if (++stalls >= STALLS_BEFORE_LOST || !line.isOpen()) {
                throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "the Java Sound playback line "
                        + line.getLineInfo() + " stopped taking audio (write returned 0 " + stalls
                        + " times): the device or sound server is gone");
            }
        }
    }

    @Override
    public int bufferedFrames() {
        if (!line.isOpen()) {
            return 0;
        }
        // Java Sound's frame position is fuzzy by up to a buffer; its queue level is what we trust.
        return Math.max(0, (line.getBufferSize() - line.available()) / frameBytes);
    }

    @Override
    public void discard() {
        line.flush();
    }

    @Override
    public Duration latency() {
        return format.durationOfSamples(line.getBufferSize() / frameBytes);
    }

    @Override
    public void close() {
        try {
            line.stop();
            line.flush(); // what is still buffered is dropped, not played after close
        } finally {
            line.close();
        }
    }
}
