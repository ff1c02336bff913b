package io.rtvoice.telephony.internal;

/**
 * An RTP packet (RFC 3550 §5.1) as this gateway reads and writes them: version 2, no padding or extension it
 * needs, CSRCs skipped.
 *
 * @param payloadType 7 bits
 * @param marker the marker bit
 * @param sequence 16 bits, unsigned
 * @param timestamp 32 bits, unsigned
 * @param ssrc 32 bits
 * @param payload the payload bytes
 */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] payload) {

    public static final int HEADER_BYTES = 12;

    /**
     * Parses one datagram.
     *
     * @return null when it is not an RTP packet (wrong version, too short, a header longer than the packet)
     */
    public static RtpPacket parse(byte[] d, int length) {
        if (length < HEADER_BYTES || (d[0] & 0xC0) != 0x80) {
            return null;
        }
        boolean padding = (d[0] & 0x20) != 0;
        boolean extension = (d[0] & 0x10) != 0;
        int csrcs = d[0] & 0x0F;
        int offset = HEADER_BYTES + 4 * csrcs;
        if (extension) {
            if (length < offset + 4) {
                return null;
            }
            int words = ((d[offset + 2] & 0xFF) << 8) | (d[offset + 3] & 0xFF);
            offset += 4 + 4 * words;
        }
        int end = length;
        if (padding) {
            end -= d[length - 1] & 0xFF;
        }
        if (offset > end) {
            return null;
        }
        byte[] payload = new byte[end - offset];
        System.arraycopy(d, offset, payload, 0, payload.length);
        int pt = d[1] & 0x7F;
        boolean marker = (d[1] & 0x80) != 0;
        int seq = ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
        long ts = ((long) (d[4] & 0xFF) << 24) | ((d[5] & 0xFF) << 16) | ((d[6] & 0xFF) << 8) | (d[7] & 0xFF);
        long ssrc = ((long) (d[8] & 0xFF) << 24) | ((d[9] & 0xFF) << 16) | ((d[10] & 0xFF) << 8) | (d[11] & 0xFF);
        return new RtpPacket(pt, marker, seq, ts, ssrc, payload);
    }

    /** The wire form. */
    public byte[] encode() {
        byte[] d = new byte[HEADER_BYTES + payload.length];
        d[0] = (byte) 0x80;
        d[1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        d[2] = (byte) (sequence >>> 8);
        d[3] = (byte) sequence;
        d[4] = (byte) (timestamp >>> 24);
        d[5] = (byte) (timestamp >>> 16);
        d[6] = (byte) (timestamp >>> 8);
        d[7] = (byte) timestamp;
        d[8] = (byte) (ssrc >>> 24);
        d[9] = (byte) (ssrc >>> 16);
        d[10] = (byte) (ssrc >>> 8);
        d[11] = (byte) ssrc;
        System.arraycopy(payload, 0, d, HEADER_BYTES, payload.length);
        return d;
    }

    /** {@code a - b} for 16-bit sequence numbers, in -32768..32767 (wrap-around aware). */
    public static int sequenceDelta(int a, int b) {
        return (short) (a - b);
    }
}
