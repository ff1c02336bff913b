package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.event.ServerEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The emulator under clients that hold sockets and never finish with them (a slowloris), over loopback with
 * plain {@link Socket}s: the handshake timeout, the idle timeout and the connection cap.
 */
class EmulatorLimitsTest {

    private static final Map<String, String> ANY_KEY = Map.of("api-key", "any");
    private static final String GA = "/v1/realtime?model=m";

    @Test
    void aSocketThatNeverCompletesItsUpgradeIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).handshakeTimeout(Duration.ofMillis(300)).start();
                Socket silent = new Socket("127.0.0.1", emulator.port());
                Socket trickling = new Socket("127.0.0.1", emulator.port())) {
            trickling.getOutputStream().write("GET /v1/realtime?model=m HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(readUntilClosed(silent, Duration.ofSeconds(5))).as("the server closed the silent socket").isTrue();
            assertThat(readUntilClosed(trickling, Duration.ofSeconds(5))).as("the server closed the trickling socket").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(WsClient.refusedStatus(emulator.uri(GA), ANY_KEY)).as("an upgrade in time still passes").isEqualTo(101);
        }
    }

    @Test
    void aConnectionThatSendsNothingAfterItsUpgradeIsClosed1001AfterTheIdleTimeout() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).idleTimeout(Duration.ofMillis(500)).start();
                WsClient quiet = WsClient.connect(emulator.uri(GA), Dialect.GA, ANY_KEY)) {
            quiet.await(ServerEvent.SessionCreated.class);
            WsClient.Received end = quiet.nextRaw(WsClient.TIMEOUT);
            assertThat(end).isNotNull();
            assertThat(end.closeCode()).isEqualTo(1001);
            assertThat(end.closeReason()).isEqualTo("idle timeout");
        }
    }

    @Test
    void aClientThatPingsIsNotIdle() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).idleTimeout(Duration.ofMillis(1500)).start()) {
            try (WsClient warmUp = WsClient.connect(emulator.uri(GA), Dialect.GA, ANY_KEY)) {
                warmUp.sendPing(); // the JDK client's first ping is slow to send on a cold JVM
            }
            try (WsClient pinging = WsClient.connect(emulator.uri(GA), Dialect.GA, ANY_KEY)) {
                pinging.await(ServerEvent.SessionCreated.class);
                for (int i = 0; i < 8; i++) { // 3.2 s in all, twice the idle timeout
                    pinging.sendPing();
                    assertThat(pinging.nextRaw(WsClient.TIMEOUT).text()).startsWith("PONG:");
                    assertThat(pinging.nextRaw(Duration.ofMillis(400))).as("nothing but pongs").isNull();
                }
            }
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtAcceptAndTheServerServesOnceSomeLeave() throws Exception {
        List<WsClient> held = new ArrayList<>();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).maxConnections(5).start()) {
            for (int i = 0; i < 5; i++) {
                held.add(WsClient.connect(emulator.uri(GA), Dialect.GA, ANY_KEY)); // upgraded: surely counted
            }
            try (Socket sixth = new Socket("127.0.0.1", emulator.port())) {
                assertThat(readUntilClosed(sixth, Duration.ofSeconds(5))).as("the sixth is closed at once").isTrue();
            }
            assertThat(emulator.connectionsRefused()).isEqualTo(1);
            assertThat(upgrades(emulator)).as("nor is a WebSocket client").isFalse();

            held.remove(0).close();
            // The server counts a connection out when it sees it closed, a moment after the client did.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            boolean upgraded;
            do {
                upgraded = upgrades(emulator);
            } while (!upgraded && System.nanoTime() < deadline);
            assertThat(upgraded).as("a place came free").isTrue();
            WsClient untouched = held.get(0);
            untouched.sendPing();
            WsClient.Received r;
            do {
                r = untouched.nextRaw(WsClient.TIMEOUT);
                assertThat(r).isNotNull();
                assertThat(r.text()).as("the others stay open").isNotNull();
            } while (!r.text().startsWith("PONG:"));
        } finally {
            held.forEach(WsClient::close);
        }
    }

    /** Whether a WebSocket client's upgrade succeeds (the connection is closed again at once). */
    static boolean upgrades(RealtimeEmulator emulator) {
        try {
            WsClient.connect(emulator.uri(GA), Dialect.GA, ANY_KEY).close();
            return true;
        } catch (java.util.concurrent.CompletionException closedAtAccept) {
            return false;
        }
    }

    /** Whether the server closes {@code socket} within {@code within} (whatever it sent before). */
    static boolean readUntilClosed(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true; // reset by the server: closed too
        }
    }
}
