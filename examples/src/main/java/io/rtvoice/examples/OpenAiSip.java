package io.rtvoice.examples;

import com.sun.net.httpserver.HttpServer;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.SessionEndedException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Wav;
import io.rtvoice.calls.Calls;
import io.rtvoice.calls.WebhookEvent;
import io.rtvoice.calls.WebhookException;
import io.rtvoice.calls.WebhookVerifier;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The service's own SIP calls, end to end: a webhook receiver that verifies {@code realtime.call.incoming}, accepts the
 * call with a session ({@link Calls}) and follows it on the sideband WebSocket ({@code ?call_id=…}). With
 * {@code OPENAI_API_KEY} and {@code OPENAI_WEBHOOK_SECRET} set it waits for the calls of the project's SIP trunk at
 * {@code --webhook-port} (which OpenAI must reach over HTTPS: put it behind a TLS proxy); without them it runs an
 * emulator that places one synthetic call, which speaks, presses keys and hangs up once answered.
 */
@Command(name = "openai-sip", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Answer OpenAI SIP calls: verify the realtime.call.incoming webhook, accept with a session, follow the "
                + "call on its sideband WebSocket. Without OPENAI_API_KEY and OPENAI_WEBHOOK_SECRET, on an emulator that "
                + "places one synthetic call.")
final class OpenAiSip implements Callable<Integer> {

    @Option(names = "--webhook-port", defaultValue = "0", description = "Port of the webhook receiver; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int webhookPort;

    @Option(names = "--instructions", defaultValue = "You answer the phone. Keep answers short.",
            description = "The session every call is accepted with (default: ${DEFAULT-VALUE}).")
    String instructions;

    @Option(names = "--wav", paramLabel = "FILE.wav", description = "Emulator: what the synthetic caller says (PCM16 WAV; default: a sentence in the emulator's tone voice).")
    Path wav;

    @Option(names = "--dtmf", defaultValue = "12#", description = "Emulator: the keys the synthetic caller presses after speaking (default: ${DEFAULT-VALUE}).")
    String dtmf;

    PrintStream out = System.out;
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        String apiKey = env.get("OPENAI_API_KEY");
        String secret = env.get("OPENAI_WEBHOOK_SECRET");
        boolean service = apiKey != null && !apiKey.isBlank() && secret != null && !secret.isBlank();
        if (!service) {
            // The emulator's own webhook secret: made here, as a dashboard would show one.
            byte[] key = new byte[24];
            new java.security.SecureRandom().nextBytes(key);
            secret = "whsec_" + Base64.getEncoder().encodeToString(key);
            apiKey = "emulator";
        }
        WebhookVerifier verifier = WebhookVerifier.builder(secret).build();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(service ? null : InetAddress.getLoopbackAddress(), webhookPort), 16);
        RealtimeEmulator emulator = service ? null : RealtimeEmulator.builder()
                .webhook(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhook"), secret).start();
        Endpoint endpoint = service ? Endpoint.openAi("gpt-realtime")
                : Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA);
        Credentials credentials = Credentials.apiKey(apiKey);
        Calls calls = Calls.builder().endpoint(endpoint).credentials(credentials).build();
        SessionConfig session = SessionConfig.builder().instructions(instructions)
                .inputTranscription(InputTranscription.of("whisper-1")).build(); // the caller's words on the sideband
        CountDownLatch ended = new CountDownLatch(1);
        receiver.createContext("/webhook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            WebhookEvent event;
            try {
                event = verifier.verify(headers, body);
            } catch (WebhookException refused) {
                out.println("webhook refused: " + refused.reason());
                exchange.sendResponseHeaders(400, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            if (event.incomingCall()) {
                out.println("[" + event.callId() + "] incoming call from " + event.sipHeader("From"));
                answer(event.callId(), calls, session, endpoint, credentials, ended);
            }
        });
        receiver.start();
        try {
            if (service) {
                out.println("Waiting for OpenAI SIP calls: webhook at port " + receiver.getAddress().getPort()
                        + " (path /webhook); Ctrl-C to stop");
                new CountDownLatch(1).await();
            }
            Path said = wav != null ? wav : sentence();
            String callId = emulator.ring("sip:+15551230000@carrier.example", "sip:agent@rtvoice.example", said, dtmf)
                    .block(Duration.ofSeconds(30));
            out.println("[" + callId + "] rang the emulator's synthetic caller");
            if (!ended.await(60, TimeUnit.SECONDS)) {
                out.println("[" + callId + "] still going after 60 s: hanging up");
                calls.hangup(callId).block(Duration.ofSeconds(10));
            }
            return 0;
        } finally {
            receiver.stop(0);
            if (emulator != null) {
                emulator.close();
            }
        }
    }

    /** Accepts the call, then follows it on its sideband connection until it ends. Off the receiver's thread. */
    private void answer(String callId, Calls calls, SessionConfig session, Endpoint endpoint, Credentials credentials,
            CountDownLatch ended) {
        RealtimeClient sideband = RealtimeClient.builder().endpoint(endpoint.forCall(callId)).credentials(credentials).build();
        calls.accept(callId, session)
                .doOnSuccess(v -> out.println("[" + callId + "] accepted"))
                .then(Conversation.connect(sideband))
                .flatMapMany(Conversation::events)
                .doFinally(s -> {
                    out.println("[" + callId + "] ended");
                    ended.countDown();
                })
                .subscribe(event -> print(callId, event), e -> out.println("[" + callId + "] "
                        + (e instanceof SessionEndedException ? "closed: " : "failed: ") + e.getMessage()));
    }

    private void print(String callId, ServerEvent event) {
        if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted t) {
            out.println("[" + callId + "] caller: " + t.transcript());
        } else if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDone t) {
            out.println("[" + callId + "] model: " + t.transcript());
        } else if (event instanceof ServerEvent.InputAudioBufferDtmfEventReceived key) {
            out.println("[" + callId + "] key " + key.event());
        } else if (event instanceof ServerEvent.OutputAudioBufferStarted started) {
            out.println("[" + callId + "] the caller hears " + started.responseId());
        } else if (event instanceof ServerEvent.OutputAudioBufferStopped stopped) {
            out.println("[" + callId + "] the caller heard all of " + stopped.responseId());
        } else if (event instanceof ServerEvent.OutputAudioBufferCleared cleared) {
            out.println("[" + callId + "] the caller interrupted " + cleared.responseId());
        }
    }

    /** A sentence in the emulator's tone voice, as a WAV for the synthetic caller. */
    private static Path sentence() throws IOException {
        Path file = Files.createTempFile("rtvoice-caller", ".wav");
        file.toFile().deleteOnExit();
        Wav.write(file, AudioFormat.pcm16(SyntheticVoice.SAMPLE_RATE_HZ, 1), SyntheticVoice.speak("Hello, I would like to book a table for two."));
        return file;
    }
}
