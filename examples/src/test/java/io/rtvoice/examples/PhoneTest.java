package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.emulator.cli.UserErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import reactor.core.publisher.Flux;

/**
 * {@code phone} on the embedded emulator, in this JVM: a caller written here (SIP over a {@link DatagramSocket})
 * dials it, is answered and hangs up, and each event is one printed line; then the program is stopped as Ctrl-C
 * stops it. Its option mistakes are one line and status 2.
 */
class PhoneTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the program has printed a line matching {@code pattern}; its first group. */
    private String awaitLine(String pattern) {
        Pattern p = Pattern.compile("(?m)^" + pattern + "$");
        Flux.interval(Duration.ofMillis(10)).filter(t -> p.matcher(printed()).find()).blockFirst(WAIT);
        Matcher m = p.matcher(printed());
        assertThat(m.find()).as(printed()).isTrue();
        return m.groupCount() > 0 ? m.group(1) : m.group();
    }

    @Test
    void answersACallPrintsEachEventAndStopsOnRequest() throws Exception {
        Phone phone = new Phone();
        phone.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        phone.env = Map.of();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(phone).execute("--sip-port", "0"));
        try {
            call(Integer.parseInt(awaitLine("Listening for SIP on udp 127\\.0\\.0\\.1:(\\d+) \\(at most 50 calls\\); Ctrl-C to stop")));
        } finally {
            phone.stop.countDown(); // what Ctrl-C's shutdown hook does
        }

        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(printed()).isZero();
        assertThat(printed()).contains("[call test-call@127.0.0.1] ringing: from <sip:caller@127.0.0.1>;tag=caller to <sip:phone@127.0.0.1> (PCMU)")
                .containsPattern("hung up by the caller \\(the caller hung up\\): [\\d.]+ s, packets in 0 .*voice to voice p50 -, p95 -")
                .endsWith("<< Phone Stopped >>" + System.lineSeparator());
    }

    /** Dials the phone at {@code port}, is answered, and hangs up. */
    private void call(int port) throws Exception {
        try (DatagramSocket sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sip.setSoTimeout((int) WAIT.toMillis());
            InetSocketAddress gateway = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + rtp.getLocalPort()
                    + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
            send(sip, gateway, request("INVITE", port, sip.getLocalPort(), "<sip:phone@127.0.0.1>", 1)
                    + "Contact: <sip:caller@127.0.0.1:" + sip.getLocalPort() + ">\r\nContent-Type: application/sdp\r\nContent-Length: "
                    + sdp.length() + "\r\n\r\n" + sdp);
            String ok = receiveFinal(sip);
            assertThat(ok).startsWith("SIP/2.0 200 OK");
            String to = header(ok, "To");
            send(sip, gateway, request("ACK", port, sip.getLocalPort(), to, 1) + "Content-Length: 0\r\n\r\n");
            awaitLine("\\[call test-call@127\\.0\\.0\\.1\\] answered PCMU, RTP at 127\\.0\\.0\\.1:\\d+");
            send(sip, gateway, request("BYE", port, sip.getLocalPort(), to, 2) + "Content-Length: 0\r\n\r\n");
            awaitLine("\\[call test-call@127\\.0\\.0\\.1\\] hung up by the caller \\(the caller hung up\\): .*");
        }
    }

    private static String request(String method, int gatewayPort, int localPort, String to, int cseq) {
        return method + " sip:phone@127.0.0.1:" + gatewayPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK-" + method.toLowerCase(Locale.ROOT) + cseq + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=caller\r\nTo: " + to + "\r\n"
                + "Call-ID: test-call@127.0.0.1\r\nCSeq: " + cseq + " " + method + "\r\n";
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    /** The INVITE's final answer, past 100 and 180. */
    private static String receiveFinal(DatagramSocket socket) throws Exception {
        byte[] buffer = new byte[8_192];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            String message = new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
            if (!message.startsWith("SIP/2.0 1")) {
                return message;
            }
        }
    }

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?mi)^" + name + ":\\s*(.*?)\\r?$").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return m.group(1);
    }

    @Test
    void aBadPortRangeIsOneLineAndStatus2() {
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new ExamplesMain()).setErr(new PrintWriter(err, true)).execute("phone", "--rtp-ports", "40000");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("rtvoice-examples phone: ")
                .contains("--rtp-ports : 40000 (expected: FROM-TO, 1024 <= FROM < TO <= 65534)");
    }

    @Test
    void noCallsAtAllIsOneLineAndStatus2() {
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new ExamplesMain()).setErr(new PrintWriter(err, true)).execute("phone", "--max-calls", "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().contains("--max-calls : 0 (expected: >= 1)");
    }
}
