package io.rtvoice.audio;

import java.time.Duration;
import java.util.Objects;

/**
 * What an application asks of an input or output: the audio it gets or gives (mono PCM16 at a rate of
 * its choosing, e.g. 24 kHz for the Realtime API), the device (by name; {@code null} for the default),
 * and the period — how much audio a captured frame holds, or the output pulls at once.
 *
 * <p>The device runs at its own native format; the backend converts with rtvoice's {@link Resampler}
 * (never the platform's), so what the application sees is exactly this spec.
 *
 * @param format mono PCM16, see {@link AudioFormat#pcm16(int, int)}
 * @param device a device name from {@link AudioBackend#inputDevices()} / {@link AudioBackend#outputDevices()}, or null for the default
 * @param period 5 to 200 ms, a whole number of samples at the format's rate
 */
public record AudioSpec(AudioFormat format, String device, Duration period) {

    /** The default period: 20 ms, the Realtime API's customary append size. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(20);

    /** Checks the format and the period. */
    public AudioSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(period, "period");
        if (format.encoding() != AudioEncoding.PCM16 || format.channels() != 1) {
            throw new AudioDeviceException(AudioDeviceException.Reason.UNSUPPORTED_FORMAT, "format : " + format
                    + " (expected: mono PCM16 at any rate; the backend converts to and from the device's format)");
        }
        if (period.compareTo(Duration.ofMillis(5)) < 0 || period.compareTo(Duration.ofMillis(200)) > 0) {
            throw new IllegalArgumentException("period : " + period.toMillis() + " ms (expected: 5..200 ms)");
        }
        if (period.toNanos() * format.sampleRate() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("period : " + period + " is not a whole number of samples at "
                    + format.sampleRate() + " Hz");
        }
    }

    /** Mono PCM16 at {@code sampleRate}, the default device, 20 ms periods. */
    public static AudioSpec of(int sampleRate) {
        return new AudioSpec(AudioFormat.pcm16(sampleRate, 1), null, DEFAULT_PERIOD);
    }

    /**
     * Mono PCM16 at the Realtime API's default wire rate, 20 ms periods, on the named device ({@code null}:
     * the default): what to open a device with when the session's format is not known yet (a
     * {@link io.rtvoice.voice.VoiceSession} resamples to the format the server accepts).
     */
    public static AudioSpec forDevice(String name) {
        return of(io.rtvoice.event.RealtimeAudioFormat.PCM_RATE_HZ).device(name);
    }

    /** This spec on the named device ({@code null}: the default). */
    public AudioSpec device(String name) {
        return new AudioSpec(format, name, period);
    }

    /** This spec with another period. */
    public AudioSpec period(Duration newPeriod) {
        return new AudioSpec(format, device, newPeriod);
    }

    /** Samples per period at the spec's rate. */
    public int periodSamples() {
        return (int) (period.toNanos() * format.sampleRate() / 1_000_000_000L);
    }
}
