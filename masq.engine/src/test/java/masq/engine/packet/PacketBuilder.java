package masq.engine.packet;

import java.util.Arrays;
import masq.api.Ipv4;

/**
 * Test-side builder of IPv4 datagrams with every checksum computed from scratch, so expected
 * outputs are independent of the engine's incremental updates:
 * {@code udp("192.168.0.2", 1025, "198.51.100.9", 53).payload("abc").build()}.
 */
public final class PacketBuilder {
    private final int protocol;
    private int source;
    private int destination;
    private int sourcePort;
    private int destinationPort;
    private int ttl = 64;
    private int id = 0x1234;
    private int fragmentWord;
    private int tcpFlags = TcpHeader.ACK;
    private int sequence = 1000;
    private int acknowledgment = 2000;
    private int window = 65535;
    private byte[] ipOptions = new byte[0];
    private byte[] tcpOptions = new byte[0];
    private byte[] payload = new byte[0];
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    private boolean udpNoChecksum;

    private PacketBuilder(int protocol) {
        this.protocol = protocol;
    }

    public static int ip(String dotted) {
        return Ipv4.parse(dotted);
    }

    public static PacketBuilder udp(String src, int sport, String dst, int dport) {
        PacketBuilder p = new PacketBuilder(Ipv4Header.PROTOCOL_UDP);
        p.source = ip(src);
        p.destination = ip(dst);
        p.sourcePort = sport;
        p.destinationPort = dport;
        return p;
    }

    public static PacketBuilder tcp(String src, int sport, String dst, int dport) {
        PacketBuilder p = udp(src, sport, dst, dport);
        PacketBuilder t = new PacketBuilder(Ipv4Header.PROTOCOL_TCP);
        t.source = p.source;
        t.destination = p.destination;
        t.sourcePort = sport;
        t.destinationPort = dport;
        return t;
    }

    /** A datagram of another protocol (GRE, ESP, ...): its payload is the whole transport part. */
    public static PacketBuilder other(int protocol, String src, String dst) {
        PacketBuilder p = new PacketBuilder(protocol);
        p.source = ip(src);
        p.destination = ip(dst);
        return p;
    }

    /** An ICMP message; {@code rest} is the second 32-bit word (identifier and sequence for queries). */
    public static PacketBuilder icmp(String src, String dst, int type, int code, int rest) {
        PacketBuilder p = new PacketBuilder(Ipv4Header.PROTOCOL_ICMP);
        p.source = ip(src);
        p.destination = ip(dst);
        p.icmpType = type;
        p.icmpCode = code;
        p.icmpRest = rest;
        return p;
    }

    public static PacketBuilder echo(String src, String dst, int id, int seq) {
        return icmp(src, dst, IcmpHeader.ECHO_REQUEST, 0, (id << 16) | seq);
    }

    public static PacketBuilder echoReply(String src, String dst, int id, int seq) {
        return icmp(src, dst, IcmpHeader.ECHO_REPLY, 0, (id << 16) | seq);
    }

    /** An ICMP error quoting the first {@code quoted} bytes of {@code datagram}. */
    public static PacketBuilder error(String src, String dst, int type, int code, byte[] datagram, int quoted) {
        return icmp(src, dst, type, code, 0).payload(Arrays.copyOf(datagram, Math.min(quoted, datagram.length)));
    }

    public PacketBuilder ttl(int value) {
        ttl = value;
        return this;
    }

    public PacketBuilder id(int value) {
        id = value;
        return this;
    }

    public PacketBuilder flags(int value) {
        tcpFlags = value;
        return this;
    }

    public PacketBuilder seq(int seq, int ack) {
        sequence = seq;
        acknowledgment = ack;
        return this;
    }

    /** The TCP window field (65535 unless set). */
    public PacketBuilder window(int value) {
        window = value;
        return this;
    }

    public PacketBuilder ipOptions(byte... value) {
        ipOptions = value;
        return this;
    }

    public PacketBuilder tcpOptions(byte... value) {
        tcpOptions = value;
        return this;
    }

    public PacketBuilder payload(byte[] value) {
        payload = value;
        return this;
    }

    public PacketBuilder payload(String ascii) {
        return payload(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public PacketBuilder noUdpChecksum() {
        udpNoChecksum = true;
        return this;
    }

    /** The raw flags/fragment-offset word, e.g. {@code 0x2000} for "more fragments". */
    public PacketBuilder fragmentWord(int value) {
        fragmentWord = value;
        return this;
    }

    public byte[] build() {
        int ihl = Ipv4Header.MIN_LENGTH + ipOptions.length;
        byte[] l4 = transport();
        byte[] b = new byte[ihl + l4.length];
        b[0] = (byte) (0x40 | (ihl / 4));
        Bytes.set16(b, 2, b.length);
        Bytes.set16(b, 4, id);
        Bytes.set16(b, 6, fragmentWord);
        b[8] = (byte) ttl;
        b[9] = (byte) protocol;
        Bytes.set32(b, 12, source);
        Bytes.set32(b, 16, destination);
        System.arraycopy(ipOptions, 0, b, 20, ipOptions.length);
        System.arraycopy(l4, 0, b, ihl, l4.length);
        Ipv4Header.updateChecksum(b, 0);
        return b;
    }

    private byte[] transport() {
        switch (protocol) {
            case Ipv4Header.PROTOCOL_UDP: {
                byte[] u = new byte[8 + payload.length];
                Bytes.set16(u, 0, sourcePort);
                Bytes.set16(u, 2, destinationPort);
                Bytes.set16(u, 4, u.length);
                System.arraycopy(payload, 0, u, 8, payload.length);
                if (!udpNoChecksum) {
                    int c = Checksum.compute(u, 0, u.length, Checksum.pseudoHeader(source, destination, 17, u.length));
                    Bytes.set16(u, 6, c == 0 ? 0xffff : c);
                }
                return u;
            }
            case Ipv4Header.PROTOCOL_TCP: {
                int hl = 20 + tcpOptions.length;
                byte[] t = new byte[hl + payload.length];
                Bytes.set16(t, 0, sourcePort);
                Bytes.set16(t, 2, destinationPort);
                Bytes.set32(t, 4, sequence);
                Bytes.set32(t, 8, acknowledgment);
                t[12] = (byte) ((hl / 4) << 4);
                t[13] = (byte) tcpFlags;
                Bytes.set16(t, 14, window);
                System.arraycopy(tcpOptions, 0, t, 20, tcpOptions.length);
                System.arraycopy(payload, 0, t, hl, payload.length);
                Bytes.set16(t, 16, Checksum.compute(t, 0, t.length, Checksum.pseudoHeader(source, destination, 6, t.length)));
                return t;
            }
            case Ipv4Header.PROTOCOL_ICMP: {
                byte[] m = new byte[8 + payload.length];
                m[0] = (byte) icmpType;
                m[1] = (byte) icmpCode;
                Bytes.set32(m, 4, icmpRest);
                System.arraycopy(payload, 0, m, 8, payload.length);
                Bytes.set16(m, 2, Checksum.compute(m, 0, m.length, 0));
                return m;
            }
            default:
                return payload.clone();
        }
    }

    /**
     * A copy of a TCP or UDP datagram as a sender that offloads its checksum hands it to its
     * interface (Linux CHECKSUM_PARTIAL): the checksum field holds only the folded pseudo-header sum.
     */
    public static byte[] partial(byte[] datagram) {
        byte[] b = datagram.clone();
        int ip = 0;
        int l4 = Ipv4Header.headerLength(b, ip);
        int protocol = Ipv4Header.protocol(b, ip);
        int length = protocol == Ipv4Header.PROTOCOL_UDP ? UdpHeader.length(b, l4) : b.length - l4;
        int field = l4 + (protocol == Ipv4Header.PROTOCOL_UDP ? UdpHeader.OFFSET_CHECKSUM : TcpHeader.OFFSET_CHECKSUM);
        int pseudo = Checksum.pseudoHeader(Ipv4Header.source(b, ip), Ipv4Header.destination(b, ip), protocol, length);
        Bytes.set16(b, field, Checksum.fold(pseudo));
        return b;
    }

    /** Parses {@code "45 00 00 1c"} into bytes. */
    public static byte[] hex(String text) {
        String[] parts = text.trim().split("\\s+");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    /** Concatenates arrays. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The bytes in hex, for failure messages. */
    public static String toHex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x ", x & 0xff));
        }
        return s.toString().trim();
    }
}
