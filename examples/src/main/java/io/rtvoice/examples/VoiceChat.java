package io.rtvoice.examples;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.WavAudioBackend;
import io.rtvoice.audio.webrtc.WebRtcAudio;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SpeechEvent;
import io.rtvoice.voice.TranscriptLine;
import io.rtvoice.voice.VoiceSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;

/**
 * The seed's voice sample in a terminal: talk, hear the model, interrupt it by talking. Microphone and
 * speaker are any backends, by name; {@code --input-file} speaks a WAV file instead of a microphone.
 */
@Command(name = "voice-chat", mixinStandardHelpOptions = true,
        description = "Talk with the model: microphone -> model -> speaker, with barge-in.")
final class VoiceChat implements Callable<Integer> {

    @Option(names = "--input", defaultValue = "javasound", paramLabel = "BACKEND[:DEVICE]",
            description = "Capture backend (javasound, openal, null), optionally :device (default: ${DEFAULT-VALUE}).")
    String inputChoice;

    @Option(names = "--input-file", paramLabel = "FILE.wav",
            description = "Speak this WAV file instead of a microphone; exits once its turns are answered.")
    Path inputFile;

    @Option(names = "--output", defaultValue = "javasound", paramLabel = "BACKEND[:DEVICE]",
            description = "Playback backend (javasound, openal, null, wav:FILE) (default: ${DEFAULT-VALUE}).")
    String outputChoice;

    @Option(names = "--list-devices", description = "List the audio backends and their devices, then exit.")
    boolean listDevices;

    @Option(names = "--instructions", defaultValue = "You are a helpful assistant. Keep answers short.",
            description = "The system message (default: ${DEFAULT-VALUE}).")
    String instructions;

    @Option(names = "--voice", description = "The model's voice, e.g. alloy, verse.")
    String voice;

    @Option(names = "--vad-threshold", defaultValue = "0.5", description = "Server VAD threshold 0..1 (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--prefix-padding-ms", defaultValue = "300", description = "Audio kept before speech (default: ${DEFAULT-VALUE}).")
    int prefixPaddingMs;

    @Option(names = "--silence-ms", defaultValue = "500", description = "Silence that ends a turn (default: ${DEFAULT-VALUE}).")
    int silenceMs;

    @Option(names = "--semantic-vad", paramLabel = "EAGERNESS",
            description = "Use semantic VAD (low, medium, high, auto) instead of server VAD.")
    String semanticVad;

    @Option(names = "--echo-cancel",
            description = "Cancel the echo of the model's voice in the microphone (WebRTC's AEC3), for speakers rather than a headset.")
    boolean echoCancel;

    @Option(names = "--local-vad",
            description = "Take the turns here with WebRTC's voice activity detector: only speech is sent, and speaking interrupts"
                    + " the model at once (the server's turn detection is turned off).")
    boolean localVad;

    @Option(names = "--transcription-model", defaultValue = "whisper-1",
            description = "Model that transcribes your speech (default: ${DEFAULT-VALUE}).")
    String transcriptionModel;

    @Option(names = "--timeout-seconds", defaultValue = "120", description = "With --input-file: give up after this long.")
    int timeoutSeconds;

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(4, 100);

    PrintStream out = System.out;
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        if (listDevices) {
            list();
            return 0;
        }
        try (Target target = Target.from(env, emulator, ExamplesMain::entraId)) {
            out.println("Connecting to " + target.description());
            // The app routes capture itself (into the session and a level meter), at the session's PCM rate.
            AudioInput input = inputFile != null
                    ? new WavAudioBackend().openInput(AudioSpec.forDevice(inputFile.toString()))
                    : open(inputChoice).openInput(AudioSpec.forDevice(device(inputChoice)));
            PlaybackDevice output = open(outputChoice).openPlayback(AudioSpec.forDevice(device(outputChoice)));
            out.println("Input: " + input.device().name() + "  Output: " + output.device().name());

            Conversation conversation = Conversation.connect(target.client()).block(Duration.ofSeconds(30));
            SessionConfig.Builder session = SessionConfig.builder().instructions(instructions)
                    .inputTranscription(InputTranscription.of(transcriptionModel));
            if (!localVad) { // with local VAD the client takes the turns: the server's detection stays off
                session.turnDetection(semanticVad != null ? TurnDetection.semanticVad(semanticVad)
                        : TurnDetection.serverVad(threshold, prefixPaddingMs, silenceMs));
            }
            if (voice != null) {
                session.voice(voice);
            }
            AtomicInteger turnsStarted = new AtomicInteger();
            AtomicInteger responsesDone = new AtomicInteger();
            CountDownLatch inputEnded = new CountDownLatch(1);
            AtomicReference<String> meter = new AtomicReference<>("");

            VoiceSession.Builder builder = VoiceSession.builder().conversation(conversation).output(output).session(session.build());
            if (echoCancel) {
                builder.echoCanceller(WebRtcAudio.echoCanceller());
            }
            if (localVad) {
                builder.localVad(LocalVad.builder(WebRtcAudio.voiceActivityDetector()).stopMillis(silenceMs).preRollMillis(prefixPaddingMs)
                        .build());
            }
            VoiceSession chat = builder.build();
            conversation.events().subscribe(event -> {
                if (event instanceof ServerEvent.ResponseDone done) {
                    responsesDone.incrementAndGet();
                    if (!"completed".equals(done.response().status())) {
                        // Cancelled (by a barge-in or the server's own VAD) or failed: its transcript is partial.
                        var details = done.response().statusDetails();
                        out.printf("[response %s%s]%n", done.response().status(),
                                details != null && details.reason() != null ? ": " + details.reason() : "");
                    }
                } else if (event instanceof ServerEvent.InputAudioBufferSpeechStarted) {
                    turnsStarted.incrementAndGet();
                    out.println("[you are speaking]");
                } else if (event instanceof ServerEvent.Error e) {
                    out.println("Error: " + e.error().message());
                }
            });
            chat.speech().subscribe(event -> { // local VAD's turns: the server hears only what they send
                if (event.kind() == SpeechEvent.Kind.STARTED) {
                    turnsStarted.incrementAndGet();
                    out.println("[you are speaking]");
                }
            });
            chat.transcripts().subscribe(line -> print(line));
            chat.latency().subscribe(sample -> out.printf("[latency] %s %d ms%n",
                    sample.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), sample.value().toMillis()));
            chat.interruptions().subscribe(t -> out.printf("[interrupted] %s: heard %d of %d ms%s%n", t.itemId(), t.playedMillis(),
                    t.receivedMillis(), t.deleted() ? " (deleted)" : ""));
            chat.start().block(Duration.ofSeconds(30));
            out.println("<< Session Started >>");

            // Capture is ours to route: into the session, and through a level meter.
            input.frames().subscribe(frame -> {
                chat.send(frame.toByteArray());
                meter.set(level(frame));
                if (System.console() != null) {
                    System.console().printf("\r%s\r", meter.get());
                }
            }, e -> inputEnded.countDown(), inputEnded::countDown);

            if (inputFile == null) {
                out.println("Speak; press Enter to quit.");
                System.in.read();
            } else {
                inputEnded.await(timeoutSeconds, TimeUnit.SECONDS);
                chat.send(new byte[(int) input.spec().format().bytesForSamples(input.spec().format().samplesForMillis(silenceMs + 500))]); // close the last turn: VAD needs the silence after it
                // Done when every turn the server heard has its response and that response has played.
                // Counting turns (not open responses) closes the gap between speech ending and response.created.
                Flux.interval(Duration.ofMillis(50))
                        .filter(t -> turnsStarted.get() > 0 && responsesDone.get() >= turnsStarted.get()
                                && chat.playoutStats().state() == PlayoutBuffer.State.IDLE)
                        .blockFirst(Duration.ofSeconds(timeoutSeconds));
            }
            input.close();
            chat.close();
            out.println("<< Session Ended >>");
            return 0;
        }
    }

    private void print(TranscriptLine line) {
        // Whole lines only: the deltas would interleave with the latency lines.
        if (line.done()) {
            out.println((line.speaker() == TranscriptLine.Speaker.USER ? "You: " : "Assistant: ") + line.text());
        }
    }

    private static String level(AudioFrame frame) {
        short[] samples = Pcm.toShorts(frame.toByteArray());
        double sum = 0;
        for (short s : samples) {
            sum += (double) s * s;
        }
        double dbfs = 10 * Math.log10(sum / Math.max(1, samples.length) / (32768.0 * 32768.0) + 1e-12);
        int bars = (int) Math.max(0, Math.min(30, (dbfs + 60) / 2));
        return String.format("mic %-30s %5.1f dBFS", "#".repeat(bars), dbfs);
    }

    private static AudioBackend open(String choice) {
        int colon = choice.indexOf(':');
        return AudioBackends.named(colon < 0 ? choice : choice.substring(0, colon));
    }

    private static String device(String choice) {
        int colon = choice.indexOf(':');
        return colon < 0 ? null : choice.substring(colon + 1);
    }

    private void list() {
        for (AudioBackend backend : AudioBackends.all()) {
            out.println(backend.name() + backend.unavailableReason().map(r -> " (unavailable: " + r + ")").orElse(""));
            if (backend.unavailableReason().isPresent()) {
                continue;
            }
            for (AudioDevice d : backend.inputDevices()) {
                out.println("  in:  " + d.name() + (d.isDefault() ? " (default)" : "") + " — " + d.description());
            }
            for (AudioDevice d : backend.outputDevices()) {
                out.println("  out: " + d.name() + (d.isDefault() ? " (default)" : "") + " — " + d.description());
            }
        }
    }
}
