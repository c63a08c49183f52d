package masq.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import masq.api.Ipv4;

/**
 * Builds and reads IPv4 test packets. The builders produce valid datagrams, every checksum
 * computed:
 *
 * <pre>{@code
 * byte[] port = Packets.tcp("192.168.0.2", 1025, "203.0.113.2", 21)
 *         .seq(1000).ack(1).flags(Packets.ACK | Packets.PSH)
 *         .payload("PORT 192,168,0,2,4,1\r\n").build();
 * byte[] query = Packets.udp("192.168.0.2", 5353, "198.51.100.53", 53).payload(dnsQuery).build();
 * byte[] ping = Packets.icmpEcho("192.168.0.2", "198.51.100.1", 0x0500, 1).payload("abcd").build();
 * }</pre>
 *
 * The readers take a datagram starting at index 0 (no link header) and read what a test asserts:
 * {@link #tuple}, {@link #seq}, {@link #payloadText}, {@link #checksumsValid}. They trust the
 * header lengths they read, as tests may: give them datagrams, not hostile input.
 *
 * <p>Stateless; any thread.
 */
public final class Packets {
    /** TCP flag FIN. */
    public static final int FIN = 0x01;
    /** TCP flag SYN. */
    public static final int SYN = 0x02;
    /** TCP flag RST. */
    public static final int RST = 0x04;
    /** TCP flag PSH. */
    public static final int PSH = 0x08;
    /** TCP flag ACK. */
    public static final int ACK = 0x10;
    /** TCP flag URG. */
    public static final int URG = 0x20;
    /** IP protocol number of ICMP. */
    public static final int PROTOCOL_ICMP = 1;
    /** IP protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** IP protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;
    /** ICMP type echo reply. */
    public static final int ICMP_ECHO_REPLY = 0;
    /** ICMP type destination unreachable. */
    public static final int ICMP_UNREACHABLE = 3;
    /** ICMP type echo request. */
    public static final int ICMP_ECHO_REQUEST = 8;
    /** ICMP type time exceeded. */
    public static final int ICMP_TIME_EXCEEDED = 11;
    /** Bytes of the offending datagram's data an ICMP error quotes after its IP header (RFC 792). */
    public static final int ICMP_QUOTED_DATA_BYTES = 8;
    private static final int FRAGMENT_UNIT_BYTES = 8;
    private static final int FLAG_MORE_FRAGMENTS = 0x2000;

    private Packets() {
    }

    /** A TCP segment builder (flags default to ACK, window to 65535, TTL to 64). */
    public static TcpBuilder tcp(String source, int sourcePort, String destination, int destinationPort) {
        return new TcpBuilder(source, sourcePort, destination, destinationPort);
    }

    /** A UDP datagram builder. */
    public static UdpBuilder udp(String source, int sourcePort, String destination, int destinationPort) {
        return new UdpBuilder(source, sourcePort, destination, destinationPort);
    }

    /** An ICMP echo request builder ({@link IcmpBuilder#reply()} for the reply). */
    public static IcmpBuilder icmpEcho(String source, String destination, int identifier, int sequence) {
        int rest = check("identifier", identifier, 0xffff) << 16 | check("sequence", sequence, 0xffff);
        return new IcmpBuilder(source, destination, ICMP_ECHO_REQUEST, 0, rest);
    }

    /**
     * An ICMP error from {@code source} about {@code offending} (a datagram the error's destination
     * sent), quoting its IP header and first 8 data bytes, e.g. {@code icmpError(router, inside,
     * ICMP_TIME_EXCEEDED, 0, probe)}.
     */
    public static IcmpBuilder icmpError(String source, String destination, int type, int code, byte[] offending) {
        int quoted = Math.min(offending.length, headerLength(offending) + ICMP_QUOTED_DATA_BYTES);
        return new IcmpBuilder(source, destination, type, code, 0).payload(Arrays.copyOf(offending, quoted));
    }

    /**
     * Splits a datagram into fragments (RFC 791) carrying at most {@code dataBytes} bytes of its
     * data each (rounded down to a multiple of 8), in offset order; each has a valid header checksum.
     */
    public static List<byte[]> fragment(byte[] datagram, int dataBytes) {
        int unit = dataBytes / FRAGMENT_UNIT_BYTES * FRAGMENT_UNIT_BYTES;
        if (unit <= 0) {
            throw new IllegalArgumentException("dataBytes: " + dataBytes + " is less than " + FRAGMENT_UNIT_BYTES);
        }
        int ihl = headerLength(datagram);
        int dataLength = totalLength(datagram) - ihl;
        List<byte[]> fragments = new ArrayList<>();
        for (int off = 0; off < dataLength; off += unit) {
            int len = Math.min(unit, dataLength - off);
            byte[] f = new byte[ihl + len];
            System.arraycopy(datagram, 0, f, 0, ihl);
            System.arraycopy(datagram, ihl + off, f, ihl, len);
            put16(f, 2, f.length);
            int word = (get16(datagram, 6) & 0x4000) | (off / FRAGMENT_UNIT_BYTES);
            put16(f, 6, off + len < dataLength ? word | FLAG_MORE_FRAGMENTS : word);
            put16(f, 10, 0);
            put16(f, 10, Checksums.checksum(f, 0, ihl, 0));
            fragments.add(f);
        }
        return fragments;
    }

    /** The IP header length in bytes. */
    public static int headerLength(byte[] p) {
        return (p[0] & 0x0f) * 4;
    }

    /** The IP total length. */
    public static int totalLength(byte[] p) {
        return get16(p, 2);
    }

    /** The IP protocol number. */
    public static int protocol(byte[] p) {
        return p[9] & 0xff;
    }

    /** Time to live. */
    public static int ttl(byte[] p) {
        return p[8] & 0xff;
    }

    /** The IP identification. */
    public static int id(byte[] p) {
        return get16(p, 4);
    }

    /** The fragment offset in bytes. */
    public static int fragmentOffset(byte[] p) {
        return (get16(p, 6) & 0x1fff) * FRAGMENT_UNIT_BYTES;
    }

    /** True if the datagram is a fragment (more-fragments set or a non-zero offset). */
    public static boolean isFragment(byte[] p) {
        return (get16(p, 6) & 0x3fff) != 0;
    }

    /** The source address as an int ({@link Ipv4}). */
    public static int sourceAddress(byte[] p) {
        return get32(p, 12);
    }

    /** The destination address as an int ({@link Ipv4}). */
    public static int destinationAddress(byte[] p) {
        return get32(p, 16);
    }

    /** The source address, dotted. */
    public static String source(byte[] p) {
        return Ipv4.toString(sourceAddress(p));
    }

    /** The destination address, dotted. */
    public static String destination(byte[] p) {
        return Ipv4.toString(destinationAddress(p));
    }

    /**
     * The TCP/UDP source port, the ICMP identifier of an echo, timestamp or information message,
     * or -1 (other ICMP, other protocols, non-first fragments, too short).
     */
    public static int sourcePort(byte[] p) {
        int t = headerLength(p);
        if (fragmentOffset(p) != 0) {
            return -1;
        }
        if (protocol(p) == PROTOCOL_ICMP) {
            return isIcmpQuery(p[t] & 0xff) && t + 6 <= p.length ? get16(p, t + 4) : -1;
        }
        boolean ported = protocol(p) == PROTOCOL_TCP || protocol(p) == PROTOCOL_UDP;
        return ported && t + 4 <= p.length ? get16(p, t) : -1;
    }

    /** The TCP/UDP destination port, the ICMP query identifier, or -1 as for {@link #sourcePort}. */
    public static int destinationPort(byte[] p) {
        int t = headerLength(p);
        if (protocol(p) == PROTOCOL_ICMP || sourcePort(p) < 0) {
            return sourcePort(p);
        }
        return get16(p, t + 2);
    }

    /** The addressing of the datagram. */
    public static Tuple tuple(byte[] p) {
        return Tuple.of(p);
    }

    /** The TCP sequence number. */
    public static long seq(byte[] p) {
        return get32(p, headerLength(p) + 4) & 0xffffffffL;
    }

    /** The TCP acknowledgment number. */
    public static long ack(byte[] p) {
        return get32(p, headerLength(p) + 8) & 0xffffffffL;
    }

    /** The TCP flags byte. */
    public static int tcpFlags(byte[] p) {
        return p[headerLength(p) + 13] & 0xff;
    }

    /** The ICMP type. */
    public static int icmpType(byte[] p) {
        return p[headerLength(p)] & 0xff;
    }

    /** The ICMP code. */
    public static int icmpCode(byte[] p) {
        return p[headerLength(p) + 1] & 0xff;
    }

    /** The datagram an ICMP error quotes (its IP header and what follows, as far as quoted). */
    public static byte[] quoted(byte[] p) {
        int from = headerLength(p) + IcmpBuilder.HEADER_LENGTH;
        return Arrays.copyOfRange(p, from, Math.min(p.length, totalLength(p)));
    }

    /** The bytes after the transport header (TCP, UDP, ICMP), up to the IP total length. */
    public static byte[] payload(byte[] p) {
        int t = headerLength(p);
        int header = protocol(p) == PROTOCOL_TCP ? ((p[t + 12] & 0xf0) >>> 4) * 4
                : protocol(p) == PROTOCOL_UDP ? UdpBuilder.HEADER_LENGTH : IcmpBuilder.HEADER_LENGTH;
        return Arrays.copyOfRange(p, t + header, Math.min(p.length, totalLength(p)));
    }

    /** The payload as ISO-8859-1 text. */
    public static String payloadText(byte[] p) {
        return new String(payload(p), StandardCharsets.ISO_8859_1);
    }

    /**
     * True if the IP header checksum is valid and, for a datagram that is not a fragment, the TCP,
     * UDP (zero meaning none) or ICMP checksum too. A fragment's transport checksum covers the whole
     * datagram, so only its IP header is checked.
     */
    public static boolean checksumsValid(byte[] p) {
        if (!Checksums.ipHeaderValid(p, 0)) {
            return false;
        }
        if (isFragment(p) || Checksums.udpWithoutChecksum(p, 0)) {
            return true;
        }
        int residual = Checksums.transportResidual(p, 0);
        return residual < 0 || residual == Checksums.VALID_RESIDUAL;
    }

    /** True for ICMP types whose identifier a NAT maps: echo, timestamp, information (request and reply). */
    public static boolean isIcmpQuery(int type) {
        return type == 0 || type == 8 || type == 13 || type == 14 || type == 15 || type == 16;
    }

    static int check(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " is not 0-" + max);
        }
        return value;
    }

    static long check32(String name, long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException(name + ": " + value + " is not 0-4294967295");
        }
        return value;
    }

    static int get16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static int get32(byte[] b, int i) {
        return (get16(b, i) << 16) | get16(b, i + 2);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, int v) {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v);
    }
}
