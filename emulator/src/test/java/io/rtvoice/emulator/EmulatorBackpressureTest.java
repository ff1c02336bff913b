package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.event.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The emulator and a client that asks and never reads, over loopback: write backpressure. */
class EmulatorBackpressureTest {

    private static final long MAX_PENDING = 4L * 1024 * 1024;

    @Test
    void aClientThatNeverReadsIsClosedWithItsPendingBytesBoundedWhileAGoodClientCompletesATurn() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).maxPendingWriteBytes(MAX_PENDING).start();
                WsClient good = WsClient.connect(emulator.uri("/v1/realtime?model=m"), Dialect.GA, Map.of("api-key", "any"));
                Socket nonReader = new Socket()) {
            good.await(ServerEvent.SessionCreated.class);
            nonReader.setReceiveBufferSize(16 * 1024);
            nonReader.connect(new java.net.InetSocketAddress("127.0.0.1", emulator.port()));
            upgrade(nonReader, emulator.port());

            // One item of 512 KiB of audio (~700 KB as base64 in each retrieve's answer), then 100 retrieves of
            // it in one write: about 70 MB of answers, which the client never reads.
            String audio = Base64.getEncoder().encodeToString(new byte[512 * 1024]);
            ByteArrayOutputStream requests = new ByteArrayOutputStream();
            requests.write(maskedText("{\"type\":\"conversation.item.create\",\"item\":{\"id\":\"big\",\"type\":\"message\",\"role\":\"user\","
                    + "\"content\":[{\"type\":\"input_audio\",\"audio\":\"" + audio + "\"}]}}"));
            for (int i = 0; i < 100; i++) {
                requests.write(maskedText("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"big\"}"));
            }
            // From another thread: once the emulator stops reading, this write blocks until the socket is closed.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    nonReader.getOutputStream().write(requests.toByteArray());
                } catch (IOException closedByTheEmulator) {
                    // expected when the emulator closes first
                }
            });

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (emulator.slowReadersClosed() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polls a counter; nothing to wait on
            }
            assertThat(emulator.slowReadersClosed()).as("the non-reader was closed").isEqualTo(1);
            assertThat(emulator.peakPendingWriteBytes()).as("pending bytes, at most the limit and one answer")
                    .isLessThan(MAX_PENDING + 2 * 1024 * 1024);

            good.sendText("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                    + "\"content\":[{\"type\":\"input_text\",\"text\":\"hello\"}]}}");
            good.sendText("{\"type\":\"response.create\"}");
            assertThat(good.await(ServerEvent.ResponseDone.class).response().status()).isEqualTo("completed");
            writing.orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** Upgrades {@code socket} by hand and reads the 101 response, nothing after it. */
    static void upgrade(Socket socket, int port) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /v1/realtime?model=m HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\napi-key: any\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the upgrade response").isNotNegative();
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    /** A client's text frame: masked, as RFC 6455 requires of clients. */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81); // FIN, text
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }
}
