package io.rtvoice.audio.javasound;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioDeviceException.Reason;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/**
 * Everything that touches {@code javax.sound.sampled}: mixer listing and lookup, the choice of a native
 * format, opening lines. Kept apart from {@link JavaSoundBackend} so that the backend class loads (and
 * reports why it cannot run) in a runtime without the {@code java.desktop} module.
 */
final class JavaSoundDevices {

    /** Native rates in order of preference: 48 kHz first, as most sound servers run at it. */
    private static final int[] RATES = {48_000, 44_100, 96_000, 32_000, 24_000, 16_000, 8_000};

    /** A direction of audio, with the Java Sound line class and the channel counts to try, preferred first. */
    enum Direction {
        INPUT(TargetDataLine.class, new int[] {1, 2}, "capture"),
        OUTPUT(SourceDataLine.class, new int[] {2, 1}, "playback");

        final Class<? extends DataLine> lineClass;
        final int[] channels;
        final String noun;

        Direction(Class<? extends DataLine> lineClass, int[] channels, String noun) {
            this.lineClass = lineClass;
            this.channels = channels;
            this.noun = noun;
        }

        /** The formats to try, preferred first: every rate, each with the preferred channel count first. */
        List<javax.sound.sampled.AudioFormat> candidates() {
            List<javax.sound.sampled.AudioFormat> formats = new ArrayList<>();
            for (int rate : RATES) {
                for (int n : channels) {
                    formats.add(new javax.sound.sampled.AudioFormat(rate, 16, n, true, false));
                }
            }
            return formats;
        }
    }

    private JavaSoundDevices() {
    }

    static Optional<String> unavailableReason() {
        Mixer.Info[] all = AudioSystem.getMixerInfo();
        if (all.length == 0) {
            return Optional.of("no Java Sound mixers: no sound server or device; on Linux start PulseAudio (or PipeWire's"
                    + " pulse server) so that ALSA's 'default' device reaches it, or point PULSE_SERVER at one");
        }
        if (mixers(Direction.OUTPUT).isEmpty() && mixers(Direction.INPUT).isEmpty()) {
            return Optional.of("none of the Java Sound mixers " + names(List.of(all))
                    + " has a 16-bit PCM playback or capture line");
        }
        return Optional.empty();
    }

    static List<AudioDevice> devices(Direction direction) {
        List<Mixer.Info> mixers = mixers(direction);
        List<AudioDevice> devices = new ArrayList<>();
        for (int i = 0; i < mixers.size(); i++) {
            devices.add(device(mixers.get(i), i == 0, direction));
        }
        return devices;
    }

    static JavaSoundCapture openCapture(AudioSpec spec, int minBufferMillis) {
        Mixer.Info info = find(spec.device(), Direction.INPUT);
        // At least two periods, so a period's read never waits on a full buffer.
        long bufferMillis = Math.max(minBufferMillis, 2 * spec.period().toMillis());
        TargetDataLine line = (TargetDataLine) open(info, Direction.INPUT, bufferMillis);
        try {
            AudioDevice device = device(info, isDefault(info, Direction.INPUT), Direction.INPUT);
            return new JavaSoundCapture(device, line, rtvoiceFormat(line));
        } catch (RuntimeException e) {
            line.close();
            throw e;
        }
    }

    static JavaSoundPlayback openPlayback(AudioSpec spec, int bufferMillis) {
        Mixer.Info info = find(spec.device(), Direction.OUTPUT);
        SourceDataLine line = (SourceDataLine) open(info, Direction.OUTPUT, bufferMillis);
        try {
            AudioDevice device = device(info, isDefault(info, Direction.OUTPUT), Direction.OUTPUT);
            JavaSoundPlayback playback = new JavaSoundPlayback(device, line, rtvoiceFormat(line));
            line.start(); // a started line makes write() block while the buffer is full: that paces the loop
            return playback;
        } catch (RuntimeException e) {
            line.close();
            throw e;
        }
    }

    /**
     * The first of {@code direction}'s candidate formats the line supports.
     *
     * @throws AudioDeviceException {@code UNSUPPORTED_FORMAT}, naming the formats tried
     */
    static javax.sound.sampled.AudioFormat nativeFormat(String device, Direction direction,
            Predicate<javax.sound.sampled.AudioFormat> supported) {
        List<javax.sound.sampled.AudioFormat> candidates = direction.candidates();
        return candidates.stream().filter(supported).findFirst().orElseThrow(() -> new AudioDeviceException(
                Reason.UNSUPPORTED_FORMAT, "Java Sound mixer '" + device + "' has no " + direction.noun
                        + " line for 16-bit signed little-endian PCM at " + rateList() + " Hz, mono or stereo"));
    }

    private static Line open(Mixer.Info info, Direction direction, long bufferMillis) {
        Mixer mixer = AudioSystem.getMixer(info);
        javax.sound.sampled.AudioFormat format = nativeFormat(info.getName(), direction,
                f -> mixer.isLineSupported(new DataLine.Info(direction.lineClass, f)));
        int frameBytes = format.getFrameSize();
        int bufferBytes = (int) (format.getSampleRate() * bufferMillis / 1000) * frameBytes;
        DataLine line;
        try {
            line = (DataLine) mixer.getLine(new DataLine.Info(direction.lineClass, format));
            if (line instanceof SourceDataLine source) {
                source.open(format, bufferBytes);
            } else {
                ((TargetDataLine) line).open(format, bufferBytes);
            }
        } catch (LineUnavailableException e) {
            throw new AudioDeviceException(Reason.DEVICE_BUSY, "Java Sound mixer '" + info.getName() + "' cannot open a "
                    + direction.noun + " line at " + format + ": " + e.getMessage() + " (another program may hold it)", e);
        } catch (IllegalArgumentException e) {
            throw new AudioDeviceException(Reason.UNSUPPORTED_FORMAT, "Java Sound mixer '" + info.getName()
                    + "' refused a " + direction.noun + " line at " + format + ": " + e.getMessage(), e);
        } catch (SecurityException e) {
            throw new AudioDeviceException(Reason.BACKEND_UNAVAILABLE, "Java Sound " + direction.noun
                    + " is not permitted: " + e.getMessage(), e);
        }
        javax.sound.sampled.AudioFormat opened = line.getFormat();
        if (!opened.matches(format)) { // Java Sound must not convert for us: our resampler does
            line.close();
            throw new AudioDeviceException(Reason.UNSUPPORTED_FORMAT, "Java Sound mixer '" + info.getName()
                    + "' opened " + opened + " when " + format + " was asked for");
        }
        return line;
    }

    private static AudioFormat rtvoiceFormat(DataLine line) {
        javax.sound.sampled.AudioFormat f = line.getFormat();
        return AudioFormat.pcm16(Math.round(f.getSampleRate()), f.getChannels());
    }

    private static Mixer.Info find(String name, Direction direction) {
        List<Mixer.Info> mixers = mixers(direction);
        if (name == null) {
            if (mixers.isEmpty()) {
                throw new AudioDeviceException(Reason.NO_DEVICE, "no Java Sound " + direction.noun + " device: "
                        + unavailableReason().orElse("no mixer has a 16-bit PCM " + direction.noun + " line"));
            }
            return mixers.get(0);
        }
        return mixers.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AudioDeviceException(Reason.NO_DEVICE, "no Java Sound " + direction.noun
                        + " device '" + name + "'; the " + direction.noun + " devices are " + names(mixers)));
    }

    /** Mixers with a 16-bit PCM line of {@code direction}, in Java Sound's order. */
    private static List<Mixer.Info> mixers(Direction direction) {
        List<Mixer.Info> found = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            if (!supportedFormats(info, direction).isEmpty()) {
                found.add(info);
            }
        }
        return found;
    }

    private static List<javax.sound.sampled.AudioFormat> supportedFormats(Mixer.Info info, Direction direction) {
        Mixer mixer;
        try {
            mixer = AudioSystem.getMixer(info);
        } catch (IllegalArgumentException | SecurityException e) {
            return List.of(); // listed but not obtainable: not a usable device
        }
        return direction.candidates().stream().filter(f -> mixer.isLineSupported(new DataLine.Info(direction.lineClass, f)))
                .toList();
    }

    private static boolean isDefault(Mixer.Info info, Direction direction) {
        List<Mixer.Info> mixers = mixers(direction);
        return !mixers.isEmpty() && mixers.get(0).equals(info);
    }

    private static AudioDevice device(Mixer.Info info, boolean isDefault, Direction direction) {
        List<AudioFormat> formats = supportedFormats(info, direction).stream()
                .map(f -> AudioFormat.pcm16(Math.round(f.getSampleRate()), f.getChannels())).toList();
        String description = info.getDescription() + " (" + info.getVendor() + ")";
        return new AudioDevice(info.getName(), description, isDefault, formats);
    }

    private static String names(List<Mixer.Info> mixers) {
        return mixers.isEmpty() ? "(none)"
                : mixers.stream().map(m -> "'" + m.getName() + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    private static String rateList() {
        return java.util.Arrays.stream(RATES).mapToObj(Integer::toString).collect(Collectors.joining("/"));
    }
}
