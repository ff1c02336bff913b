package io.rtvoice.examples;

import io.rtvoice.RealtimeSession;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Wav;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The quickstart's program: ask for a spoken response and print its transcript deltas and the size of
 * each audio delta as they arrive, until {@code response.done}.
 */
@Command(name = "text-in-audio-out", mixinStandardHelpOptions = true,
        description = "Send response.create and print the transcript and audio deltas as they arrive.")
final class TextInAudioOut implements Callable<Integer> {

    @Option(names = "--text", description = "A user message to send first.")
    String text;

    @Option(names = "--instructions", defaultValue = "Please assist the user.", description = "Instructions for the response (default: ${DEFAULT-VALUE}).")
    String instructions;

    @Option(names = "--wav-out", description = "Save the received audio (PCM16 24 kHz mono) as this WAV file.")
    Path wavOut;

    @Option(names = "--play", paramLabel = "BACKEND[:DEVICE]",
            description = "Also play the audio as it arrives, through an audio backend: javasound, openal, null, "
                    + "or wav:FILE (any backend on the class path; a device name may follow the colon).")
    String play;

    @Option(names = "--timeout-seconds", defaultValue = "60", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(4, 100);

    PrintStream out = System.out;
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws IOException {
        try (Target target = Target.from(env, emulator, ExamplesMain::entraId); Speaker speaker = play == null ? null : Speaker.open(play)) {
            out.println("Connecting to " + target.description());
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            ServerEvent last;
            try (RealtimeSession session = target.client().connect().block(Duration.ofSeconds(timeoutSeconds))) {
                if (text != null) {
                    session.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText(text)));
                }
                session.send(new ClientEvent.ResponseCreate(null,
                        ResponseParams.builder().outputModalities("audio").instructions(instructions).build()));
                last = session.events()
                        .doOnNext(event -> print(event, audio, speaker))
                        .takeUntil(event -> event instanceof ServerEvent.ResponseDone)
                        .blockLast(Duration.ofSeconds(timeoutSeconds));
            }
            if (speaker != null) {
                out.println(speaker.finish(Duration.ofSeconds(timeoutSeconds)));
            }
            if (wavOut != null) {
                Wav.write(wavOut, RealtimeAudioFormat.PCM16.pcmFormat(), audio.toByteArray());
                out.println("Saved " + audio.size() + " bytes of audio to " + wavOut);
            }
            boolean completed = last instanceof ServerEvent.ResponseDone done && "completed".equals(done.response().status());
            return completed ? 0 : 1;
        }
    }

    private void print(ServerEvent event, ByteArrayOutputStream audio, Speaker speaker) {
        if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDelta d) {
            out.println("Received text delta: " + d.delta());
        } else if (event instanceof ServerEvent.ResponseOutputTextDelta d) {
            out.println("Received text delta: " + d.delta());
        } else if (event instanceof ServerEvent.ResponseOutputAudioDelta d) {
            out.println("Received " + d.delta().length + " bytes of audio data.");
            audio.writeBytes(d.delta());
            if (speaker != null) {
                speaker.play(d.itemId(), d.delta());
            }
        } else if (event instanceof ServerEvent.Error e) {
            out.println("Error: " + e.error().message() + (e.error().code() != null ? " (" + e.error().code() + ")" : ""));
        } else if (event instanceof ServerEvent.ResponseDone done) {
            out.println("Response " + done.response().status() + ".");
        }
    }
}
