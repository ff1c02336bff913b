package io.rtvoice.examples;

import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.telephony.MediaStreamServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;

/**
 * Phone calls through a carrier's media stream: a {@link MediaStreamServer} that takes Twilio Media Streams
 * ({@code /twilio}) and Azure Communication Services audio streams ({@code /acs}) and bridges each to a Realtime
 * session, on the embedded emulator or the service. One line per call event; runs until Ctrl-C. With
 * {@code TWILIO_AUTH_TOKEN} and {@code --public-url}, Twilio's signature of each upgrade is checked.
 */
@Command(name = "streams", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Answer phone calls streamed by a carrier: Twilio Media Streams on /twilio, Azure Communication Services "
                + "audio streaming on /acs (WebSocket); on the embedded emulator or the service; one line per call event; "
                + "Ctrl-C to stop.")
final class Streams implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "The HTTP/WebSocket port; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "The address to listen on; put a TLS proxy in front for the carrier (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--max-streams", defaultValue = "50", description = "Streams at once; one more gets HTTP 503 (default: ${DEFAULT-VALUE}).")
    int maxStreams;

    @Option(names = "--public-url", paramLabel = "wss://HOST/twilio",
            description = "The Twilio stream URL as the TwiML has it (<Stream url>), which Twilio signs; with TWILIO_AUTH_TOKEN "
                    + "set, every Twilio upgrade must carry Twilio's X-Twilio-Signature for it (HTTP 403 otherwise).")
    URI publicUrl;

    @Mixin
    CallSessionOptions session = new CallSessionOptions();

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(1, 100);

    @Spec
    CommandSpec spec;

    PrintStream out = System.out;
    Map<String, String> env = System.getenv();
    /** Counted down to stop: by Ctrl-C (a shutdown hook), or by a test. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port : " + port + " (expected: 0..65535)");
        }
        if (maxStreams < 1) {
            throw new ParameterException(spec.commandLine(), "--max-streams : " + maxStreams + " (expected: >= 1)");
        }
        String twilioToken = env.get("TWILIO_AUTH_TOKEN");
        boolean signed = twilioToken != null && !twilioToken.isBlank();
        if (signed != (publicUrl != null)) {
            throw new ParameterException(spec.commandLine(), signed
                    ? "TWILIO_AUTH_TOKEN is set: --public-url is required (the wss:// URL of the TwiML's <Stream>, which Twilio signs)"
                    : "--public-url : " + publicUrl + " (expected: TWILIO_AUTH_TOKEN set too, the Auth Token Twilio signs with)");
        }
        MediaStreamServer.Builder builder = MediaStreamServer.builder();
        if (signed) {
            try {
                builder.twilioAuthToken(twilioToken, publicUrl);
            } catch (IllegalArgumentException bad) { // its message never holds the token
                throw new ParameterException(spec.commandLine(), bad.getMessage());
            }
        }
        try (UntilStopped running = new UntilStopped(stop, "rtvoice-streams-stop");
             Target target = Target.from(env, emulator, ExamplesMain::entraId)) {
            MediaStreamServer server = builder.client(target.client()).session(session.session())
                    .host(host).port(port).maxStreams(maxStreams).start();
            Disposable printing = server.events().subscribe(event -> out.println(Phone.describe(event)));
            try {
                out.println("Connecting calls to " + target.description());
                String base = "ws://" + host + ":" + server.port();
                out.println("Twilio Media Streams on " + base + "/twilio, ACS audio streaming on " + base + "/acs (at most "
                        + maxStreams + " streams); Ctrl-C to stop");
                out.println(signed ? "Twilio's X-Twilio-Signature checked for " + publicUrl
                        : "Twilio's X-Twilio-Signature not checked (set TWILIO_AUTH_TOKEN and --public-url)");
                running.await();
                out.println("Ending " + server.activeStreams() + " stream(s)");
            } finally {
                server.closeGracefully().block(Duration.ofSeconds(15));
                printing.dispose();
            }
            out.println("<< Streams Stopped >>");
            return 0;
        }
    }
}
