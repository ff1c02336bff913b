package io.rtvoice.audio.openal;

import io.rtvoice.audio.PcmSource;
import java.util.Arrays;

/** Plays a clip once, then silence; counts what it served. Read on the playback thread only. */
final class ClipSource implements PcmSource {

    private final short[] clip;
    private volatile int position;

    ClipSource(short[] clip) {
        this.clip = clip;
    }

    @Override
    public int read(short[] out, int offset, int length) {
        int n = Math.max(0, Math.min(length, clip.length - position));
        System.arraycopy(clip, position, out, offset, n);
        Arrays.fill(out, offset + n, offset + length, (short) 0);
        position += n;
        return n;
    }

    boolean finished() {
        return position >= clip.length;
    }
}
