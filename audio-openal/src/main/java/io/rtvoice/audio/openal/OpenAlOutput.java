package io.rtvoice.audio.openal;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.PcmSource;
import java.time.Duration;
import java.util.Objects;

/**
 * An OpenAL output: rtvoice's playback loop feeding a streaming OpenAL source. Beyond
 * {@link AudioOutput} it tells the device's own format and its underruns, and a loopback output
 * ({@link OpenAlBackend#loopback(int, int)}) renders on demand with {@link #renderSamples}.
 */
public final class OpenAlOutput implements AudioOutput {

    private final AudioOutput loop;
    private final AlPlayback playback;

    OpenAlOutput(AudioSpec spec, AlPlayback playback) {
        this.playback = playback;
        this.loop = AudioOutput.open(playback, spec);
    }

    @Override
    public AudioSpec spec() {
        return loop.spec();
    }

    @Override
    public AudioDevice device() {
        return loop.device();
    }

    /** The format the device runs at and is fed: its own rate, 16-bit, stereo (or mono for a mono loopback). */
    public AudioFormat deviceFormat() {
        return playback.format();
    }

    /** Whether this output renders into memory ({@link #renderSamples}) rather than playing. */
    public boolean isLoopback() {
        return playback.isLoopback();
    }

    @Override
    public void start(PcmSource source) {
        Objects.requireNonNull(source, "source");
        playback.expectWrites(); // a loopback render now waits for the first write instead of rendering silence
        loop.start(source);
    }

    @Override
    public long stop() {
        return loop.stop();
    }

    @Override
    public long writtenSamples() {
        return loop.writtenSamples();
    }

    @Override
    public long playedSamples() {
        return loop.playedSamples();
    }

    /** The ring of buffers when full (40 ms) plus the device's own latency as OpenAL Soft reports it. */
    @Override
    public Duration latency() {
        return loop.latency();
    }

    /** Times the source ran dry and was started again. */
    public long underruns() {
        return playback.underruns();
    }

    @Override
    public Throwable failure() {
        return loop.failure();
    }

    /**
     * Renders the next {@code frames} device frames into {@code out} (interleaved 16-bit at
     * {@link #deviceFormat()}), on the calling thread: the loopback device's clock is these calls. Waits
     * for the playback thread to have queued them, so rendering faster than real time never starves the
     * source; before {@link #start} and after {@link #stop} it renders silence at once.
     *
     * @param out receives {@code frames * deviceFormat().channels()} samples from index 0; the caller keeps it
     * @throws IllegalStateException when this is not a loopback output
     */
    public void renderSamples(short[] out, int frames) {
        playback.render(out, frames);
    }

    /** Stops, ends the playback thread, deletes the source, buffers and context and closes the device; idempotent. */
    @Override
    public void close() {
        loop.close();
        playback.close(); // the loop closed it already, unless its thread failed to end
    }

    AlPlayback playback() {
        return playback;
    }
}
