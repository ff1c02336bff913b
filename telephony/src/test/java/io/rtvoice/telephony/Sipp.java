package io.rtvoice.telephony;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * SIPp (Debian {@code sip-tester}) as the caller: a scenario written for the test, run against the gateway on
 * loopback. Skips where SIPp is not installed, unless {@code RTVOICE_REQUIRE_SIP=1} (CI) says it must be there.
 */
final class Sipp {

    static final boolean REQUIRED = "1".equals(System.getenv("RTVOICE_REQUIRE_SIP"));

    /** The SDP SIPp offers: PCMU, PCMA and telephone-event, received at {@code LISTEN_PORT} (the test's RTP listener). */
    static final String OFFER = """
            v=0
            o=sipp 53655765 2353687637 IN IP4 127.0.0.1
            s=-
            c=IN IP4 127.0.0.1
            t=0 0
            m=audio LISTEN_PORT RTP/AVP 0 8 101
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=ptime:20
            """;

    static final String INVITE = """
              <send retrans="500">
                <![CDATA[
                  INVITE sip:agent@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                  To: <sip:agent@[remote_ip]:[remote_port]>
                  Call-ID: [call_id]
                  CSeq: 1 INVITE
                  Contact: sip:sipp@[local_ip]:[local_port]
                  Max-Forwards: 70
                  Subject: rtvoice test
                  Content-Type: application/sdp
                  Content-Length: [len]

            OFFER
                ]]>
              </send>
            """;

    static final String ACK = """
              <send>
                <![CDATA[
                  ACK sip:agent@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                  To: <sip:agent@[remote_ip]:[remote_port]>[peer_tag_param]
                  Call-ID: [call_id]
                  CSeq: 1 ACK
                  Contact: sip:sipp@[local_ip]:[local_port]
                  Max-Forwards: 70
                  Content-Length: 0
                ]]>
              </send>
            """;

    static final String BYE = """
              <send retrans="500">
                <![CDATA[
                  BYE sip:agent@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                  To: <sip:agent@[remote_ip]:[remote_port]>[peer_tag_param]
                  Call-ID: [call_id]
                  CSeq: 2 BYE
                  Contact: sip:sipp@[local_ip]:[local_port]
                  Max-Forwards: 70
                  Content-Length: 0
                ]]>
              </send>
              <recv response="200" crlf="true"/>
            """;

    /** The caller answers the gateway's BYE. */
    static final String AWAIT_BYE = """
              <recv request="BYE"/>
              <send>
                <![CDATA[
                  SIP/2.0 200 OK
                  [last_Via:]
                  [last_From:]
                  [last_To:]
                  [last_Call-ID:]
                  [last_CSeq:]
                  Content-Length: 0
                ]]>
              </send>
            """;

    /** The ACK of a final answer that was not 2xx: it goes with the INVITE's transaction (its Via). */
    static final String ACK_REFUSAL = """
              <send>
                <![CDATA[
                  ACK sip:agent@[remote_ip]:[remote_port] SIP/2.0
                  [last_Via:]
                  From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                  To: <sip:agent@[remote_ip]:[remote_port]>[peer_tag_param]
                  Call-ID: [call_id]
                  CSeq: 1 ACK
                  Max-Forwards: 70
                  Content-Length: 0
                ]]>
              </send>
            """;

    /** The call is refused with {@code status}, and the refusal acknowledged. */
    static String refused(int status) {
        return "  <recv response=\"100\" optional=\"true\"/>\n  <recv response=\"180\" optional=\"true\"/>\n"
                + "  <recv response=\"" + status + "\"/>\n" + ACK_REFUSAL;
    }

    static final String ANSWERED = """
              <recv response="100" optional="true"/>
              <recv response="180" optional="true"/>
              <recv response="200" rtd="true"/>
            """;

    private final Path dir;
    private final Path sipp;

    private Sipp(Path dir, Path sipp) {
        this.dir = dir;
        this.sipp = sipp;
    }

    static Sipp in(Path dir) {
        Optional<Path> found = onPath("sipp");
        if (found.isEmpty()) {
            if (REQUIRED) {
                Assertions.fail("sipp is missing, and RTVOICE_REQUIRE_SIP=1 says it must be here");
            }
            Assumptions.abort("sipp is missing (Debian: sip-tester): skipped (installed by .ci/run in CI)");
        }
        return new Sipp(dir, found.get());
    }

    private static Optional<Path> onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(d, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A scenario: the INVITE (with {@code offer}, {@code LISTEN_PORT} replaced), then {@code steps}. */
    static String scenario(int listenPort, String steps) {
        String offer = OFFER.replace("LISTEN_PORT", String.valueOf(listenPort)).stripTrailing()
                .lines().map(l -> "      " + l).reduce((a, b) -> a + "\n" + b).orElse("");
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<!DOCTYPE scenario SYSTEM \"sipp.dtd\">\n"
                + "<scenario name=\"rtvoice\">\n" + INVITE.replace("OFFER", offer) + steps + "</scenario>\n";
    }

    /** Plays a raw 8 kHz G.711 file as RTP (payload type {@code pt}) after the ACK, then waits {@code pauseMillis}. */
    static String play(Path rawG711, int pt, long pauseMillis) {
        return "  <nop><action><exec rtp_stream=\"" + rawG711.toAbsolutePath() + ",1," + pt + "\"/></action></nop>\n"
                + (pauseMillis > 0 ? "  <pause milliseconds=\"" + pauseMillis + "\"/>\n" : "");
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A running SIPp. */
    final class Run {
        final Process process;
        final Path log;

        Run(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** Waits for SIPp to finish: its exit status (0: every call succeeded). */
        int await(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return -1;
            }
            return process.exitValue();
        }

        /** What SIPp printed, and its error logs. */
        String output() {
            try {
                StringBuilder s = new StringBuilder(Files.exists(log) ? Files.readString(log) : "");
                try (var files = Files.list(dir)) {
                    for (Path p : files.filter(f -> f.getFileName().toString().endsWith("_errors.log")).toList()) {
                        s.append("\n").append(p.getFileName()).append(":\n").append(Files.readString(p));
                    }
                }
                return s.toString();
            } catch (IOException e) {
                return "(SIPp's output could not be read: " + e + ")";
            }
        }
    }

    /**
     * Starts SIPp calling {@code gatewayPort}: {@code calls} calls, at most {@code concurrent} at once, at
     * {@code rate} per second; its own RTP from {@code mediaPort}.
     */
    Run call(String name, String scenario, int gatewayPort, int calls, int concurrent, int rate, int mediaPort) throws Exception {
        Path xml = dir.resolve(name + ".xml");
        Files.writeString(xml, scenario, StandardCharsets.ISO_8859_1);
        Path log = dir.resolve(name + ".out");
        List<String> command = new ArrayList<>(List.of(sipp.toString(), "127.0.0.1:" + gatewayPort, "-sf", xml.toString(),
                "-m", String.valueOf(calls), "-l", String.valueOf(concurrent), "-r", String.valueOf(rate),
                "-i", "127.0.0.1", "-p", String.valueOf(freeUdpPort()), "-mi", "127.0.0.1", "-mp", String.valueOf(mediaPort),
                "-nostdin", "-timeout", "90s", "-timeout_error", "-trace_err", "-max_recv_loops", "10000"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new Run(process, log);
    }
}
