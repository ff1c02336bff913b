package io.rtvoice.relay;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A page that reads only when told to: the WebSocket handshake and frames written by hand on a plain socket with
 * a small receive window, so that once it stops reading the relay's writes back up at once (the JDK's client reads
 * ahead of what its listener asks for).
 */
final class RawPage implements AutoCloseable {

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    RawPage(VoiceRelay relay) throws IOException {
        this(relay.port());
        String status = handshake("/ws", "127.0.0.1:" + relay.port(), null, "13");
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + status);
        }
    }

    private RawPage(int port) throws IOException {
        socket.setReceiveBufferSize(4_096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Asks for the page's socket with these {@code Host}, {@code Origin} (null: none) and {@code Sec-WebSocket-Version}
     * headers: the response's status line.
     */
    static String request(VoiceRelay relay, String host, String origin, String version) throws IOException {
        try (RawPage raw = new RawPage(relay.port())) {
            return raw.handshake("/ws", host, origin, version);
        }
    }

    /** A plain request ({@code GET}, or {@code POST} with {@code body}) with these {@code Host} and {@code Origin}. */
    static String http(VoiceRelay relay, String method, String path, String host, String origin) throws IOException {
        try (RawPage raw = new RawPage(relay.port())) {
            raw.out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin
                    + "\r\n") + (method.equals("POST") ? "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    : "\r\n")).getBytes(StandardCharsets.US_ASCII));
            return raw.statusLine();
        }
    }

    private String handshake(String path, String host, String origin, String version) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
                + "Sec-WebSocket-Version: " + version + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return statusLine();
    }

    /** Reads the response's head: its status line. */
    private String statusLine() throws IOException {
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

    void text(String text) throws IOException {
        frame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    void binary(byte[] payload) throws IOException {
        frame(0x2, payload);
    }

    /** A client's frame: final, masked. */
    private synchronized void frame(int opcode, byte[] payload) throws IOException {
        byte[] mask = {0x1b, 0x2c, 0x3d, 0x4e};
        int n = payload.length;
        byte[] head = n < 126 ? new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | n)}
                : new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | 126), (byte) (n >> 8), (byte) n};
        byte[] masked = new byte[n];
        for (int i = 0; i < n; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(head);
        out.write(mask);
        out.write(masked);
        out.flush();
    }

    /** The next frame's opcode and payload; null when the connection ended. */
    private Object[] nextFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        long n = in.readUnsignedByte() & 0x7F;
        if (n == 126) {
            n = in.readUnsignedShort();
        } else if (n == 127) {
            n = in.readLong();
        }
        byte[] payload = new byte[(int) n];
        in.readFully(payload);
        return new Object[] {b0 & 0x0F, payload};
    }

    /** Reads frames until a text frame containing {@code needle}; false when the connection ended first. */
    boolean readUntil(String needle) throws IOException {
        for (Object[] frame = nextFrame(); frame != null; frame = nextFrame()) {
            if ((int) frame[0] == 0x1 && new String((byte[]) frame[1], StandardCharsets.UTF_8).contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** Reads what is left until the connection ends: whether it ended with a close frame. */
    boolean drainToEnd() throws IOException {
        try {
            for (Object[] frame = nextFrame(); frame != null; frame = nextFrame()) {
                if ((int) frame[0] == 0x8) {
                    return true;
                }
            }
            return false;
        } catch (java.net.SocketException | java.io.EOFException reset) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
