package io.rtvoice.telephony.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SDP offer/answer for one audio stream (RFC 3264, RFC 4566): which G.711 law and telephone-event payload type the
 * caller offered, where its RTP goes, which way it flows, and the answer. Only what a voice gateway needs: the first
 * {@code m=audio} line with PCMU (0) or PCMA (8), RFC 4733 telephone-event; every other offered stream (video, a
 * second audio) is answered, in its place, as rejected (port 0), as RFC 3264 §6 asks.
 *
 * @param address where the caller receives RTP
 * @param payloadType the audio payload type chosen: 0 (PCMU) or 8 (PCMA)
 * @param telephoneEvent the telephone-event payload type offered, or -1
 * @param offered every offered m-line after {@code m=}, in order (rejected ones are answered from these)
 * @param audioIndex which of them is the audio stream taken
 * @param direction the caller's direction for it: {@code sendrecv}, {@code sendonly}, {@code recvonly} or {@code inactive}
 */
public record Sdp(InetSocketAddress address, int payloadType, int telephoneEvent, List<String> offered, int audioIndex,
        String direction) {

    public static final int PCMU = 0;
    public static final int PCMA = 8;

    /** Copies the m-lines. */
    public Sdp {
        offered = List.copyOf(offered);
    }

    /** One offered m= section: what the answer needs of it. */
    private static final class Section {
        final String line;
        final String media;
        final int port;
        final String proto;
        final List<Integer> formats = new ArrayList<>();
        String connection;
        String direction;
        int telephoneEvent = -1;

        Section(String line) {
            this.line = line;
            String[] parts = line.split("\\s+");
            media = parts.length > 0 ? parts[0] : "";
            int p = -1;
            if (parts.length > 1) {
                try {
                    p = Integer.parseInt(parts[1].split("/")[0]); // "5004/2": a port and a count of them
                } catch (NumberFormatException e) {
                    p = -1;
                }
            }
            port = p;
            proto = parts.length > 2 ? parts[2] : "";
            for (int i = 3; i < parts.length; i++) {
                try {
                    formats.add(Integer.parseInt(parts[i]));
                } catch (NumberFormatException notRtp) {
                    // a format of another protocol: not one this gateway could take
                }
            }
        }

        boolean isAudio() {
            return media.equals("audio") && proto.startsWith("RTP/AVP") && port > 0 && port <= 65_535;
        }
    }

    /**
     * The caller's offer, with the first of its audio payload types this gateway speaks (the caller's preference).
     *
     * @throws IllegalArgumentException (the 488's reason) when there is no audio stream or no G.711 in it
     */
    public static Sdp parseOffer(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        String connection = null;
        String sessionDirection = null;
        List<Section> sections = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.trim();
            Section current = sections.isEmpty() ? null : sections.get(sections.size() - 1);
            if (line.startsWith("m=")) {
                sections.add(new Section(line.substring(2).trim()));
            } else if (line.startsWith("c=")) {
                String[] parts = line.substring(2).split("\\s+");
                if (parts.length >= 3) {
                    String host = parts[2].split("/")[0];
                    if (current == null) {
                        connection = host;
                    } else {
                        current.connection = host;
                    }
                }
            } else if (line.matches("a=(sendrecv|sendonly|recvonly|inactive)")) {
                if (current == null) {
                    sessionDirection = line.substring(2);
                } else {
                    current.direction = line.substring(2);
                }
            } else if (current != null && line.startsWith("a=rtpmap:")) {
                String[] parts = line.substring(9).split("\\s+", 2);
                if (parts.length == 2 && parts[1].toLowerCase(Locale.ROOT).startsWith("telephone-event/8000")) {
                    try {
                        current.telephoneEvent = Integer.parseInt(parts[0]);
                    } catch (NumberFormatException e) {
                        // not a payload type: no telephone-event from this line
                    }
                }
            }
        }
        boolean sawAudio = false;
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (!s.isAudio()) {
                continue;
            }
            String host = s.connection != null ? s.connection : connection;
            if (host == null) {
                continue;
            }
            sawAudio = true;
            if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException("the connection address must be an IPv4 address"); // never a name to resolve
            }
            for (int format : s.formats) {
                if (format == PCMU || format == PCMA) {
                    List<String> lines = sections.stream().map(x -> x.line).toList();
                    String direction = s.direction != null ? s.direction : sessionDirection != null ? sessionDirection : "sendrecv";
                    return new Sdp(new InetSocketAddress(host, s.port), format,
                            s.formats.contains(s.telephoneEvent) ? s.telephoneEvent : -1, lines, i, direction);
                }
            }
        }
        throw new IllegalArgumentException(sawAudio ? "no PCMU or PCMA offered" : "no audio stream offered");
    }

    /** This gateway's direction for the audio: the caller's, seen from the other end. */
    public String answerDirection() {
        return switch (direction) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            case "inactive" -> "inactive";
            default -> "sendrecv";
        };
    }

    /** Whether the answer lets this gateway send audio to the caller. */
    public boolean sends() {
        String d = answerDirection();
        return d.equals("sendrecv") || d.equals("sendonly");
    }

    /**
     * The answer: this codec and telephone-event (when offered), received at {@code local}, in the offer's place;
     * every other offered stream rejected (port 0) in its own.
     */
    public byte[] answer(InetSocketAddress local, long sessionId) {
        String ip = local.getAddress().getHostAddress();
        StringBuilder s = new StringBuilder(256);
        s.append("v=0\r\n");
        s.append("o=rtvoice ").append(sessionId).append(' ').append(sessionId).append(" IN IP4 ").append(ip).append("\r\n");
        s.append("s=rtvoice\r\n");
        s.append("c=IN IP4 ").append(ip).append("\r\n");
        s.append("t=0 0\r\n");
        for (int i = 0; i < offered.size(); i++) {
            if (i != audioIndex) {
                // Rejected: port 0, the offered media, protocol and formats as they came (RFC 3264 §6).
                String[] parts = offered.get(i).split("\\s+");
                s.append("m=").append(parts[0]).append(" 0");
                for (int p = 2; p < parts.length; p++) {
                    s.append(' ').append(parts[p]);
                }
                s.append("\r\n");
                continue;
            }
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
            s.append("a=").append(answerDirection()).append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The codec's name as the Realtime API's audio format says it. */
    public String codec() {
        return payloadType == PCMU ? "PCMU" : "PCMA";
    }
}
