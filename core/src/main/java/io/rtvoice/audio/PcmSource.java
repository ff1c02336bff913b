package io.rtvoice.audio;

/**
 * Where an {@link AudioOutput} pulls its audio from, one device period at a time, on the output's own
 * playback thread. {@link PlayoutBuffer#read(short[], int, int)} is one ({@code playout::read}).
 */
@FunctionalInterface
public interface PcmSource {

    /**
     * Fills all {@code length} samples of {@code out} from {@code offset} (mono PCM16 at the output's
     * rate) with audio or silence, without blocking.
     *
     * @return how many of them, from the front, are real audio rather than filler silence
     */
    int read(short[] out, int offset, int length);

    /** A source of silence. */
    PcmSource SILENCE = (out, offset, length) -> {
        java.util.Arrays.fill(out, offset, offset + length, (short) 0);
        return 0;
    };
}
