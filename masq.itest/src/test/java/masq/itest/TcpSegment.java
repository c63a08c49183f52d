package masq.itest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import masq.api.Ipv4;

/**
 * An IPv4 datagram carrying a TCP segment with a 20-byte header and no options, built with valid
 * checksums ({@link #toBytes}) or parsed from what the gateway sent ({@link #parse}, which checks both
 * checksums). A small copy of what {@code masq.testkit} offers, because the Pax Exam probe cannot see
 * that bundle.
 *
 * <pre>
 *  0               1               2               3
 *  version/IHL | TOS | total length        | id | flags/fragment
 *  TTL | protocol (6) | header checksum    | source | destination
 *  source port | destination port | sequence | acknowledgment
 *  data offset | flags | window | checksum | urgent | payload
 * </pre>
 */
record TcpSegment(int source, int sourcePort, int destination, int destinationPort, long seq, long ack, int flags,
        byte[] payload) {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    private static final int IP_HEADER_LENGTH = 20;
    private static final int TCP_HEADER_LENGTH = 20;
    private static final int PROTOCOL_TCP = 6;
    private static final int WINDOW = 65535;

    /** A segment with no flags, sequence numbers 0 and no payload; set the rest with the withers. */
    static TcpSegment tcp(String source, int sourcePort, String destination, int destinationPort) {
        return new TcpSegment(Ipv4.parse(source), sourcePort, Ipv4.parse(destination), destinationPort, 0, 0, 0,
                new byte[0]);
    }

    TcpSegment seq(long value) {
        return new TcpSegment(source, sourcePort, destination, destinationPort, value & 0xFFFF_FFFFL, ack, flags,
                payload);
    }

    TcpSegment ack(long value) {
        return new TcpSegment(source, sourcePort, destination, destinationPort, seq, value & 0xFFFF_FFFFL,
                flags | ACK, payload);
    }

    TcpSegment flags(int value) {
        return new TcpSegment(source, sourcePort, destination, destinationPort, seq, ack, value, payload);
    }

    TcpSegment payload(String text) {
        return payload(text.getBytes(StandardCharsets.US_ASCII));
    }

    TcpSegment payload(byte[] bytes) {
        return new TcpSegment(source, sourcePort, destination, destinationPort, seq, ack, flags | PSH, bytes);
    }

    String text() {
        return new String(payload, StandardCharsets.US_ASCII);
    }

    /** @return the datagram, IPv4 and TCP checksums computed */
    byte[] toBytes() {
        int total = IP_HEADER_LENGTH + TCP_HEADER_LENGTH + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0x1234).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) PROTOCOL_TCP).putShort((short) 0).putInt(source).putInt(destination);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) seq).putInt((int) ack);
        b.put((byte) (TCP_HEADER_LENGTH / 4 << 4)).put((byte) flags).putShort((short) WINDOW).putInt(0);
        b.put(payload);
        byte[] d = b.array();
        putShort(d, 10, checksum(d, 0, IP_HEADER_LENGTH, 0));
        putShort(d, IP_HEADER_LENGTH + 16, checksum(d, IP_HEADER_LENGTH, total - IP_HEADER_LENGTH,
                pseudoHeaderSum(d, total - IP_HEADER_LENGTH)));
        return d;
    }

    /**
     * @return the segment in {@code d}
     * @throws AssertionError naming the field if it is not an IPv4 TCP datagram with valid lengths and checksums
     */
    static TcpSegment parse(byte[] d) {
        check(d.length >= IP_HEADER_LENGTH && (d[0] & 0xff) >> 4 == 4, "not IPv4", d);
        int ihl = (d[0] & 0x0f) * 4;
        int total = getShort(d, 2);
        check(total == d.length && ihl >= IP_HEADER_LENGTH && total >= ihl + TCP_HEADER_LENGTH,
                "bad lengths (total " + total + ", header " + ihl + ")", d);
        check(d[9] == PROTOCOL_TCP, "not TCP", d);
        check(checksum(d, 0, ihl, 0) == 0, "bad IPv4 header checksum", d);
        ByteBuffer b = ByteBuffer.wrap(d);
        int tcp = ihl;
        int dataOffset = ((d[tcp + 12] & 0xff) >> 4) * 4;
        check(dataOffset >= TCP_HEADER_LENGTH && tcp + dataOffset <= total, "bad TCP data offset", d);
        check(checksum(d, tcp, total - tcp, pseudoHeaderSum(d, total - tcp)) == 0, "bad TCP checksum", d);
        byte[] payload = new byte[total - tcp - dataOffset];
        System.arraycopy(d, tcp + dataOffset, payload, 0, payload.length);
        return new TcpSegment(b.getInt(12), getShort(d, tcp), b.getInt(16), getShort(d, tcp + 2),
                b.getInt(tcp + 4) & 0xFFFF_FFFFL, b.getInt(tcp + 8) & 0xFFFF_FFFFL, d[tcp + 13] & 0x3f, payload);
    }

    @Override
    public String toString() {
        return Ipv4.toString(source) + ":" + sourcePort + " > " + Ipv4.toString(destination) + ":" + destinationPort
                + " flags 0x" + Integer.toHexString(flags) + " seq " + seq + " ack " + ack + " '"
                + text().replace("\r", "\\r").replace("\n", "\\n") + "'";
    }

    private static int pseudoHeaderSum(byte[] d, int tcpLength) {
        int sum = 0;
        for (int i = 12; i < 20; i += 2) {
            sum += getShort(d, i);
        }
        return sum + PROTOCOL_TCP + tcpLength;
    }

    /** The Internet checksum (RFC 1071) of {@code d[off, off + len)} plus {@code initial}. */
    static int checksum(byte[] d, int off, int len, int initial) {
        long sum = initial;
        for (int i = 0; i < len; i += 2) {
            sum += (d[off + i] & 0xff) << 8 | (i + 1 < len ? d[off + i + 1] & 0xff : 0);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) ~sum & 0xffff;
    }

    private static int getShort(byte[] d, int at) {
        return (d[at] & 0xff) << 8 | d[at + 1] & 0xff;
    }

    private static void putShort(byte[] d, int at, int value) {
        d[at] = (byte) (value >> 8);
        d[at + 1] = (byte) value;
    }

    private static void check(boolean ok, String what, byte[] d) {
        if (!ok) {
            StringBuilder hex = new StringBuilder();
            for (byte x : d) {
                hex.append(String.format("%02x", x & 0xff));
            }
            throw new AssertionError("sent datagram: " + what + ": " + hex);
        }
    }
}
