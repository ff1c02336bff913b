package io.rtvoice.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client that reads only when told to, for servers' tests against peers that stop reading or send what
 * a proper client would not: the handshake and frames written by hand on a plain socket with a small receive window,
 * so that once it stops reading the server's writes back up at once (the JDK's client reads ahead of what its
 * listener asks for).
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(int port) throws IOException {
        socket.setReceiveBufferSize(4_096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A client upgraded on {@code path} of the server at {@code port} on loopback. */
    public static RawWebSocket open(int port, String path) throws IOException {
        RawWebSocket raw = new RawWebSocket(port);
        String status = raw.handshake(path, "127.0.0.1:" + port, null, "13");
        if (!status.startsWith("HTTP/1.1 101")) {
            raw.close();
            throw new IOException("no upgrade: " + status);
        }
        return raw;
    }

    /**
     * Asks to upgrade {@code path} with these {@code Host}, {@code Origin} (null: none) and {@code Sec-WebSocket-Version}
     * headers: the response's status line.
     */
    public static String upgrade(int port, String path, String host, String origin, String version) throws IOException {
        try (RawWebSocket raw = new RawWebSocket(port)) {
            return raw.handshake(path, host, origin, version);
        }
    }

    /** A plain request ({@code GET}, or {@code POST} with {@code {}}) with these {@code Host} and {@code Origin}: its status line. */
    public static String http(int port, String method, String path, String host, String origin) throws IOException {
        try (RawWebSocket raw = new RawWebSocket(port)) {
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

    public void text(String text) throws IOException {
        frame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    public void binary(byte[] payload) throws IOException {
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
    public boolean readUntil(String needle) throws IOException {
        for (Object[] frame = nextFrame(); frame != null; frame = nextFrame()) {
            if ((int) frame[0] == 0x1 && new String((byte[]) frame[1], StandardCharsets.UTF_8).contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** Reads what is left until the connection ends: whether it ended with a close frame. */
    public boolean drainToEnd() throws IOException {
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
