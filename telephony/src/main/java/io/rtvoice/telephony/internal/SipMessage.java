package io.rtvoice.telephony.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A SIP message (RFC 3261 §7): a request or a response, its headers in order (names case-insensitive, compact
 * forms expanded) and its body. Parsing is strict where a wrong guess would misroute a reply (the start line, the
 * mandatory headers, Content-Length) and lenient elsewhere (unknown headers are kept as they came).
 */
public final class SipMessage {

    /** Compact header forms (RFC 3261 §7.3.3 and the registry) and their full names. */
    private static final Map<String, String> COMPACT = Map.of("v", "Via", "f", "From", "t", "To", "i", "Call-ID",
            "m", "Contact", "l", "Content-Length", "c", "Content-Type", "k", "Supported", "s", "Subject", "e", "Content-Encoding");
    private static final List<String> CANONICAL = List.of("Via", "From", "To", "Call-ID", "CSeq", "Contact",
            "Content-Length", "Content-Type", "Max-Forwards", "User-Agent", "Allow", "Accept", "Supported", "Record-Route",
            "Route", "Server", "Warning", "Retry-After", "Subject", "Content-Encoding", "Reason");
    static final int MAX_BYTES = 65_535;

    private final String method;      // null for a response
    private final String requestUri;  // null for a response
    private final int status;         // 0 for a request
    private final String reason;
    private final List<String[]> headers; // {canonical name, value}
    private final byte[] body;

    private SipMessage(String method, String requestUri, int status, String reason, List<String[]> headers, byte[] body) {
        this.method = method;
        this.requestUri = requestUri;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
    }

    /** A request to build on. */
    public static SipMessage request(String method, String requestUri) {
        return new SipMessage(method, requestUri, 0, null, new ArrayList<>(), new byte[0]);
    }

    /**
     * A response to {@code request}: its Via headers, From, To, Call-ID and CSeq copied (RFC 3261 §8.2.6.2); the To
     * gets {@code toTag} unless it already has one or the tag is null.
     */
    public static SipMessage response(SipMessage request, int status, String reason, String toTag) {
        SipMessage r = new SipMessage(null, null, status, reason, new ArrayList<>(), new byte[0]);
        for (String via : request.all("Via")) {
            r.add("Via", via);
        }
        r.add("From", request.header("From"));
        String to = request.header("To");
        if (toTag != null && to != null && tag(to) == null) {
            to = to + ";tag=" + toTag;
        }
        r.add("To", to);
        r.add("Call-ID", request.header("Call-ID"));
        r.add("CSeq", request.header("CSeq"));
        return r;
    }

    /**
     * A response that establishes a dialog (a 2xx, or a 1xx with a To tag, to an INVITE): {@link #response} with the
     * request's Record-Route values copied, in order (RFC 3261 §12.1.1), so that proxies on the path stay on it.
     */
    public static SipMessage dialogResponse(SipMessage request, int status, String reason, String toTag) {
        SipMessage r = response(request, status, reason, toTag);
        for (String route : request.all("Record-Route")) {
            r.add("Record-Route", route);
        }
        return r;
    }

    /**
     * The numeric IPv4 host and port (5060 when none) of a SIP URI ({@code sip:user@10.0.0.1:5070;lr}), or null for a
     * host name: a name is never resolved on the network thread.
     */
    public static java.net.InetSocketAddress address(String sipUri) {
        String rest = sipUri.replaceFirst("(?i)^sips?:", "");
        int semi = rest.indexOf(';');
        rest = semi < 0 ? rest : rest.substring(0, semi);
        int question = rest.indexOf('?');
        rest = question < 0 ? rest : rest.substring(0, question);
        rest = rest.substring(rest.lastIndexOf('@') + 1);
        String host = rest;
        int port = 5060;
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            host = rest.substring(0, colon);
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || port <= 0 || port > 65_535) {
            return null;
        }
        return new java.net.InetSocketAddress(host, port);
    }

    /**
     * Parses one datagram.
     *
     * @throws SipParseException when it is not a SIP message this gateway can answer: the reason, for a 400
     */
    public static SipMessage parse(byte[] datagram, int length) {
        if (length > MAX_BYTES || length < 0) {
            throw new SipParseException("message too large");
        }
        int headEnd = indexOf(datagram, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int bodyStart;
        if (headEnd < 0) {
            headEnd = indexOf(datagram, length, "\n\n".getBytes(StandardCharsets.US_ASCII));
            if (headEnd < 0) {
                throw new SipParseException("no blank line after the headers");
            }
            bodyStart = headEnd + 2;
        } else {
            bodyStart = headEnd + 4;
        }
        String head = new String(datagram, 0, headEnd, StandardCharsets.UTF_8);
        String[] lines = head.split("\r?\n");
        String start = lines[0].trim();
        String method = null;
        String uri = null;
        int status = 0;
        String reason = null;
        if (start.startsWith("SIP/2.0 ")) {
            String[] parts = start.split(" ", 3);
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new SipParseException("bad status line");
            }
            if (status < 100 || status > 699) {
                throw new SipParseException("bad status code");
            }
            reason = parts.length > 2 ? parts[2] : "";
        } else {
            String[] parts = start.split(" ");
            if (parts.length != 3 || !parts[2].equals("SIP/2.0") || !parts[0].matches("[A-Z]{2,20}")) {
                throw new SipParseException("bad request line");
            }
            method = parts[0];
            uri = parts[1];
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                String[] last = headers.get(headers.size() - 1); // a folded line continues the header before it
                last[1] = last[1] + " " + line.trim();
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new SipParseException("a header line without a name");
            }
            String name = canonical(line.substring(0, colon).trim());
            String value = line.substring(colon + 1).trim();
            if (name.equals("Via") || name.equals("Contact") || name.equals("Route") || name.equals("Record-Route")) {
                for (String v : splitList(value)) { // comma-separated values of a list header, quoted commas kept
                    headers.add(new String[] {name, v});
                }
            } else {
                headers.add(new String[] {name, value});
            }
        }
        SipMessage m = new SipMessage(method, uri, status, reason, headers, new byte[0]);
        for (String required : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
            if (m.header(required) == null) {
                throw new SipParseException("missing " + required);
            }
        }
        int available = length - Math.min(length, bodyStart);
        String declared = m.header("Content-Length");
        int bodyLength = available;
        if (declared != null) {
            try {
                bodyLength = Integer.parseInt(declared.trim());
            } catch (NumberFormatException e) {
                throw new SipParseException("bad Content-Length", m);
            }
            if (bodyLength < 0 || bodyLength > available) {
                throw new SipParseException("Content-Length " + bodyLength + " but " + available + " bytes of body", m);
            }
        }
        byte[] body = new byte[bodyLength];
        System.arraycopy(datagram, Math.min(length, bodyStart), body, 0, bodyLength);
        return new SipMessage(method, uri, status, reason, headers, body);
    }

    private static int indexOf(byte[] data, int length, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int angle = 0;
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '<' && !quoted) {
                angle++;
            } else if (c == '>' && !quoted) {
                angle--;
            } else if (c == ',' && !quoted && angle == 0) {
                out.add(value.substring(from, i).trim());
                from = i + 1;
            }
        }
        out.add(value.substring(from).trim());
        return out;
    }

    private static String canonical(String name) {
        String compact = COMPACT.get(name.toLowerCase(Locale.ROOT));
        if (compact != null) {
            return compact;
        }
        for (String known : CANONICAL) {
            if (known.equalsIgnoreCase(name)) {
                return known;
            }
        }
        return name;
    }

    /** The value of a header parameter ({@code ;tag=…}), or null. */
    public static String param(String value, String name) {
        if (value == null) {
            return null;
        }
        // Parameters after the URI: skip what is inside <…>
        int close = value.lastIndexOf('>');
        String params = close >= 0 ? value.substring(close + 1) : value;
        for (String p : params.split(";")) {
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim();
            if (key.equalsIgnoreCase(name)) {
                return eq < 0 ? "" : p.substring(eq + 1).trim();
            }
        }
        return null;
    }

    /** The {@code tag} parameter of a From or To value, or null. */
    public static String tag(String fromOrTo) {
        return param(fromOrTo, "tag");
    }

    /** The URI of a name-addr ({@code "Bob" <sip:bob@host>;tag=…}) or addr-spec value. */
    public static String uri(String nameAddr) {
        int open = nameAddr.indexOf('<');
        int close = nameAddr.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return nameAddr.substring(open + 1, close);
        }
        int semi = nameAddr.indexOf(';');
        return (semi < 0 ? nameAddr : nameAddr.substring(0, semi)).trim();
    }

    public boolean isRequest() {
        return method != null;
    }

    public String method() {
        return method;
    }

    public String requestUri() {
        return requestUri;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** The CSeq's method (the request a response answers). */
    public String cseqMethod() {
        String cseq = header("CSeq");
        int space = cseq == null ? -1 : cseq.trim().indexOf(' ');
        return space < 0 ? "" : cseq.trim().substring(space + 1).trim();
    }

    /** The CSeq's number, or -1. */
    public long cseqNumber() {
        String cseq = header("CSeq");
        try {
            return Long.parseLong(cseq.trim().split("\\s+")[0]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The top Via's branch, or null. */
    public String branch() {
        return param(header("Via"), "branch");
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        String key = canonical(name);
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(key)) {
                return h[1];
            }
        }
        return null;
    }

    /** Every value of a header, in order. */
    public List<String> all(String name) {
        String key = canonical(name);
        List<String> values = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(key)) {
                values.add(h[1]);
            }
        }
        return values;
    }

    /** Every header, by name, in order: what a call's policy sees. */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String[] h : headers) {
            all.computeIfAbsent(h[0], k -> new ArrayList<>()).add(h[1]);
        }
        return all;
    }

    public SipMessage add(String name, String value) {
        headers.add(new String[] {canonical(name), value});
        return this;
    }

    public byte[] body() {
        return body;
    }

    /** This message with {@code body} of {@code contentType}. */
    public SipMessage withBody(String contentType, byte[] newBody) {
        List<String[]> copy = new ArrayList<>(headers);
        copy.removeIf(h -> h[0].equals("Content-Type") || h[0].equals("Content-Length"));
        copy.add(new String[] {"Content-Type", contentType});
        return new SipMessage(method, requestUri, status, reason, copy, newBody);
    }

    /** The wire form, with Content-Length set to the body's. */
    public byte[] encode() {
        StringBuilder s = new StringBuilder(512);
        if (isRequest()) {
            s.append(method).append(' ').append(requestUri).append(" SIP/2.0\r\n");
        } else {
            s.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        }
        for (String[] h : headers) {
            if (!h[0].equals("Content-Length")) {
                s.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        s.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = s.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    @Override
    public String toString() {
        return isRequest() ? method + " " + requestUri : status + " " + reason + " (" + header("CSeq") + ")";
    }
}
