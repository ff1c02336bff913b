package io.rtvoice.examples;

import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.telephony.CallEvent;
import io.rtvoice.telephony.CallMetrics;
import io.rtvoice.telephony.SipGateway;
import java.io.PrintStream;
import java.net.SocketException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;

/**
 * A phone number for the model: a {@link SipGateway} that answers SIP calls (UDP, G.711) and bridges each to a
 * Realtime session, on the embedded emulator or the service. One line per call event; runs until Ctrl-C, which
 * hangs up every call (BYE) before the program ends.
 */
@Command(name = "phone", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Answer SIP calls with the model: a SIP/RTP gateway (UDP, PCMU/PCMA) on the embedded emulator or the "
                + "service; one line per call event; Ctrl-C to stop.")
final class Phone implements Callable<Integer> {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");

    @Option(names = "--sip-port", defaultValue = "5060", description = "The SIP port, UDP; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int sipPort;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "The IPv4 address to listen on for SIP and RTP; 0.0.0.0 needs --media-host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--media-host", paramLabel = "IP",
            description = "The IPv4 address callers reach this machine at, put in SDP and Contact (default: the host).")
    String mediaHost;

    @Option(names = "--rtp-ports", paramLabel = "FROM-TO",
            description = "The RTP ports, one even port per call, e.g. 40000-40100 (default: any free port).")
    String rtpPorts;

    @Option(names = "--max-calls", defaultValue = "50", description = "Calls at once; one more is answered 486 Busy Here (default: ${DEFAULT-VALUE}).")
    int maxCalls;


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
        check(sipPort >= 0 && sipPort <= 65_535, "--sip-port", Integer.toString(sipPort), "0..65535");
        check(maxCalls >= 1, "--max-calls", Integer.toString(maxCalls), ">= 1");
        check(isIpv4(host), "--host", host, "an IPv4 address");
        check(mediaHost == null || isIpv4(mediaHost) && !mediaHost.equals("0.0.0.0"), "--media-host", mediaHost,
                "an IPv4 address callers reach, not 0.0.0.0");
        check(!host.equals("0.0.0.0") || mediaHost != null, "--host", host, "with --media-host, the address callers reach");
        int[] rtp = rtpPorts == null ? null : range(rtpPorts);
        try (UntilStopped running = new UntilStopped(stop, "rtvoice-phone-stop");
             Target target = Target.from(env, emulator, ExamplesMain::entraId)) {
            SipGateway.Builder builder = SipGateway.builder().client(target.client()).session(session.session())
                    .host(host).sipPort(sipPort).maxCalls(maxCalls);
            if (mediaHost != null) {
                builder.mediaHost(mediaHost);
            }
            if (rtp != null) {
                builder.rtpPorts(rtp[0], rtp[1]);
            }
            SipGateway gateway = start(builder);
            Disposable printing = gateway.events().subscribe(event -> out.println(describe(event)));
            try {
                out.println("Connecting calls to " + target.description());
                out.println("Listening for SIP on udp " + gateway.sipAddress().getAddress().getHostAddress() + ":"
                        + gateway.sipAddress().getPort() + " (at most " + maxCalls + " calls); Ctrl-C to stop");
                running.await();
                out.println("Hanging up " + gateway.activeCalls() + " call(s)");
            } finally {
                gateway.closeGracefully().block(Duration.ofSeconds(10));
                printing.dispose();
            }
            out.println("<< Phone Stopped >>");
            return 0;
        }
    }

    /** Starts the gateway; a SIP port that cannot be bound is the user's mistake, named by its option. */
    private SipGateway start(SipGateway.Builder builder) {
        try {
            return builder.start();
        } catch (Exception e) { // Netty's bind rethrows java.net.BindException undeclared
            if (e instanceof SocketException) {
                throw new ParameterException(spec.commandLine(), "--sip-port : " + sipPort + " (" + e.getMessage() + " on " + host + ")");
            }
            throw e;
        }
    }

    /** One line per event: {@code [call abc…] answered PCMU, RTP at 127.0.0.1:40000}. */
    static String describe(CallEvent event) {
        String call = "[call " + event.callId() + "] ";
        if (event instanceof CallEvent.Ringing r) {
            return call + "ringing: from " + r.call().from() + " to " + r.call().to() + " (" + r.call().codec() + ")";
        } else if (event instanceof CallEvent.Answered a) {
            return call + "answered " + a.codec() + ", RTP at " + a.rtp().getAddress().getHostAddress() + ":" + a.rtp().getPort();
        } else if (event instanceof CallEvent.StreamStarted st) {
            return call + st.carrier() + " stream " + st.streamId() + " started: " + st.encoding() + " " + st.sampleRate() + " Hz"
                    + (st.parameters().isEmpty() ? "" : ", parameters " + st.parameters());
        } else if (event instanceof CallEvent.Dtmf d) {
            return call + "DTMF " + d.digit();
        } else if (event instanceof CallEvent.BargeIn b) {
            return call + "barge-in: " + b.sentMillis() + " ms of the answer sent, silent " + b.toSilence().toMillis()
                    + " ms after the caller spoke";
        } else if (event instanceof CallEvent.HungUp h) {
            return call + "hung up by the " + h.by() + " (" + h.reason() + "): " + metrics(h.metrics());
        } else if (event instanceof CallEvent.Rejected r) {
            return call + "rejected " + r.status() + ": " + r.reason();
        }
        return call + event;
    }

    private static String metrics(CallMetrics m) {
        return String.format(Locale.ROOT, "%.1f s, packets in %d (lost %d, late or duplicate %d, reordered %d, rejected %d), out %d; "
                + "%d turns, %d barge-ins, %d DTMF; voice to voice p50 %s, p95 %s", m.duration().toMillis() / 1000.0, m.packetsIn(),
                m.lost(), m.lateOrDuplicate(), m.reordered(), m.rejected(), m.packetsOut(), m.turns(), m.bargeIns(), m.dtmfIn(),
                millis(m.voiceToVoiceP50()), millis(m.voiceToVoiceP95()));
    }

    private static String millis(Duration d) {
        return d == null ? "-" : d.toMillis() + " ms";
    }

    private int[] range(String value) {
        Matcher m = RANGE.matcher(value);
        int from = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        int to = m.matches() ? Integer.parseInt(m.group(2)) : -1;
        check(from >= 1_024 && to <= 65_534 && to > from, "--rtp-ports", value, "FROM-TO, 1024 <= FROM < TO <= 65534");
        return new int[] {from, to};
    }

    private static boolean isIpv4(String address) {
        if (address == null || !address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        for (String part : address.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A value out of range is the user's mistake, in Netty's form: {@code --max-calls : 0 (expected: >= 1)}. */
    private void check(boolean valid, String option, String value, String expected) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), option + " : " + value + " (expected: " + expected + ")");
        }
    }
}
