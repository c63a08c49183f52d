package masq.testkit.replay;

import java.util.HashMap;
import java.util.Map;
import masq.testkit.Checksums;
import masq.testkit.Packets;

/**
 * What the remote end of a capture would have sent had the gateway been in the path: the
 * capture's inbound datagrams are addressed to an inside host, the gateway's are addressed to
 * its outside address and the masq port it chose. This view learns those ports from the
 * translated outbound datagrams and rewrites each inbound datagram accordingly before the
 * replay submits it: the destination address (and, in an ICMP error, the quoted source) becomes
 * the outside address; the destination port or ICMP identifier (the quoted source port or
 * identifier) becomes the masq port. Every checksum is adjusted incrementally (RFC 1624), so a
 * checksum that was valid stays valid and one that was wrong stays wrong by the same amount.
 *
 * <p>A datagram to an inside endpoint that never sent anything keeps its port: it reaches the
 * gateway as unsolicited traffic would. One thread (the replay's).
 */
final class GatewayView {
    private static final int IP_CHECKSUM = 10;
    private static final int IP_SOURCE = 12;
    private static final int IP_DESTINATION = 16;
    private static final int ICMP_HEADER_LENGTH = 8;
    private static final int UDP_NO_CHECKSUM = 0;
    private static final int UDP_ZERO_SENT_AS = 0xffff;

    private final int outsideAddress;
    /** (protocol, inside address, inside port or ICMP id) to the masq port the gateway chose. */
    private final Map<Long, Integer> masqPorts = new HashMap<>();

    GatewayView(int outsideAddress) {
        this.outsideAddress = outsideAddress;
    }

    /** Learns the masq port from an outbound datagram as submitted and as translated. */
    void learn(byte[] submitted, byte[] translated) {
        int insidePort = Packets.sourcePort(submitted);
        int masqPort = Packets.sourcePort(translated);
        boolean query = Packets.protocol(submitted) != Packets.PROTOCOL_ICMP || isIcmpRequest(submitted);
        if (insidePort >= 0 && masqPort >= 0 && query) {
            masqPorts.put(key(Packets.protocol(submitted), Packets.sourceAddress(submitted), insidePort), masqPort);
        }
    }

    /**
     * Learns the gateway port a helper's expectation reserved for an inside endpoint: the remote end
     * was told that port (the rewritten FTP {@code PORT}) and connects to it.
     */
    void expect(int protocol, int insideAddress, int insidePort, int gatewayPort) {
        masqPorts.put(key(protocol, insideAddress, insidePort), gatewayPort);
    }

    /** The masq port learned for an inside endpoint, or -1. */
    int masqPort(int protocol, int insideAddress, int insidePort) {
        return masqPorts.getOrDefault(key(protocol, insideAddress, insidePort), -1);
    }

    /** Rewrites the inbound datagram {@code b} (at 0, whole array) as it would reach the gateway. */
    void toGateway(byte[] b) {
        int ihl = Packets.headerLength(b);
        int insideAddress = Packets.destinationAddress(b);
        int transportLength = Math.min(b.length, Packets.totalLength(b)) - ihl;
        boolean first = Packets.fragmentOffset(b) == 0;
        int t = ihl;
        switch (first ? Packets.protocol(b) : -1) {
            case Packets.PROTOCOL_TCP -> portedToGateway(b, t, transportLength, Packets.PROTOCOL_TCP, 16, insideAddress);
            case Packets.PROTOCOL_UDP -> portedToGateway(b, t, transportLength, Packets.PROTOCOL_UDP, 6, insideAddress);
            case Packets.PROTOCOL_ICMP -> icmpToGateway(b, t, transportLength, insideAddress);
            default -> { }
        }
        set32(b, IP_DESTINATION, outsideAddress, IP_CHECKSUM, -1);
    }

    /** TCP or UDP at {@code t}: the destination port, and the pseudo-header's destination address. */
    private void portedToGateway(byte[] b, int t, int length, int protocol, int checksumAt, int insideAddress) {
        if (length < checksumAt + 2) {
            return;
        }
        int checksum = t + checksumAt;
        boolean none = protocol == Packets.PROTOCOL_UDP && get16(b, checksum) == UDP_NO_CHECKSUM;
        int c = none ? -1 : checksum;
        int masqPort = masqPort(protocol, insideAddress, get16(b, t + 2));
        if (masqPort >= 0) {
            set16(b, t + 2, masqPort, c, -1);
        }
        // The pseudo-header: the destination address changes after this, the checksum must follow.
        adjustFor32(b, c, get32(b, IP_DESTINATION), outsideAddress);
        if (protocol == Packets.PROTOCOL_UDP && !none && get16(b, checksum) == 0) {
            put16(b, checksum, UDP_ZERO_SENT_AS);
        }
    }

    private void icmpToGateway(byte[] b, int t, int length, int insideAddress) {
        if (length < ICMP_HEADER_LENGTH) {
            return;
        }
        int type = b[t] & 0xff;
        if (Packets.isIcmpQuery(type) && !isIcmpRequest(type)) {
            int masqPort = masqPort(Packets.PROTOCOL_ICMP, insideAddress, get16(b, t + 4));
            if (masqPort >= 0) {
                set16(b, t + 4, masqPort, t + 2, -1);
            }
        } else if (!Packets.isIcmpQuery(type)) {
            quotedToGateway(b, t, length, insideAddress);
        }
    }

    /** An ICMP error: the quoted datagram was sent by the inside host; make it the gateway's. */
    private void quotedToGateway(byte[] b, int t, int length, int insideAddress) {
        int e = t + ICMP_HEADER_LENGTH;
        int end = t + length;
        if (end < e + 20 || get32(b, e + IP_SOURCE) != insideAddress) {
            return;
        }
        int before = sumWithout(b, t, length, t + 2);
        int eihl = (b[e] & 0x0f) * 4;
        int et = e + eihl;
        int protocol = b[e + 9] & 0xff;
        boolean first = (get16(b, e + 6) & 0x1fff) == 0;
        if (first && (protocol == Packets.PROTOCOL_TCP || protocol == Packets.PROTOCOL_UDP) && et + 2 <= end) {
            int checksumAt = et + (protocol == Packets.PROTOCOL_TCP ? 16 : 6);
            boolean quotedChecksum = checksumAt + 2 <= end
                    && !(protocol == Packets.PROTOCOL_UDP && get16(b, checksumAt) == UDP_NO_CHECKSUM);
            int c = quotedChecksum ? checksumAt : -1;
            int masqPort = masqPort(protocol, insideAddress, get16(b, et));
            if (masqPort >= 0) {
                set16(b, et, masqPort, c, -1);
            }
            adjustFor32(b, c, insideAddress, outsideAddress);
        } else if (first && protocol == Packets.PROTOCOL_ICMP && et + 6 <= end && isIcmpRequest(b[et] & 0xff)) {
            int masqPort = masqPort(Packets.PROTOCOL_ICMP, insideAddress, get16(b, et + 4));
            if (masqPort >= 0) {
                set16(b, et + 4, masqPort, et + 2 + 2 <= end ? et + 2 : -1, -1);
            }
        }
        set32(b, e + IP_SOURCE, outsideAddress, e + IP_CHECKSUM, -1);
        int after = sumWithout(b, t, length, t + 2);
        put16(b, t + 2, Checksums.adjust(get16(b, t + 2), before, after));
    }

    private static boolean isIcmpRequest(byte[] p) {
        return isIcmpRequest(Packets.icmpType(p));
    }

    private static boolean isIcmpRequest(int type) {
        return type == 8 || type == 13 || type == 15;
    }

    /** The folded sum of {@code b[off, off+len)} without the 16-bit field at {@code skip}. */
    private static int sumWithout(byte[] b, int off, int len, int skip) {
        long sum = Checksums.sum(b, off, skip - off, 0);
        return Checksums.fold(Checksums.sum(b, skip + 2, off + len - skip - 2, sum));
    }

    private static void set16(byte[] b, int at, int value, int checksumA, int checksumB) {
        int old = get16(b, at);
        put16(b, at, value);
        adjust(b, checksumA, old, value);
        adjust(b, checksumB, old, value);
    }

    private static void set32(byte[] b, int at, int value, int checksumA, int checksumB) {
        int old = get32(b, at);
        put16(b, at, value >>> 16);
        put16(b, at + 2, value & 0xffff);
        adjustFor32(b, checksumA, old, value);
        adjustFor32(b, checksumB, old, value);
    }

    private static void adjustFor32(byte[] b, int checksum, int old, int value) {
        adjust(b, checksum, Checksums.fold((old >>> 16) + (old & 0xffffL)),
                Checksums.fold((value >>> 16) + (value & 0xffffL)));
    }

    private static void adjust(byte[] b, int checksum, int oldSum, int newSum) {
        if (checksum >= 0) {
            put16(b, checksum, Checksums.adjust(get16(b, checksum), oldSum, newSum));
        }
    }

    private static long key(int protocol, int address, int port) {
        return ((long) protocol << 48) | ((address & 0xffffffffL) << 16) | port;
    }

    private static int get16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static int get32(byte[] b, int i) {
        return (get16(b, i) << 16) | get16(b, i + 2);
    }

    private static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }
}
