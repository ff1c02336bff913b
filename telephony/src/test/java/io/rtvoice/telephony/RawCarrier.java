package io.rtvoice.telephony;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A carrier that reads only when told to: the WebSocket handshake and frames written by hand on a plain socket with
 * a small receive window, so that once it stops reading the server's writes back up at once (the JDK's client reads
 * ahead of what its listener asks for). Also sends requests that are not proper upgrades.
 */
final class RawCarrier implements AutoCloseable {

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    private RawCarrier(MediaStreamServer server) throws IOException {
        socket.setReceiveBufferSize(4_096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Upgrades {@code path} with {@code version} as {@code Sec-WebSocket-Version}: the response's status line. */
    static String request(MediaStreamServer server, String path, String version) throws IOException {
        try (RawCarrier raw = new RawCarrier(server)) {
            return raw.handshake(path, version);
        }
    }

    /** A carrier upgraded on {@code path}. */
    static RawCarrier open(MediaStreamServer server, String path) throws IOException {
        RawCarrier raw = new RawCarrier(server);
        String status = raw.handshake(path, "13");
        if (!status.startsWith("HTTP/1.1 101")) {
            raw.close();
            throw new IOException("no upgrade: " + status);
        }
        return raw;
    }

    private String handshake(String path, String version) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + socket.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
                + "Sec-WebSocket-Version: " + version + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString().lines().findFirst().orElse("");
    }

    /** A client's text frame: final, masked. */
    synchronized void text(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x1b, 0x2c, 0x3d, 0x4e};
        int n = payload.length;
        byte[] head = n < 126 ? new byte[] {(byte) 0x81, (byte) (0x80 | n)}
                : new byte[] {(byte) 0x81, (byte) (0x80 | 126), (byte) (n >> 8), (byte) n};
        byte[] masked = new byte[n];
        for (int i = 0; i < n; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(head);
        out.write(mask);
        out.write(masked);
        out.flush();
    }

    /** Reads what is left until the connection ends: whether it ended with a close frame. */
    boolean drainToEnd() throws IOException {
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    return false;
                }
                int b1 = in.readUnsignedByte();
                long n = b1 & 0x7F;
                if (n == 126) {
                    n = in.readUnsignedShort();
                } else if (n == 127) {
                    n = in.readLong();
                }
                in.readFully(new byte[(int) n]);
                if ((b0 & 0x0F) == 0x8) {
                    return true;
                }
            }
        } catch (java.net.SocketException | java.io.EOFException reset) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
