package io.rtvoice.audio.javasound;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.time.Duration;
import javax.sound.sampled.SourceDataLine;

/**
 * A started {@link SourceDataLine} as a {@link PlaybackDevice}. Played frames are those written minus
 * what the line still queues — Java Sound's frame position is fuzzy by up to a buffer, its queue level
 * is what we trust. Only the playback thread writes; the rest is called from any thread.
 */
final class JavaSoundPlayback implements PlaybackDevice {

    /** Consecutive writes that accept nothing before the device counts as lost (AUDIO.md B4.5). */
    private static final int STALLS_BEFORE_LOST = 2;

    private final AudioDevice device;
    private final SourceDataLine line;
    private final AudioFormat format;
    private final int frameBytes;
    private byte[] bytes = new byte[0];
    // Guarded by this.
    private long written;
    private long playedFloor;
    private long aborts;

    JavaSoundPlayback(AudioDevice device, SourceDataLine line, AudioFormat format) {
        this.device = device;
        this.line = line;
        this.format = format;
        this.frameBytes = format.bytesPerFrame();
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
    public void write(short[] interleaved, int offset, int length) {
        long generation;
        synchronized (this) {
            generation = aborts;
        }
        int total = length * 2;
        if (bytes.length < total) {
            bytes = new byte[total];
        }
        Pcm.toBytes(interleaved, offset, bytes, 0, length);
        int done = 0;
        int stalls = 0;
        while (done < total) {
            // A started line blocks until everything is taken; it returns short only when its native
            // write fails — when the sound server has died, at once and with no exception or event —
            // or when it is flushed by an abort.
            int n = line.write(bytes, done, total - done);
            synchronized (this) {
                if (aborts != generation) {
                    return; // aborted mid-write: what it took was flushed, and none of it is counted as played
                }
                written += n / frameBytes;
            }
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
    public synchronized long playedFrames() {
        playedFloor = Math.max(playedFloor, written - bufferedFrames());
        return playedFloor;
    }

    private int bufferedFrames() {
        if (!line.isOpen()) {
            return 0;
        }
        return Math.max(0, (line.getBufferSize() - line.available()) / frameBytes);
    }

    @Override
    public synchronized long abort() {
        aborts++;
        long played = playedFrames();
        line.flush();
        long dropped = written - played;
        written = played;
        return dropped;
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
