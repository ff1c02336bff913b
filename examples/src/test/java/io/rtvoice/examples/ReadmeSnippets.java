package io.rtvoice.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.agent.Agent;
import io.rtvoice.agent.AgentEvent;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.agent.FunctionTool;
import io.rtvoice.agent.Guardrail;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.webrtc.WebRtcAudio;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.relay.VoiceRelay;
import io.rtvoice.transcription.TranscriptionConfig;
import io.rtvoice.transcription.TranscriptionSession;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.VoiceSession;
import java.net.URI;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The Java code the README and the docs show, compiled here. Each region between {@code // snippet:NAME} and
 * {@code // end:NAME} is what a Markdown file shows after a {@code <!-- snippet: NAME -->} line, and
 * {@link ReadmeSnippetsTest} fails when the two differ. Edit the code here, then copy it into the page.
 * Nothing here is run: it only has to compile.
 */
@SuppressWarnings("unused")
final class ReadmeSnippets {

    private ReadmeSnippets() {}

    static void client() {
        // snippet:client
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.azure(URI.create(System.getenv("AZURE_OPENAI_ENDPOINT")), "gpt-realtime"))
                .credentials(Credentials.apiKey(System.getenv("AZURE_OPENAI_API_KEY")))
                .build();                                  // transport found by ServiceLoader (WebSocket on Netty)

        client.connect().flatMapMany(session -> {
            session.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder().instructions("Please assist the user.").build()));
            return session.events();                       // ordered, typed, hot Flux<ServerEvent>
        }).takeUntil(e -> e instanceof ServerEvent.ResponseDone)
          .subscribe(System.out::println);
        // end:client
    }

    static void transcription(String key, byte[] pcm16At24kHz) {
        // snippet:transcription
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.openAiTranscription())  // or Endpoint.azureTranscription(resource): ?intent=transcription, no model
                .credentials(Credentials.apiKey(key)).build();
        TranscriptionSession session = TranscriptionSession.open(client, TranscriptionConfig.builder("gpt-4o-transcribe")
                .language("en").build()).block();          // session.update {type: "transcription", audio.input.transcription: …}
        session.transcripts().subscribe(t -> System.out.println(t.text()));   // completed lines, in the order the audio was committed
        session.items().subscribe(item -> item.deltas().subscribe(System.out::print));   // or delta by delta, with segments
        session.append(pcm16At24kHz);                      // the server's VAD commits; or manualCommit() and commit()
        // end:transcription
    }

    static void voiceSession(RealtimeClient client, JsonNode schema) {
        // snippet:voice-session
        Conversation conversation = Conversation.connect(client).block();
        conversation.tool("get_time", "The current time", schema, args -> Mono.just("{\"time\":\"12:00\"}"));

        VoiceSession voice = VoiceSession.builder()
                .conversation(conversation)
                .input(AudioBackends.named("javasound").openCapture(AudioSpec.forDevice(null)))   // the default microphone
                .output(AudioBackends.named("openal").openPlayback(AudioSpec.forDevice(null)))    // the default speaker
                .session(SessionConfig.builder().instructions("Keep answers short.").voice("alloy").build())
                .build();                                  // Mode.VAD by default; Mode.PUSH_TO_TALK commits on releaseToTalk()
        voice.transcripts().subscribe(line -> System.out.println(line.speaker() + ": " + line.text()));
        voice.latency().subscribe(sample -> System.out.println(sample.kind() + " " + sample.value().toMillis() + " ms"));
        voice.interruptions().subscribe(cut -> System.out.println("heard " + cut.playedMillis() + " of " + cut.receivedMillis() + " ms"));
        voice.start().block();                             // session.update accepted, both ends open at its wire format
        // … later, from any thread (an event loop included):
        voice.closeGracefully().subscribe();               // or close(), which waits when it may
        // end:voice-session
    }

    record WeatherArgs(String city, java.util.Optional<String> unit) {
    }

    record Booking(String reference) {
    }

    static void conversationTool(RealtimeClient client, JsonNode weatherSchema) {
        // snippet:conversation-tool
        Conversation conversation = Conversation.connect(client).block();
        conversation.tool("get_weather", "The weather in a city", weatherSchema,      // a JSON Schema you write
                argumentsJson -> Mono.just("{\"sky\":\"sunny\"}"));                  // JSON in, text out
        conversation.configure(SessionConfig.builder().instructions("You answer weather questions.").build()).block();
        // end:conversation-tool
    }

    static void agents(Conversation conversation, VoiceSession voice) {
        // snippet:agents
        Agent receptionist = Agent.builder("receptionist").voice("alloy")
                .instructions("Greet the caller. For the weather, transfer them to the forecaster.")
                .handoffs("forecaster")                    // a tool the model calls: transfer_to_forecaster
                .build();
        Agent forecaster = Agent.builder("forecaster").voice("cedar")
                .instructions("You answer weather questions.")
                .tool(FunctionTool.of("get_weather", "The weather in a city", WeatherArgs.class,   // schema from the record
                        args -> Mono.just(Map.of("city", args.city(), "sky", "sunny"))))            // any value: sent as JSON
                .tool(FunctionTool.of("cancel_booking", "Cancels a booking", Booking.class,
                        args -> Mono.just("cancelled")).withApproval())                            // waits for runner.approve(id)
                .handoffs("receptionist")
                .build();
        AgentRunner runner = AgentRunner.builder()
                .conversation(conversation)                // a VoiceSession's, for a voice app
                .agents(receptionist, forecaster)          // the first has the call
                .guardrail(Guardrail.of("no prices", text -> text.contains("$")))   // every 100 characters and at the end
                .interrupter(voice::interrupt)             // a tripped answer is cut where the user stopped hearing it
                .build();
        runner.events().subscribe(event -> {
            if (event instanceof AgentEvent.ApprovalRequested asked) {
                runner.approve(asked.id());                // or reject(id, reason); silence times out as not approved
            } else if (event instanceof AgentEvent.GuardrailTripped) {
                runner.say("Sorry, I can't talk about prices.").subscribe();
            }
        });
        runner.history().subscribe(history -> store(history.toJson()));   // restore(History.fromJson(json)) starts from it
        runner.start().block();                           // session.update for the receptionist; handoffs update it live
        // end:agents
    }

    private static void store(String json) {}

    static void speakers(Conversation conversation) {
        // snippet:speakers
        VoiceSession voice = VoiceSession.builder()
                .conversation(conversation)
                .input(AudioBackends.named("javasound").openCapture(AudioSpec.forDevice(null)))
                .output(AudioBackends.named("javasound").openPlayback(AudioSpec.forDevice(null)))
                .echoCanceller(WebRtcAudio.echoCanceller())          // the model's voice is taken out of the microphone
                .localVad(LocalVad.builder(WebRtcAudio.voiceActivityDetector())
                        .stopMillis(500).preRollMillis(300).build())  // turns taken here: only speech is sent
                .build();
        voice.speech().subscribe(e -> System.out.println(e.kind() + " at " + e.positionMillis() + " ms"));
        voice.start().block();
        // end:speakers
    }

    static void relay() {
        // snippet:relay
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.openAi("gpt-realtime"))
                .credentials(Credentials.apiKey(System.getenv("OPENAI_API_KEY")))
                .build();                                  // the relay's key: no page ever sees it
        try (VoiceRelay relay = VoiceRelay.builder()
                .client(client)
                .session(SessionConfig.builder().instructions("Keep answers short.").voice("marin").build())
                .port(8080)
                .allowedOrigins("https://app.example")      // besides the relay's own page
                .allowedHosts("voice.example.com")          // the name it is reached by (IP addresses and localhost always are)
                .maxSessions(32)
                .start()) {
            relay.sessions().subscribe(System.out::println); // one line per session that ended
            // … serve until shutdown
        }
        // end:relay
    }

    /** The app's own sign-in store, as docs/browser.md's snippet uses it. */
    interface SignIns {
        reactor.core.publisher.Mono<Boolean> isValid(String sessionId);
    }

    static VoiceRelay relayAuthorizer(RealtimeClient client, SignIns signIns) {
        return
        // snippet:relay-authorizer
        VoiceRelay.builder()
                .client(client)
                .authorizer(request -> signIns.isValid(request.cookie("sid").orElse(""))) // Mono<Boolean>, never blocking
                .start();
        // end:relay-authorizer
    }

    static void codec() throws Exception {
        // snippet:codec
        EventCodec codec = EventCodec.of(Dialect.PREVIEW);           // or Dialect.GA

        byte[] frame = codec.encode(new ClientEvent.SessionUpdate(null, SessionConfig.builder()
                .instructions("Please assist the user.")
                .voice("alloy")
                .turnDetection(TurnDetection.serverVad(0.5, 300, 500))
                .build()));                                            // flat preview shape on the wire

        ServerEvent event = codec.decodeServerEvent(frame);          // preview response.audio.delta → ResponseOutputAudioDelta
        if (event instanceof ServerEvent.ResponseOutputAudioDelta d) {
            play(d.delta());                                         // PCM16, already decoded from base64
        } else if (event instanceof ServerEvent.Unknown u) {
            log(u.type());                                           // a type we do not know: its raw JSON is kept
        }
        // end:codec
    }

    private static void play(byte[] pcm16) {}

    private static void log(String type) {}
}
