package io.rtvoice.examples;

import io.rtvoice.agent.Agent;
import io.rtvoice.agent.AgentEvent;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.agent.FunctionTool;
import io.rtvoice.agent.Guardrail;
import io.rtvoice.agent.History;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.WavAudioBackend;
import io.rtvoice.audio.spi.PlaybackDevice;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.ScriptedResponder;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.voice.TranscriptLine;
import io.rtvoice.voice.VoiceSession;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Two voice agents in one call: a receptionist who hands the caller to a scheduler, whose booking tool needs the
 * approval of a person at the console (or {@code --auto-approve}). Microphone, or a WAV file with {@code --input-file};
 * the history can be stored ({@code --save-history}) and a later call started from it ({@code --restore-history}).
 * On the embedded emulator a small scripted model stands in for the real one (it cannot understand speech): each
 * turn it calls the tool on offer, a handoff first.
 */
@Command(name = "voice-agents", mixinStandardHelpOptions = true,
        description = "A receptionist hands you to a scheduler, whose booking needs your approval: agents, handoffs, "
                + "tool approval, a guardrail and a stored history.")
final class VoiceAgents implements Callable<Integer> {

    @Option(names = "--input", defaultValue = "javasound", paramLabel = "BACKEND[:DEVICE]",
            description = "Capture backend (javasound, openal, null), optionally :device (default: ${DEFAULT-VALUE}).")
    String inputChoice;

    @Option(names = "--input-file", paramLabel = "FILE.wav",
            description = "Speak this WAV file instead of a microphone; exits once its turns are answered.")
    Path inputFile;

    @Option(names = "--output", defaultValue = "javasound", paramLabel = "BACKEND[:DEVICE]",
            description = "Playback backend (javasound, openal, null, wav:FILE) (default: ${DEFAULT-VALUE}).")
    String outputChoice;

    @Option(names = "--auto-approve", description = "Approve every booking without asking.")
    boolean autoApprove;

    @Option(names = "--save-history", paramLabel = "FILE.json", description = "Write the call's history here at the end.")
    Path saveHistory;

    @Option(names = "--restore-history", paramLabel = "FILE.json", description = "Go on from a history saved before.")
    Path restoreHistory;

    @Option(names = "--timeout-seconds", defaultValue = "120", description = "With --input-file: give up after this long.")
    int timeoutSeconds;

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(4, 100);

    PrintStream out = System.out;
    InputStream in = System.in;
    /** Approvals asked at the console and not yet answered, oldest first. */
    private final java.util.Queue<AgentEvent.ApprovalRequested> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Map<String, String> env = System.getenv();

    /** The booking tool's arguments: the schema the model sees is derived from these components. */
    record Booking(String day, Optional<String> time, String reason) {
    }

    /** What the booking tool answers: written to the model as JSON. */
    record Booked(String day, String time, String reference) {
    }

    /** The open slots tool's arguments. */
    record Day(String day) {
    }

    static Agent receptionist() {
        return Agent.builder("receptionist").voice("alloy")
                .instructions("You are the receptionist of a dental clinic. Greet the caller briefly. "
                        + "For appointments, transfer them to the scheduler.")
                .handoffDescription("Greets callers and answers general questions")
                .handoffs("scheduler").build();
    }

    static Agent scheduler() {
        return Agent.builder("scheduler").voice("cedar")
                .instructions("You book dental appointments. Ask for the day, offer open slots, and book one. "
                        + "Never give medical advice. Hand back to the receptionist for anything else.")
                .handoffDescription("Books appointments")
                .tool(FunctionTool.of("open_slots", "The open slots on a day", Day.class,
                        day -> Mono.just(List.of("09:00", "14:30"))))
                .tool(FunctionTool.of("book_appointment", "Books an appointment", Booking.class,
                        b -> Mono.just(new Booked(b.day(), b.time().orElse("09:00"), "BK-" + Math.abs(b.day().hashCode() % 1000))))
                        .withApproval()) // a person says yes first
                .handoffs("receptionist").build();
    }

    @Override
    public Integer call() throws Exception {
        // On the emulator, a scripted model stands in; the service ignores the option.
        try (Target target = Target.service(env, ExamplesMain::entraId)
                .orElseGet(() -> Target.embedded(emulator.builder().responder(demoModel()).start()))) {
            out.println("Connecting to " + target.description());
            AudioInput input = inputFile != null
                    ? new WavAudioBackend().openInput(AudioSpec.forDevice(inputFile.toString()))
                    : AudioBackends.named(backend(inputChoice)).openInput(AudioSpec.forDevice(device(inputChoice)));
            PlaybackDevice output = AudioBackends.named(backend(outputChoice)).openPlayback(AudioSpec.forDevice(device(outputChoice)));

            Conversation conversation = Conversation.connect(target.client()).block(Duration.ofSeconds(30));
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(output)
                    .session(SessionConfig.builder().inputTranscription(InputTranscription.of("whisper-1"))
                            .turnDetection(TurnDetection.serverVad(0.5, 300, 500)).build())
                    .build();
            AgentRunner runner = AgentRunner.builder()
                    .conversation(conversation)
                    .agents(receptionist(), scheduler())
                    .guardrail(Guardrail.of("no medical advice", text -> text.toLowerCase(Locale.ROOT).contains("diagnos")))
                    .interrupter(voice::interrupt)      // a tripped guardrail cuts at what was played
                    .restore(restoreHistory == null ? null : History.fromJson(Files.readString(restoreHistory)))
                    .build();

            AtomicInteger turns = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            AtomicBoolean toolsInFlight = new AtomicBoolean();
            BufferedReader console = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            runner.events().subscribe(event -> {
                print(event);
                if (event instanceof AgentEvent.ApprovalRequested asked) {
                    approve(runner, asked, console);
                } else if (event instanceof AgentEvent.GuardrailTripped) {
                    runner.say("I can't give medical advice, but I can book you an appointment.").subscribe(r -> { }, e -> { });
                }
            });
            conversation.events().subscribe(event -> {
                if (event instanceof ServerEvent.InputAudioBufferSpeechStarted) {
                    turns.incrementAndGet();
                } else if (event instanceof ServerEvent.ResponseDone done) {
                    // A response that called a tool is followed by another: the turn is answered by the last.
                    boolean calls = done.response().output() != null && done.response().output().stream()
                            .anyMatch(i -> "function_call".equals(i.type()));
                    toolsInFlight.set(calls);
                    if (!calls) {
                        answered.incrementAndGet();
                    }
                } else if (event instanceof ServerEvent.Error e) {
                    out.println("Error: " + e.error().message());
                }
            });
            voice.transcripts().filter(TranscriptLine::done).subscribe(line ->
                    out.println((line.speaker() == TranscriptLine.Speaker.USER ? "You: " : runner.currentAgent().name() + ": ") + line.text()));

            voice.start().block(Duration.ofSeconds(30));
            runner.start().block(Duration.ofSeconds(30));
            out.println("<< Call started with the " + runner.currentAgent().name() + " >>");

            CountDownLatch inputEnded = new CountDownLatch(1);
            input.frames().subscribe(frame -> voice.send(frame.toByteArray()), e -> inputEnded.countDown(), inputEnded::countDown);
            if (inputFile == null) {
                out.println("Speak; answer the approvals here; press Enter to quit.");
                for (String line = console.readLine(); line != null; line = console.readLine()) {
                    AgentEvent.ApprovalRequested asked = waiting.poll();
                    if (asked == null) {
                        break; // Enter with nothing to decide: quit
                    }
                    decide(runner, asked, line);
                }
            } else {
                inputEnded.await(timeoutSeconds, TimeUnit.SECONDS);
                voice.send(new byte[input.spec().format().sampleRate() * 2]); // a second of silence ends the last turn
                Flux.interval(Duration.ofMillis(50))
                        .filter(t -> turns.get() > 0 && answered.get() >= turns.get() && !toolsInFlight.get()
                                && voice.playoutStats().state() == PlayoutBuffer.State.IDLE)
                        .blockFirst(Duration.ofSeconds(timeoutSeconds));
            }
            History history = runner.currentHistory();
            if (saveHistory != null) {
                Files.writeString(saveHistory, history.toJson());
                out.println("History saved to " + saveHistory + " (" + history.entries().size() + " entries)");
            }
            runner.close();
            input.close();
            voice.close();
            out.println("<< Call ended >>");
            return 0;
        }
    }

    /**
     * Asks the person at the console. With a microphone the main thread reads their answers; with a file it is busy
     * waiting for the end, so a thread made for waiting reads the answer (never the connection's thread).
     */
    private void approve(AgentRunner runner, AgentEvent.ApprovalRequested asked, BufferedReader console) {
        if (autoApprove) {
            runner.approve(asked.id());
            return;
        }
        out.printf("Approve %s %s? [y/N]%n", asked.tool(), asked.arguments());
        if (inputFile == null) {
            waiting.add(asked);
            return;
        }
        Mono.fromCallable(() -> Optional.ofNullable(console.readLine()).orElse(""))
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(answer -> decide(runner, asked, answer));
    }

    private static void decide(AgentRunner runner, AgentEvent.ApprovalRequested asked, String answer) {
        if (answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
            runner.approve(asked.id());
        } else {
            runner.reject(asked.id(), "the person at the desk said no");
        }
    }

    private void print(AgentEvent event) {
        String line;
        if (event instanceof AgentEvent.AgentStarted e) {
            line = "[agent] " + e.agent() + " has the call";
        } else if (event instanceof AgentEvent.AgentEnded e) {
            line = "[agent] " + e.agent() + " is done";
        } else if (event instanceof AgentEvent.Handoff e) {
            line = "[handoff] " + e.agent() + " -> " + e.to();
        } else if (event instanceof AgentEvent.VoiceKept e) {
            line = "[voice] " + e.agent() + " keeps " + e.kept() + " (the service fixes the voice once the model has spoken)";
        } else if (event instanceof AgentEvent.ToolStarted e) {
            line = "[tool] " + e.tool() + " " + e.arguments();
        } else if (event instanceof AgentEvent.ToolEnded e) {
            line = "[tool] " + e.tool() + " -> " + e.output();
        } else if (event instanceof AgentEvent.ApprovalRequested e) {
            line = "[approval] " + e.tool() + " waits for a decision";
        } else if (event instanceof AgentEvent.ApprovalDecided e) {
            line = "[approval] " + (e.approved() ? "approved" : "not approved" + (e.reason() != null ? ": " + e.reason() : ""));
        } else if (event instanceof AgentEvent.GuardrailTripped e) {
            line = "[guardrail] " + e.guardrail() + " tripped: the answer was cut";
        } else if (event instanceof AgentEvent.Error e) {
            line = "[error] " + e.message();
        } else {
            line = event.toString();
        }
        out.println(line);
    }

    /**
     * The embedded emulator's stand-in for the model, which cannot understand speech, written as the emulator's
     * script: a user's turn calls the tool on offer (the handoff to the scheduler first, then the booking); after the
     * handoff the scheduler introduces itself; after the booking's output it says the result. A sentence the runner
     * asks for word for word ({@link AgentRunner#say}) is said as asked.
     */
    static Responder demoModel() {
        return ScriptedResponder.builder()
                .onToolOutput("transfer_to_scheduler").say("Hello, this is the scheduler. Which day would suit you?")
                .onToolOutput("book_appointment", "\"error\"").say("I could not book it: it was not approved.")
                .onToolOutput("book_appointment").say("You are booked: {output}.")
                .onAnyTurn().whenToolOffered("transfer_to_scheduler").callTool("transfer_to_scheduler", "{}")
                .onAnyTurn().whenToolOffered("book_appointment")
                        .callTool("book_appointment", "{\"day\":\"Tuesday\",\"reason\":\"a check-up\"}")
                .otherwise(VoiceAgents::wordForWord)
                .build();
    }

    /** What the runner's {@code say} asks for in the response's instructions, else a greeting. */
    private static Responder.Reply wordForWord(Responder.Turn turn) {
        String instructions = turn.session().instructions() == null ? "" : turn.session().instructions();
        String say = "word for word, and nothing else: ";
        int at = instructions.indexOf(say);
        return new Responder.Reply.Speech(at >= 0 ? instructions.substring(at + say.length()) : "Hello, how can I help you today?");
    }

    private static String backend(String choice) {
        int colon = choice.indexOf(':');
        return colon < 0 ? choice : choice.substring(0, colon);
    }

    private static String device(String choice) {
        int colon = choice.indexOf(':');
        return colon < 0 ? null : choice.substring(colon + 1);
    }
}
