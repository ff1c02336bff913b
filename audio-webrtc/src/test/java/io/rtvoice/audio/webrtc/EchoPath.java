package io.rtvoice.audio.webrtc;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;

/**
 * A real acoustic echo path on the test's sound server (see {@code .ci/audio-setup.sh}): PulseAudio's
 * {@code module-loopback} carries what plays on the speaker sink ({@code rtvoice_speaker}) back into the
 * default sink ({@code rtvoice_null}), whose monitor is the microphone, delayed and attenuated as set — a
 * loudspeaker heard by the microphone next to it. {@link #measure} finds the delay and the gain it really
 * has, with a chirp.
 */
final class EchoPath implements AutoCloseable {

    static final String SPEAKER_SINK = "rtvoice_speaker";
    static final String MICROPHONE_SINK = "rtvoice_null";
    private static final int RATE = 24_000;

    private final String module;

    private EchoPath(String module) {
        this.module = module;
    }

    /** Loads the loopback: {@code latencyMillis} of buffering (the delay, about 2 ms less) and {@code gainDb}. */
    static EchoPath load(int latencyMillis, double gainDb) throws IOException, InterruptedException {
        // One left by a run that died before unloading it would double the echo, here and in later tests.
        for (String line : pactl("list", "short", "modules").split("\n")) {
            if (line.contains("module-loopback") && line.contains("source=" + SPEAKER_SINK + ".monitor")) {
                pactl("unload-module", line.split("\\s+")[0]);
            }
        }
        String module = pactl("load-module", "module-loopback", "source=" + SPEAKER_SINK + ".monitor", "sink=" + MICROPHONE_SINK,
                "latency_msec=" + latencyMillis, "source_dont_move=true", "sink_dont_move=true").strip();
        EchoPath path = new EchoPath(module);
        try {
            pactl("set-sink-input-volume", path.sinkInput(), String.format(Locale.ROOT, "%.1fdB", gainDb));
        } catch (IOException | RuntimeException e) {
            path.close();
            throw e;
        }
        return path;
    }

    /** The loopback's stream into the microphone sink. */
    private String sinkInput() throws IOException, InterruptedException {
        String list = pactl("list", "sink-inputs");
        String input = null;
        for (String line : list.split("\n")) {
            Matcher head = Pattern.compile("^Sink Input #(\\d+)").matcher(line.strip());
            if (head.find()) {
                input = head.group(1);
            } else if (line.strip().equals("Owner Module: " + module) && input != null) {
                return input;
            }
        }
        throw new IllegalStateException("no sink input of module " + module + " in:\n" + list);
    }

    /** The delay and gain measured on the path. */
    record Measured(double delayMillis, double gainDb, double correlation) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "delay %.1f ms, gain %.1f dB (correlation %.3f)", delayMillis, gainDb, correlation);
        }
    }

    /**
     * Plays a 300 ms chirp (200 Hz to 4 kHz) on the speaker sink while recording both sinks' monitors, and
     * cross-correlates: the delay between the two recordings (each timed by the wall clock of its frames,
     * good to a few ms) and the gain of the echo against the original.
     */
    static Measured measure(Path dir) throws Exception {
        AudioBackend openal = backend("openal");
        String speakerMonitor = device(openal.inputDevices(), "rtvoice-speaker", true);
        String micMonitor = device(openal.inputDevices(), "rtvoice-null-sink", true);
        short[] chirp = chirp();
        Path file = dir.resolve("chirp.wav");
        io.rtvoice.audio.Wav.write(file, io.rtvoice.audio.AudioFormat.pcm16(RATE, 1), Pcm.toBytes(chirp));
        Recording speaker = new Recording();
        Recording mic = new Recording();
        try (AudioInput a = openal.openInput(AudioSpec.of(RATE).device(speakerMonitor).period(Duration.ofMillis(10)));
                AudioInput b = openal.openInput(AudioSpec.of(RATE).device(micMonitor).period(Duration.ofMillis(10)))) {
            a.frames().subscribe(speaker::add);
            b.frames().subscribe(mic::add);
            Flux.interval(Duration.ofMillis(10)).filter(t -> speaker.samples() > RATE / 5 && mic.samples() > RATE / 5)
                    .blockFirst(Duration.ofSeconds(10));
            play(file, SPEAKER_SINK);
            long until = speaker.samples() + RATE;
            Flux.interval(Duration.ofMillis(10)).filter(t -> speaker.samples() > until).blockFirst(Duration.ofSeconds(10));
        }
        short[] s = speaker.pcm();
        short[] m = mic.pcm();
        double[] atSpeaker = Signals.bestCorrelation(chirp, s, s.length - chirp.length);
        double[] atMic = Signals.bestCorrelation(chirp, m, m.length - chirp.length);
        int si = (int) atSpeaker[1];
        int mi = (int) atMic[1];
        double delay = (mic.startNanos + mi * 1e9 / RATE - speaker.startNanos - si * 1e9 / RATE) / 1e6;
        double gain = Signals.rmsDbfs(m, mi, mi + chirp.length) - Signals.rmsDbfs(s, si, si + chirp.length);
        return new Measured(delay, gain, atMic[0]);
    }

    private static short[] chirp() {
        int n = RATE * 3 / 10;
        short[] chirp = new short[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double f = 200 + (4_000 - 200) * i / (double) n;
            phase += 2 * Math.PI * f / RATE;
            double fade = Math.min(1, Math.min(i, n - 1 - i) / (RATE * 0.005));
            chirp[i] = (short) Math.round(0.3 * 32767 * fade * Math.sin(phase));
        }
        return chirp;
    }

    /** Frames as they come, and the wall-clock time of their first sample (the earliest any frame implies). */
    private static final class Recording {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile long startNanos = Long.MAX_VALUE;

        synchronized void add(AudioFrame frame) {
            long implied = System.nanoTime() - frame.endPosition() * 1_000_000_000L / RATE;
            startNanos = Math.min(startNanos, implied);
            bytes.write(frame.toByteArray(), 0, frame.byteLength());
        }

        synchronized int samples() {
            return bytes.size() / 2;
        }

        synchronized short[] pcm() {
            return Pcm.toShorts(bytes.toByteArray());
        }
    }

    /** Plays a WAV file into a sink with {@code paplay}, returning once it has played. */
    static void play(Path wav, String sink) throws IOException, InterruptedException {
        Process play = new ProcessBuilder("paplay", "-d", sink, wav.toString()).redirectErrorStream(true).start();
        String output = new String(play.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!play.waitFor(60, TimeUnit.SECONDS) || play.exitValue() != 0) {
            throw new IllegalStateException("paplay failed: " + output);
        }
    }

    static AudioBackend backend(String name) {
        Optional<AudioBackend> found = AudioBackends.available().stream().filter(b -> b.name().equals(name)).findFirst();
        Signals.requireAudio(found.isPresent(), "the " + name + " audio backend with a sound server (" + AudioBackends.all().stream()
                .filter(b -> b.name().equals(name)).map(b -> b.unavailableReason().orElse("available")).toList() + ")");
        return found.orElseThrow();
    }

    /** The device of a sink (or its monitor), as the backend names it. */
    static String device(List<AudioDevice> devices, String sink, boolean monitor) {
        Optional<String> name = devices.stream().map(AudioDevice::name)
                .filter(n -> n.contains(sink) && n.toLowerCase(Locale.ROOT).contains("monitor") == monitor).findFirst();
        Signals.requireAudio(name.isPresent(), "the sound server's " + sink + " sink" + (monitor ? " monitor" : "")
                + " (from .ci/audio-setup.sh) among " + devices.stream().map(AudioDevice::name).toList());
        return name.orElseThrow();
    }

    /** Runs pactl; its output. */
    static String pactl(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "pactl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            Signals.requireAudio(false, "pactl (PulseAudio)");
            throw notInstalled;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("pactl " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /** Unloads the loopback. */
    @Override
    public void close() throws IOException, InterruptedException {
        pactl("unload-module", module);
    }
}
