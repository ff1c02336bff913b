package io.rtvoice.telephony.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SDP offer/answer for one audio stream (RFC 3264, RFC 4566): which G.711 law and telephone-event payload type the
 * caller offered, where its RTP goes, and the answer. Only what a voice gateway needs: one {@code m=audio} line,
 * PCMU (0) or PCMA (8), and RFC 4733 telephone-event.
 *
 * @param address where the caller receives RTP
 * @param payloadType the audio payload type chosen: 0 (PCMU) or 8 (PCMA)
 * @param telephoneEvent the telephone-event payload type offered, or -1
 */
public record Sdp(InetSocketAddress address, int payloadType, int telephoneEvent) {

    public static final int PCMU = 0;
    public static final int PCMA = 8;

    /**
     * The caller's offer, with the first of its audio payload types this gateway speaks (the caller's preference).
     *
     * @throws IllegalArgumentException (the 488's reason) when there is no audio stream or no G.711 in it
     */
    public static Sdp parseOffer(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        String connection = null;
        String mediaConnection = null;
        int port = -1;
        List<Integer> formats = new ArrayList<>();
        int telephoneEvent = -1;
        boolean inAudio = false;
        boolean sawMedia = false;
        for (String raw : text.split("\r?\n")) {
            String line = raw.trim();
            if (line.startsWith("m=")) {
                sawMedia = true;
                inAudio = false;
                String[] parts = line.substring(2).split("\\s+");
                if (parts.length >= 4 && parts[0].equals("audio") && port < 0 && parts[2].startsWith("RTP/AVP")) {
                    inAudio = true;
                    port = Integer.parseInt(parts[1]);
                    for (int i = 3; i < parts.length; i++) {
                        formats.add(Integer.parseInt(parts[i]));
                    }
                }
            } else if (line.startsWith("c=")) {
                String[] parts = line.substring(2).split("\\s+");
                if (parts.length >= 3) {
                    String host = parts[2].split("/")[0];
                    if (!sawMedia) {
                        connection = host;
                    } else if (inAudio) {
                        mediaConnection = host;
                    }
                }
            } else if (inAudio && line.startsWith("a=rtpmap:")) {
                String[] parts = line.substring(9).split("\\s+", 2);
                if (parts.length == 2 && parts[1].toLowerCase().startsWith("telephone-event/8000")) {
                    telephoneEvent = Integer.parseInt(parts[0]);
                }
            }
        }
        String host = mediaConnection != null ? mediaConnection : connection;
        if (port <= 0 || port > 65_535 || host == null) {
            throw new IllegalArgumentException("no audio stream offered");
        }
        if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("the connection address must be an IPv4 address"); // never a name to resolve
        }
        for (int format : formats) {
            if (format == PCMU || format == PCMA) {
                return new Sdp(new InetSocketAddress(host, port), format, formats.contains(telephoneEvent) ? telephoneEvent : -1);
            }
        }
        throw new IllegalArgumentException("no PCMU or PCMA offered");
    }

    /** The answer: this codec and telephone-event (when offered), received at {@code local}. */
    public byte[] answer(InetSocketAddress local, long sessionId) {
        String ip = local.getAddress().getHostAddress();
        StringBuilder s = new StringBuilder(256);
        s.append("v=0\r\n");
        s.append("o=rtvoice ").append(sessionId).append(' ').append(sessionId).append(" IN IP4 ").append(ip).append("\r\n");
        s.append("s=rtvoice\r\n");
        s.append("c=IN IP4 ").append(ip).append("\r\n");
        s.append("t=0 0\r\n");
        s.append("m=audio ").append(local.getPort()).append(" RTP/AVP ").append(payloadType);
        if (telephoneEvent >= 0) {
            s.append(' ').append(telephoneEvent);
        }
        s.append("\r\n");
        s.append("a=rtpmap:").append(payloadType).append(payloadType == PCMU ? " PCMU/8000" : " PCMA/8000").append("\r\n");
        if (telephoneEvent >= 0) {
            s.append("a=rtpmap:").append(telephoneEvent).append(" telephone-event/8000\r\n");
            s.append("a=fmtp:").append(telephoneEvent).append(" 0-16\r\n");
        }
        s.append("a=ptime:20\r\n");
        s.append("a=sendrecv\r\n");
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The codec's name as the Realtime API's audio format says it. */
    public String codec() {
        return payloadType == PCMU ? "PCMU" : "PCMA";
    }
}
