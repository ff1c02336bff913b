package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.Endpoint;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.emulator.cli.UserErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code transcribe} against the embedded emulator, on espeak-ng speech at espeak's own 22,050 Hz (so the file
 * is resampled to the session's 24 kHz). The emulator does not recognise words: its transcript of an item is
 * the item's length, "audio of N milliseconds". So what is checked is what that can prove — a line per
 * utterance, in order, each as long as its speech — and, with one commit, the whole file's length to the ms.
 */
class TranscribeTest {

    static final Pattern LINE = Pattern.compile("audio of (\\d+) milliseconds");

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** espeak-ng's {@code texts}, each followed by {@code silenceMs} of silence, as one 22,050 Hz mono WAV; the speeches' lengths in ms. */
    static int[] speech(Path file, Path dir, int silenceMs, String... texts) throws Exception {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        int[] lengthsMs = new int[texts.length];
        AudioFormat format = null;
        for (int i = 0; i < texts.length; i++) {
            Wav.Audio said = Signals.speech(texts[i], dir.resolve("said-" + i + ".wav"));
            format = said.format();
            pcm.writeBytes(said.data());
            pcm.writeBytes(new byte[(int) format.bytesForSamples(format.samplesForMillis(silenceMs))]);
            lengthsMs[i] = (int) format.millisOfSamples(said.frames());
        }
        assertThat(format).isEqualTo(AudioFormat.pcm16(22_050, 1));
        Wav.write(file, format, pcm.toByteArray());
        return lengthsMs;
    }

    int run(Path wav, String... options) {
        Transcribe program = new Transcribe();
        program.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        program.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        program.env = Map.of(); // no service named: the embedded emulator
        String[] args = new String[options.length + 1];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = wav.toString();
        return new CommandLine(program).execute(args);
    }

    List<Integer> printedMs() {
        return out.toString(StandardCharsets.UTF_8).lines().map(line -> {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("'%s' is a transcript line", line).isTrue();
            return Integer.parseInt(m.group(1));
        }).toList();
    }

    @Test
    void printsATranscriptLinePerUtteranceInOrderEachAsLongAsItsSpeech() throws Exception {
        Path wav = dir.resolve("two-utterances.wav");
        int[] spokenMs = speech(wav, dir, 1500, "What time is it?", "Thank you very much, and goodbye for now.");

        int exit = run(wav);

        String printed = out.toString(StandardCharsets.UTF_8);
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed + log).isZero();
        assertThat(log).contains("Transcribing two-utterances.wav").contains("the embedded emulator");
        List<Integer> heardMs = printedMs();
        assertThat(heardMs).as(printed + log).hasSize(2);
        for (int i = 0; i < 2; i++) {
            // An item runs from speech start less 300 ms of padding to speech end plus the 500 ms of silence that
            // ended it; espeak's file has a little silence at each end, which the VAD leaves out.
            assertThat(heardMs.get(i)).as("utterance %d of %d ms of speech", i, spokenMs[i])
                    .isBetween(spokenMs[i] / 2, spokenMs[i] + 300 + 500 + 100);
        }
        assertThat(heardMs.get(1)).as("the longer sentence second").isGreaterThan(heardMs.get(0));
    }

    @Test
    void withManualCommitTheWholeFileIsOneItemAsLongAsTheFileAt24kHz() throws Exception {
        Path wav = dir.resolve("one.wav");
        speech(wav, dir, 200, "Hello there.");
        int expectedMs = Transcribe.monoAt(Wav.read(wav), 24_000).length / 24;

        int exit = run(wav, "--manual-commit", "--model", "whisper-1", "--language", "en");

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printedMs()).containsExactly(expectedMs);
    }

    @Test
    void theServiceTheEnvironmentNamesIsReachedAtItsTranscriptionEndpoint() {
        try (Target openAi = Target.transcriptionService(Map.of("OPENAI_API_KEY", "sk-transcribe-test", "OPENAI_MODEL", "gpt-realtime"),
                () -> null).orElseThrow()) {
            assertThat(openAi.client().endpoint()).isEqualTo(Endpoint.openAiTranscription());
        }
        try (Target azure = Target.transcriptionService(Map.of("AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com",
                "AZURE_OPENAI_API_KEY", "azure-transcribe-test", "AZURE_OPENAI_DEPLOYMENT_NAME", "gpt-realtime"), () -> null).orElseThrow()) {
            assertThat(azure.client().endpoint().uri()).hasToString("wss://r.openai.azure.com/openai/v1/realtime?intent=transcription");
            assertThat(azure.client().endpoint().service()).isEqualTo(Endpoint.Service.AZURE);
        }
        assertThat(Target.transcriptionService(Map.of(), () -> null)).isEmpty();
    }

    @Test
    void aFileThatIsNotWavIsTheUsersMistakeOnOneLine() throws Exception {
        Path notWav = dir.resolve("notes.wav");
        java.nio.file.Files.writeString(notWav, "not audio");
        StringWriter errors = new StringWriter();
        CommandLine cli = UserErrors.commandLine(new ExamplesMain()).setErr(new PrintWriter(errors, true));

        int exit = cli.execute("transcribe", notWav.toString());

        assertThat(exit).isEqualTo(UserErrors.MISTAKE);
        assertThat(errors.toString().lines().toList()).singleElement().asString().startsWith("rtvoice-examples transcribe: ");
    }
}
