package io.rtvoice.bench.sip;

import io.rtvoice.audio.G711;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A phone, as small as a caller can be: a SIP user agent client over a {@link DatagramSocket} that sends an
 * INVITE offering PCMU at its own RTP port, waits for the 200, ACKs it, then sends a 20 ms PCMU packet every
 * 20 ms (what it was told to say, else its noise floor) and listens to the gateway's packets; {@link #close()}
 * says BYE. Times are {@link System#nanoTime()}.
 *
 * <p>Its "silence" is a noise floor at −66 dBFS (±16, far below the emulator's VAD at −40 dBFS) whose signs are
 * random: every stretch of the caller's audio is then unique, so the {@link CallClock} can find where in it an
 * append's audio came from even after the gateway's jitter buffer has inserted silence of its own.
 *
 * <p>Threads: one sends the packets (paced by a fixed-rate schedule), one reads the RTP socket, and SIP is read by
 * the thread that set the call up, or {@link #close()}'s.
 */
final class SyntheticCaller implements AutoCloseable {

    static final int RATE_HZ = 8_000;
    static final int PACKET_SAMPLES = 160;
    private static final int HEADER_BYTES = 12;
    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3})");
    private static final Pattern MEDIA_PORT = Pattern.compile("(?m)^m=audio (\\d+) ");
    private static final Pattern MEDIA_HOST = Pattern.compile("(?m)^c=IN IP4 ([0-9.]+)");

    private final String name;
    private final DatagramSocket sip;
    private final DatagramSocket rtp;
    private final InetSocketAddress gatewaySip;
    private final String callId;
    private final String fromTag = tag();
    private final ScheduledExecutorService sender;
    private final Thread ear;
    private final Queue<byte[]> toSay = new ConcurrentLinkedQueue<>();
    private final SplittableRandom floor = new SplittableRandom(ThreadLocalRandom.current().nextLong());
    private final int ssrc = ThreadLocalRandom.current().nextInt();
    private InetSocketAddress gatewayRtp;
    private String toHeader;
    private String contact;
    private int sequence = ThreadLocalRandom.current().nextInt(1 << 16);
    private int timestamp = ThreadLocalRandom.current().nextInt();

    // What was sent: every μ-law byte and when each packet left; written by the sender thread, published by `packets`.
    private volatile byte[] said = new byte[RATE_HZ * 60];
    private volatile long[] sentNanos = new long[3_000];
    private volatile long packets;
    private volatile boolean measuring;

    // What was heard, under `this`.
    private boolean armed;
    private long answerHeardNanos;
    private long lastAudibleNanos;
    private long packetsHeard;

    private SyntheticCaller(String name, InetSocketAddress gatewaySip) throws SocketException {
        this.name = name;
        this.gatewaySip = gatewaySip;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.sip = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.rtp = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.callId = tag() + "@" + name;
        this.sender = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name + "-mouth");
            thread.setDaemon(true);
            return thread;
        });
        this.ear = new Thread(this::listen, name + "-ear");
        this.ear.setDaemon(true);
    }

    /** Dials {@code gatewaySip}: INVITE, the 200 and its ACK; then speaks (the floor) and listens from then on. */
    static SyntheticCaller dial(String name, InetSocketAddress gatewaySip, Duration timeout) throws IOException {
        SyntheticCaller caller = new SyntheticCaller(name, gatewaySip);
        try {
            caller.invite(timeout);
        } catch (IOException | RuntimeException e) {
            caller.sip.close();
            caller.rtp.close();
            throw e;
        }
        caller.ear.start();
        caller.sender.scheduleAtFixedRate(caller::tick, 0, 20, TimeUnit.MILLISECONDS);
        return caller;
    }

    private void invite(Duration timeout) throws IOException {
        String host = sip.getLocalAddress().getHostAddress();
        String sdp = "v=0\r\no=- 1 1 IN IP4 " + host + "\r\ns=rtvoice-bench\r\nc=IN IP4 " + host + "\r\nt=0 0\r\n"
                + "m=audio " + rtp.getLocalPort() + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n";
        String invite = request("INVITE", "sip:rtvoice@" + gatewaySip.getHostString() + ":" + gatewaySip.getPort(),
                "<sip:rtvoice@" + gatewaySip.getHostString() + ">", 1, "INVITE")
                + "Contact: <sip:" + name + "@" + host + ":" + sip.getLocalPort() + ">\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
        send(invite);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String message = receive(deadline);
            if (message == null) {
                throw new IllegalStateException(name + ": no answer to the INVITE within " + timeout);
            }
            Matcher status = STATUS.matcher(message);
            if (!status.find() || !message.contains("INVITE")) {
                continue;
            }
            int code = Integer.parseInt(status.group(1));
            if (code < 200) {
                continue;
            }
            if (code >= 300) {
                throw new IllegalStateException(name + ": the gateway refused the call: " + message.lines().findFirst().orElse(""));
            }
            toHeader = header(message, "To");
            String c = header(message, "Contact");
            contact = c == null ? "sip:rtvoice@" + gatewaySip.getHostString() + ":" + gatewaySip.getPort()
                    : c.substring(c.indexOf('<') + 1, c.indexOf('>') > 0 ? c.indexOf('>') : c.length());
            Matcher port = MEDIA_PORT.matcher(message);
            Matcher media = MEDIA_HOST.matcher(message);
            if (!port.find() || !media.find()) {
                throw new IllegalStateException(name + ": the 200 has no audio stream");
            }
            gatewayRtp = new InetSocketAddress(media.group(1), Integer.parseInt(port.group(1)));
            send(request("ACK", contact, toHeader, 1, "ACK") + "Content-Length: 0\r\n\r\n");
            return;
        }
    }

    /** Queues an utterance (8 kHz μ-law), sent in real time after what was queued before; the next sound heard is its answer. */
    void say(byte[] ulaw) {
        synchronized (this) {
            armed = true;
            answerHeardNanos = 0;
        }
        for (int at = 0; at < ulaw.length; at += PACKET_SAMPLES) {
            byte[] packet = Arrays.copyOfRange(ulaw, at, at + PACKET_SAMPLES);
            for (int i = Math.min(PACKET_SAMPLES, ulaw.length - at); i < PACKET_SAMPLES; i++) {
                packet[i] = (byte) 0xFF; // the last packet padded; the floor fills it in tick()
            }
            toSay.add(packet);
        }
    }

    /** Packets sent from now on are measured (after the warm-up). */
    void measure() {
        measuring = true;
    }

    boolean measuring() {
        return measuring;
    }

    /** Samples sent so far (160 per packet). */
    long samplesSent() {
        return packets * PACKET_SAMPLES;
    }

    /** The μ-law byte sent as sample {@code index}; only for {@code index < samplesSent()}. */
    byte said(long index) {
        return said[(int) index];
    }

    /** When packet {@code index} was handed to the socket, or 0 if it has not been. */
    long sentNanos(long index) {
        long sent = packets;
        return index >= 0 && index < sent ? sentNanos[(int) index] : 0;
    }

    /** When the answer's first packet with sound arrived; 0 while not yet. */
    synchronized long answerHeardNanos() {
        return answerHeardNanos;
    }

    /** When a packet with sound last arrived. */
    synchronized long lastAudibleNanos() {
        return lastAudibleNanos;
    }

    /** The gateway's RTP packets received. */
    synchronized long packetsHeard() {
        return packetsHeard;
    }

    private void tick() {
        byte[] payload = toSay.poll();
        if (payload == null) {
            payload = new byte[PACKET_SAMPLES];
            Arrays.fill(payload, (byte) 0xFF);
        }
        for (int i = 0; i < PACKET_SAMPLES; i++) {
            if (G711.decodeMuLaw(payload[i]) == 0) {
                payload[i] = G711.encodeMuLaw((short) (floor.nextBoolean() ? 16 : -16));
            }
        }
        long index = packets;
        byte[] bytes = said;
        if ((index + 1) * PACKET_SAMPLES > bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        long[] times = sentNanos;
        if (index >= times.length) {
            times = Arrays.copyOf(times, times.length * 2);
        }
        System.arraycopy(payload, 0, bytes, (int) (index * PACKET_SAMPLES), PACKET_SAMPLES);
        byte[] datagram = new byte[HEADER_BYTES + PACKET_SAMPLES];
        datagram[0] = (byte) 0x80;
        datagram[1] = (byte) (index == 0 ? 0x80 : 0); // PCMU, the marker on the first
        datagram[2] = (byte) (sequence >>> 8);
        datagram[3] = (byte) sequence;
        datagram[4] = (byte) (timestamp >>> 24);
        datagram[5] = (byte) (timestamp >>> 16);
        datagram[6] = (byte) (timestamp >>> 8);
        datagram[7] = (byte) timestamp;
        datagram[8] = (byte) (ssrc >>> 24);
        datagram[9] = (byte) (ssrc >>> 16);
        datagram[10] = (byte) (ssrc >>> 8);
        datagram[11] = (byte) ssrc;
        System.arraycopy(payload, 0, datagram, HEADER_BYTES, PACKET_SAMPLES);
        sequence = (sequence + 1) & 0xFFFF;
        timestamp += PACKET_SAMPLES;
        try {
            times[(int) index] = System.nanoTime();
            rtp.send(new DatagramPacket(datagram, datagram.length, gatewayRtp));
        } catch (IOException closed) {
            return;
        }
        said = bytes;
        sentNanos = times;
        packets = index + 1; // publishes the bytes and the time
    }

    private void listen() {
        byte[] buffer = new byte[2_048];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        while (!rtp.isClosed()) {
            try {
                rtp.receive(datagram);
            } catch (IOException closed) {
                return;
            }
            long now = System.nanoTime();
            int length = datagram.getLength();
            if (length <= HEADER_BYTES || (buffer[0] & 0xC0) != 0x80 || (buffer[1] & 0x7F) != 0) {
                continue; // not PCMU audio
            }
            int offset = HEADER_BYTES + 4 * (buffer[0] & 0x0F);
            boolean sound = false;
            for (int i = offset; i < length && !sound; i++) {
                sound = G711.decodeMuLaw(buffer[i]) != 0;
            }
            synchronized (this) {
                packetsHeard++;
                if (sound) {
                    lastAudibleNanos = now;
                    if (armed) {
                        armed = false;
                        answerHeardNanos = now;
                    }
                }
            }
        }
    }

    /** Stops speaking and says BYE (waiting a little for its 200; the gateway may have hung up first). */
    @Override
    public void close() {
        sender.shutdownNow();
        try {
            if (contact != null) {
                send(request("BYE", contact, toHeader, 2, "BYE") + "Content-Length: 0\r\n\r\n");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                for (String m = receive(deadline); m != null; m = receive(deadline)) {
                    if (m.startsWith("SIP/2.0") && m.contains("BYE")) {
                        break;
                    }
                    if (m.startsWith("BYE ")) { // the gateway hung up first: answer it
                        send(response200(m));
                    }
                }
            }
        } catch (IOException ignored) {
            // the gateway may be gone already
        } finally {
            sip.close();
            rtp.close();
        }
    }

    private String request(String method, String uri, String to, int cseq, String cseqMethod) {
        String host = sip.getLocalAddress().getHostAddress();
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + host + ":" + sip.getLocalPort() + ";branch=z9hG4bK" + tag() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + name + "@" + host + ">;tag=" + fromTag + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + cseqMethod + "\r\n"
                + "User-Agent: rtvoice-bench\r\n";
    }

    private static String response200(String request) {
        StringBuilder s = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String h : new String[] {"Via", "From", "To", "Call-ID", "CSeq"}) {
            String value = header(request, h);
            if (value != null) {
                s.append(h).append(": ").append(value).append("\r\n");
            }
        }
        return s.append("Content-Length: 0\r\n\r\n").toString();
    }

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\r?$").matcher(message);
        return m.find() ? m.group(1) : null;
    }

    private void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        sip.send(new DatagramPacket(bytes, bytes.length, gatewaySip));
    }

    /** The next SIP message, or null at the deadline. */
    private String receive(long deadlineNanos) throws IOException {
        byte[] buffer = new byte[8_192];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return null;
        }
        sip.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        try {
            sip.receive(datagram);
        } catch (SocketTimeoutException timedOut) {
            return null;
        }
        return new String(buffer, 0, datagram.getLength(), StandardCharsets.UTF_8);
    }

    private static String tag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE).toLowerCase(Locale.ROOT);
    }
}
