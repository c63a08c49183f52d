package masq.engine.nat;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.IcmpHeader;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;

/**
 * ICMP the gateway speaks for itself: echo replies for its own addresses, and the errors it
 * originates (time exceeded, destination unreachable code 13 when a mapping is refused, RFC 5508
 * REQ-8). Errors are built in place: the offending datagram's header and first 8 payload bytes
 * move back behind a new IP and ICMP header (RFC 792, RFC 1812 §4.3.2.3).
 */
final class GatewayIcmp {
    private static final int TTL = 64;
    /** 127/8, never a valid source on a wire (RFC 1812 §4.2.2.11). */
    private static final int LOOPBACK_NETWORK = 127;
    private static final int ERROR_HEADERS = Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH;
    private final Counters counters;
    /** IP identification of generated datagrams. */
    private int nextId;

    GatewayIcmp(Counters counters) {
        this.counters = counters;
    }

    /** True if the datagram at {@code ip} is a whole ICMP echo request with at least its header. */
    static boolean isEchoRequest(byte[] b, int ip) {
        int ihl = Ipv4Header.headerLength(b, ip);
        return Ipv4Header.protocol(b, ip) == Ipv4Header.PROTOCOL_ICMP && !Ipv4Header.isFragment(b, ip)
                && Ipv4Header.totalLength(b, ip) - ihl >= IcmpHeader.LENGTH
                && IcmpHeader.type(b, ip + ihl) == IcmpHeader.ECHO_REQUEST;
    }

    /**
     * True if the datagram at {@code ip} is a whole ICMP message other than an error: from inside
     * to the outside address it is for the gateway, not to be hairpinned (queries cannot be).
     */
    static boolean isIcmpQuery(byte[] b, int ip) {
        int ihl = Ipv4Header.headerLength(b, ip);
        return Ipv4Header.protocol(b, ip) == Ipv4Header.PROTOCOL_ICMP && !Ipv4Header.isFragment(b, ip)
                && Ipv4Header.totalLength(b, ip) - ihl >= IcmpHeader.LENGTH
                && !IcmpHeader.isError(IcmpHeader.type(b, ip + ihl));
    }

    /** A datagram to one of the gateway's addresses: an echo request is answered, the rest dropped. */
    int toGateway(PacketBuffer p, int address) {
        byte[] b = p.data;
        int ip = p.offset;
        if (!isEchoRequest(b, ip)) {
            counters.increment(Counter.DROP_LOCAL);
            return Translator.DROP;
        }
        int ihl = Ipv4Header.headerLength(b, ip);
        int icmp = ip + ihl;
        int length = Ipv4Header.totalLength(b, ip) - ihl;
        if (!Checksum.verify(b, icmp, length, 0)) {
            counters.increment(Counter.ICMP_BAD_CHECKSUM);
            return Translator.DROP;
        }
        int oldWord = Bytes.get16(b, icmp);
        b[icmp] = IcmpHeader.ECHO_REPLY;
        IcmpHeader.setChecksum(b, icmp, Checksum.update16(IcmpHeader.checksum(b, icmp), oldWord, Bytes.get16(b, icmp)));
        Bytes.set32(b, ip + Ipv4Header.OFFSET_DESTINATION, Ipv4Header.source(b, ip));
        Bytes.set32(b, ip + Ipv4Header.OFFSET_SOURCE, address);
        b[ip + Ipv4Header.OFFSET_TTL] = (byte) TTL;
        Ipv4Header.updateChecksum(b, ip);
        counters.increment(Counter.SENT_ECHO_REPLY);
        return Translator.REPLY;
    }

    /** Drops a datagram whose TTL ran out here, answering with time exceeded from {@code from}. */
    int timeExceeded(PacketBuffer p, int from) {
        counters.increment(Counter.DROP_TTL_EXPIRED);
        return error(p, IcmpHeader.TIME_EXCEEDED, 0, 0, from, Counter.SENT_TIME_EXCEEDED);
    }

    /** Answers a refused datagram with destination unreachable {@code code} from {@code from}. */
    int unreachable(PacketBuffer p, int code, int from) {
        return error(p, IcmpHeader.DESTINATION_UNREACHABLE, code, 0, from, Counter.SENT_UNREACHABLE);
    }

    /**
     * Answers a datagram too big for the next hop with destination unreachable, fragmentation
     * needed, from {@code from}: the second word is 16 unused bits and the next-hop MTU (RFC 1191 §4).
     */
    int fragmentationNeeded(PacketBuffer p, int mtu, int from) {
        return error(p, IcmpHeader.DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, mtu & 0xffff, from,
                Counter.SENT_FRAG_NEEDED);
    }

    /** Builds an error of {@code type}, {@code code} and second word {@code rest} in place of the datagram. */
    private int error(PacketBuffer p, int type, int code, int rest, int from, Counter sent) {
        byte[] b = p.data;
        int ip = p.offset;
        int ihl = Ipv4Header.headerLength(b, ip);
        int quoted = ihl + Math.min(IcmpHeader.QUOTED_PAYLOAD_BYTES, Ipv4Header.totalLength(b, ip) - ihl);
        int total = ERROR_HEADERS + quoted;
        if (!mayAnswer(b, ip, ihl)) {
            return Translator.DROP;
        }
        if (total > p.capacity()) {
            counters.increment(Counter.DROP_NO_ROOM);
            return Translator.DROP;
        }
        int to = Ipv4Header.source(b, ip);
        System.arraycopy(b, ip, b, ip + ERROR_HEADERS, quoted);
        writeHeader(b, ip, total, from, to);
        int icmp = ip + Ipv4Header.MIN_LENGTH;
        b[icmp] = (byte) type;
        b[icmp + 1] = (byte) code;
        Bytes.set16(b, icmp + IcmpHeader.OFFSET_CHECKSUM, 0);
        Bytes.set32(b, icmp + 4, rest);
        IcmpHeader.setChecksum(b, icmp, Checksum.compute(b, icmp, IcmpHeader.LENGTH + quoted, 0));
        p.length = total;
        counters.increment(sent);
        return Translator.REPLY;
    }

    /**
     * RFC 1812 §4.3.2.7: no error about an ICMP error, a non-first fragment, a datagram to a
     * multicast or broadcast address, or one whose source is not one host (zero, loopback,
     * multicast, class E, broadcast).
     */
    private static boolean mayAnswer(byte[] b, int ip, int ihl) {
        int source = Ipv4Header.source(b, ip);
        int destination = Ipv4Header.destination(b, ip);
        if (source == 0 || (source >>> 28) >= 0xE || (source >>> 24) == LOOPBACK_NETWORK
                || (destination >>> 28) >= 0xE || Ipv4Header.fragmentOffset(b, ip) != 0) {
            return false;
        }
        return Ipv4Header.protocol(b, ip) != Ipv4Header.PROTOCOL_ICMP
                || Ipv4Header.totalLength(b, ip) <= ihl || !IcmpHeader.isError(IcmpHeader.type(b, ip + ihl));
    }

    private void writeHeader(byte[] b, int ip, int total, int from, int to) {
        b[ip] = 0x45;
        b[ip + 1] = 0;
        Bytes.set16(b, ip + Ipv4Header.OFFSET_TOTAL_LENGTH, total);
        Bytes.set16(b, ip + 4, nextId++ & 0xffff);
        Bytes.set16(b, ip + 6, 0);
        b[ip + Ipv4Header.OFFSET_TTL] = (byte) TTL;
        b[ip + 9] = Ipv4Header.PROTOCOL_ICMP;
        Bytes.set32(b, ip + Ipv4Header.OFFSET_SOURCE, from);
        Bytes.set32(b, ip + Ipv4Header.OFFSET_DESTINATION, to);
        Ipv4Header.updateChecksum(b, ip);
    }
}
