package io.rtvoice.telephony;

import io.rtvoice.audio.G711;
import io.rtvoice.telephony.internal.RtpPacket;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The caller's ear: records every RTP packet the gateway sends to the port the caller's SDP named, with its arrival time. */
final class RtpListener implements AutoCloseable {

    /** A packet as it arrived. */
    record Received(long nanos, int payloadType, int sequence, long timestamp, byte[] payload) {
        boolean sound() {
            for (byte b : payload) {
                if (G711.decodeMuLaw(b) != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    final List<Received> packets = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;
    private final Thread thread;

    RtpListener() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::run, "rtp-listener");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void run() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(datagram);
            } catch (IOException closed) {
                return;
            }
            long now = System.nanoTime();
            RtpPacket p = RtpPacket.parse(datagram.getData(), datagram.getLength());
            if (p != null) {
                packets.add(new Received(now, p.payloadType(), p.sequence(), p.timestamp(), p.payload()));
            }
        }
    }

    /** The μ-law audio packets (payload type 0), decoded, in arrival order. */
    short[] audio() {
        List<Received> audio = new ArrayList<>();
        for (Received r : packets) {
            if (r.payloadType() == 0) {
                audio.add(r);
            }
        }
        short[] pcm = new short[audio.size() * 160];
        int at = 0;
        for (Received r : audio) {
            G711.decodeMuLaw(r.payload(), 0, pcm, at, r.payload().length);
            at += r.payload().length;
        }
        return java.util.Arrays.copyOf(pcm, at);
    }

    @Override
    public void close() {
        socket.close();
    }
}
