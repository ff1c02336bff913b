package io.rtvoice.examples;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioOutput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.PlayoutStats;
import java.time.Duration;
import reactor.core.publisher.Flux;

/**
 * The model's audio to a speaker: deltas into a {@link PlayoutBuffer}, which an output of the chosen
 * backend pulls from. Which backend is one string — {@code javasound}, {@code openal}, {@code null},
 * {@code wav:reply.wav} — never a code change.
 */
final class Speaker implements AutoCloseable {

    private final PlayoutBuffer buffer = PlayoutBuffer.create(RealtimeAudioFormat.PCM_RATE_HZ);
    private final AudioOutput output;

    private Speaker(AudioOutput output) {
        this.output = output;
        output.start(buffer::read);
    }

    /** {@code backend} or {@code backend:device}; the device is a file for {@code wav}. */
    static Speaker open(String choice) {
        int colon = choice.indexOf(':');
        String name = colon < 0 ? choice : choice.substring(0, colon);
        String device = colon < 0 ? null : choice.substring(colon + 1);
        AudioBackend backend = AudioBackends.named(name);
        return new Speaker(backend.openOutput(AudioSpec.forDevice(device)));
    }

    void play(String itemId, byte[] pcm16) {
        buffer.write(itemId, pcm16);
    }

    /** Lets what is buffered play out (up to {@code timeout}), then describes how playback went. */
    String finish(Duration timeout) {
        buffer.endOfStream();
        Flux.interval(Duration.ofMillis(10)).filter(tick -> buffer.state() == PlayoutBuffer.State.IDLE)
                .blockFirst(timeout);
        PlayoutStats stats = buffer.stats();
        return String.format("Played %.0f ms through %s (%s): first sound %.0f ms after the first delta, %d underruns, "
                        + "device latency %d ms.", stats.playedSamples() * 1000.0 / buffer.sampleRate(), output.device().name(),
                output.device().description(), stats.startupLatencyMillis(), stats.underruns(), output.latency().toMillis());
    }

    @Override
    public void close() {
        output.close();
    }
}
