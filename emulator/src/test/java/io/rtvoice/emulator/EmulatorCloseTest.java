package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The emulator's reply to a client's close frame, read byte by byte from a raw socket (RFC 6455 §5.5.1, §7.4):
 * the client's code echoed, and no code when the client gave none.
 */
class EmulatorCloseTest {

    /** A frame as the server wrote it: opcode and payload (servers do not mask). */
    record Frame(int opcode, byte[] payload) {
    }

    @Test
    void aCloseWithoutACodeIsAnsweredWithACloseWithoutACode() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).start(); Socket socket = upgraded(emulator)) {
            socket.getOutputStream().write(maskedClose(new byte[0]));

            Frame close = closeFrame(socket);

            assertThat(close.payload()).as("no status code, so no 65535 or other invented code").isEmpty();
        }
    }

    @Test
    void aCloseWithACodeIsAnsweredWithTheSameCode() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).start(); Socket socket = upgraded(emulator)) {
            byte[] reason = "done".getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + reason.length];
            payload[0] = (byte) (4000 >>> 8);
            payload[1] = (byte) 4000;
            System.arraycopy(reason, 0, payload, 2, reason.length);
            socket.getOutputStream().write(maskedClose(payload));

            Frame close = closeFrame(socket);

            assertThat(close.payload()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff)).isEqualTo(4000);
        }
    }

    static Socket upgraded(RealtimeEmulator emulator) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", emulator.port()));
        EmulatorBackpressureTest.upgrade(socket, emulator.port());
        return socket;
    }

    /** Reads frames (session.created first) until the close frame, and returns it. */
    static Frame closeFrame(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            assertThat(second & 0x80).as("a server frame is not masked").isZero();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if ((first & 0x0f) == 0x8) {
                return new Frame(0x8, payload);
            }
        }
    }

    /** A client's close frame: masked, with this payload (empty, or a code and a reason). */
    static byte[] maskedClose(byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x88); // FIN, close
        frame.write(0x80 | payload.length);
        byte[] mask = {0x21, 0x43, 0x65, 0x07};
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }
}
