package masq.engine.nat;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.IcmpHeader;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.TcpHeader;
import masq.engine.packet.UdpHeader;

/**
 * The per-packet header rewrite of an established mapping, both directions: one address, one port
 * (ICMP: identifier) and the checksums, adjusted incrementally with the deltas the binding
 * computed once at creation. No lookups, no branches on state: the hot path.
 */
final class Rewrite {
    private Rewrite() {
    }

    /** Inside endpoint to gateway endpoint (a 1:1 host's own address): source address and port (identifier). */
    static void outbound(byte[] b, int ip, int l4, int proto, Bindings bindings, int binding) {
        Bytes.set32(b, ip + Ipv4Header.OFFSET_SOURCE, bindings.outside[binding]);
        Ipv4Header.setChecksum(b, ip, Checksum.adjust(Ipv4Header.checksum(b, ip), bindings.ipDelta[binding]));
        int port = bindings.masqPort[binding];
        int delta = bindings.l4Delta[binding];
        if (proto == Protocols.ICMP) {
            IcmpHeader.setIdentifier(b, l4, port);
            IcmpHeader.setChecksum(b, l4, Checksum.adjust(IcmpHeader.checksum(b, l4), delta));
        } else {
            Bytes.set16(b, l4 + TcpHeader.OFFSET_SOURCE_PORT, port);
            adjustTransport(b, l4, proto, delta);
        }
    }

    /** Gateway endpoint to inside endpoint: destination address and port (identifier). */
    static void inbound(byte[] b, int ip, int l4, int proto, Bindings bindings, int binding) {
        Bytes.set32(b, ip + Ipv4Header.OFFSET_DESTINATION, bindings.insideAddress[binding]);
        Ipv4Header.setChecksum(b, ip, Checksum.adjust(Ipv4Header.checksum(b, ip),
                Checksum.negate(bindings.ipDelta[binding])));
        int port = bindings.insidePort[binding];
        int delta = Checksum.negate(bindings.l4Delta[binding]);
        if (proto == Protocols.ICMP) {
            IcmpHeader.setIdentifier(b, l4, port);
            IcmpHeader.setChecksum(b, l4, Checksum.adjust(IcmpHeader.checksum(b, l4), delta));
        } else {
            Bytes.set16(b, l4 + TcpHeader.OFFSET_DESTINATION_PORT, port);
            adjustTransport(b, l4, proto, delta);
        }
    }

    /** Applies a delta to a TCP or UDP checksum; a UDP checksum of zero means none and stays so. */
    static void adjustTransport(byte[] b, int l4, int proto, int delta) {
        if (proto == Protocols.TCP) {
            TcpHeader.setChecksum(b, l4, Checksum.adjust(TcpHeader.checksum(b, l4), delta));
            return;
        }
        int checksum = UdpHeader.checksum(b, l4);
        if (checksum != 0) {
            checksum = Checksum.adjust(checksum, delta);
            UdpHeader.setChecksum(b, l4, checksum == 0 ? 0xffff : checksum);
        }
    }
}
