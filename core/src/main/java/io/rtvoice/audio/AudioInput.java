package io.rtvoice.audio;

import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.internal.audio.CaptureLoop;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * An open capture device. Capture runs on the backend's own thread while {@link #frames()} has its
 * (one) subscriber, delivering one {@link AudioFrame} of {@link AudioSpec#period()} at a time in the
 * spec's format, positioned by sample count since capture began. A subscriber that falls more than
 * two seconds behind loses the oldest frames, counted in {@link #droppedSamples()}; capture itself
 * never waits for it.
 */
public interface AudioInput extends AutoCloseable {

    /**
     * Capture from {@code device}, delivered as {@code spec} asks: rtvoice's thread reads the device a
     * period at a time, downmixes and resamples. Nothing runs until {@link #frames()} is subscribed to;
     * closing the input closes the device.
     */
    static AudioInput open(CaptureDevice device, AudioSpec spec) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(spec, "spec");
        return new CaptureLoop(spec, device, "rtvoice-capture-" + device.device().name());
    }

    /** What was asked for, and is delivered. */
    AudioSpec spec();

    /** The device in use. */
    AudioDevice device();

    /**
     * The captured audio; one subscriber at a time. It completes when the input is closed (or the
     * source ends: a WAV file), and fails with {@link AudioDeviceException} ({@code DEVICE_LOST}) when
     * the device goes away.
     */
    Flux<AudioFrame> frames();

    /** Samples (at the spec's rate) captured so far. */
    long capturedSamples();

    /** Samples captured but dropped because the subscriber was too far behind. */
    long droppedSamples();

    /** Stops capture, completes {@link #frames()}, releases the device and its thread; idempotent. */
    @Override
    void close();
}
