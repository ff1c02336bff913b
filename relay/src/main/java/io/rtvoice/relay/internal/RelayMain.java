package io.rtvoice.relay.internal;

import com.azure.identity.DefaultAzureCredentialBuilder;
import io.rtvoice.ClientSecrets;
import io.rtvoice.Credentials;
import io.rtvoice.EntraIdCredentials;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.emulator.cli.UserErrors;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.relay.VoiceRelay;
import io.rtvoice.voice.Authorizer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code java -jar relay/target/rtvoice-relay.jar --port 8080}: the relay, on the embedded emulator or the service. */
@Command(name = "rtvoice-relay", mixinStandardHelpOptions = true,
        description = "Serves the voice page and relays its audio to the Realtime API; the page never sees a key. With no "
                + "configuration it relays to an embedded emulator; set AZURE_OPENAI_ENDPOINT (+ AZURE_OPENAI_API_KEY, "
                + "AZURE_OPENAI_DEPLOYMENT_NAME) or OPENAI_API_KEY to use the service. Set RTVOICE_RELAY_TOKEN to admit "
                + "only pages opened as /?token=<it> (or with the cookie rtvoice_token).")
public final class RelayMain implements Runnable {

    /** The environment variable with the token pages must carry (an argument would show in the process list). */
    static final String TOKEN_VARIABLE = "RTVOICE_RELAY_TOKEN";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--host", description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "Also accept pages of this origin (https://app.example); repeatable. The relay's own page always may.")
    String[] allowedOrigins = {};

    @Option(names = "--allow-host", paramLabel = "HOST",
            description = "Also answer requests to this host name (voice.example.com); repeatable. IP addresses, localhost "
                    + "and the hosts of --allow-origin always may; other names get 403 (against DNS rebinding).")
    String[] allowedHosts = {};

    @Option(names = "--max-sessions", description = "Pages connected at once (default: ${DEFAULT-VALUE}).")
    int maxSessions = 32;

    @Option(names = "--idle-timeout-s", description = "Close a page silent this long, in seconds (default: ${DEFAULT-VALUE}).")
    int idleSeconds = 30;

    @Option(names = "--instructions", description = "Instructions every session starts with (the page may change them).")
    String instructions = "You are a helpful assistant. Answer briefly.";

    @Option(names = "--direct-key-ttl-s", paramLabel = "SECONDS",
            description = "Also offer the direct mode: the page connects to the service itself with a key minted for it, "
                    + "living this long (10..7200 s; default: relay mode only).")
    Integer directKeySeconds;

    @Mixin
    EmulatorOptions emulator = new EmulatorOptions();

    @Override
    public void run() {
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // The JVM exits once the hooks return: this one waits for the relay to close, so the last summaries are out.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            try {
                closed.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (Target target = Target.from(System.getenv(), emulator, RelayMain::entraId);
             VoiceRelay relay = direct(target, VoiceRelay.builder().client(target.client()).host(host).port(port)
                     .allowedOrigins(allowedOrigins).allowedHosts(allowedHosts).maxSessions(maxSessions).idleTimeout(Duration.ofSeconds(idleSeconds))
                     .session(SessionConfig.builder().instructions(instructions).build())
                     .authorizer(tokenAuthorizer(System.getenv(TOKEN_VARIABLE)))).start()) {
            relay.sessions().subscribe(System.out::println);
            boolean token = present(System.getenv(TOKEN_VARIABLE));
            System.out.println("rtvoice relay: open http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + relay.port()
                    + "/" + (token ? "?token=<" + TOKEN_VARIABLE + ">" : "") + " (relaying to " + target.description()
                    + "); Ctrl-C stops");
            if (!token && !host.startsWith("127.") && !host.equals("localhost")) {
                System.out.println("rtvoice relay: anyone who reaches this port talks to the service on the relay's key; "
                        + "set " + TOKEN_VARIABLE + " to admit only pages that carry it");
            }
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed.countDown();
        }
    }

    /**
     * Admits a request that carries {@code token} as its {@code token} query parameter or its {@code rtvoice_token}
     * cookie, compared in constant time; null when there is no token (anyone the origin check lets in).
     */
    static Authorizer tokenAuthorizer(String token) {
        if (!present(token)) {
            return null;
        }
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return request -> Mono.just(request.queryParameter("token").or(() -> request.cookie("rtvoice_token"))
                .filter(given -> MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))).isPresent());
    }

    /** The direct mode, when asked for: keys minted with the credentials the target connects with. */
    private VoiceRelay.Builder direct(Target target, VoiceRelay.Builder relay) {
        if (directKeySeconds == null) {
            return relay;
        }
        Map<String, String> env = System.getenv();
        String azureKey = env.get("AZURE_OPENAI_API_KEY");
        String openAiKey = env.get("OPENAI_API_KEY");
        Credentials credentials = present(env.get("AZURE_OPENAI_ENDPOINT"))
                ? present(azureKey) ? Credentials.apiKey(azureKey) : entraId()
                : present(openAiKey) ? Credentials.apiKey(openAiKey) : Credentials.apiKey("emulator");
        try {
            ClientSecrets secrets = ClientSecrets.builder().endpoint(target.client().endpoint()).credentials(credentials).build();
            return relay.ephemeralKeys(secrets, Duration.ofSeconds(directKeySeconds));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--direct-key-ttl-s: " + e.getMessage());
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** Runs the relay. */
    public static void main(String[] args) {
        UserErrors.main(new RelayMain(), args); // a user's mistake: one line, exit status 2
    }

    /** Azure OpenAI without a key: Microsoft Entra ID (environment, workload or managed identity, Azure CLI, ...). */
    private static Credentials entraId() {
        return EntraIdCredentials.of(new DefaultAzureCredentialBuilder().build());
    }
}
