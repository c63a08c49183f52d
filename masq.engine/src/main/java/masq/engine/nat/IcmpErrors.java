package masq.engine.nat;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.IcmpHeader;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.Malformed;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;

/**
 * ICMP errors about masqueraded datagrams, both ways (RFC 5508 REQ-4, REQ-5, REQ-7; RFC 4787
 * REQ-12b; RFC 5382 REQ-9). The quoted datagram is found through the mapping it used and is
 * reverted: outer address, quoted address, quoted port or identifier, quoted IP checksum, the
 * quoted transport checksum when it is among the quoted bytes, then the ICMP checksum over it all.
 * Type and code are kept. Errors never create, refresh or end a mapping (RFC 5508 REQ-6, RFC 7857
 * §2.6), and errors without a mapping are dropped.
 */
final class IcmpErrors {
    private final EngineConfig config;
    private final FlowTable flows;
    private final Counters counters;

    IcmpErrors(EngineConfig config, FlowTable flows, Counters counters) {
        this.config = config;
        this.flows = flows;
        this.counters = counters;
    }

    /**
     * An error from outside about a datagram the gateway sent out: the quote's source is the
     * outside address and a gateway port. The outer destination becomes the inside host.
     */
    int inbound(PacketBuffer p, int icmp, int length) {
        byte[] b = p.data;
        int inner = icmp + IcmpHeader.LENGTH;
        int code = IcmpHeader.validateEmbedded(b, inner, length - IcmpHeader.LENGTH);
        if (code != Malformed.OK) {
            return drop(Counter.ofMalformed(code));
        }
        int proto = Protocols.index(Ipv4Header.protocol(b, inner));
        int innerL4 = inner + Ipv4Header.headerLength(b, inner);
        int quotedSource = Ipv4Header.source(b, inner);
        if (proto < 0 || !flows.statics.isOutsideAddress(quotedSource) || Ipv4Header.fragmentOffset(b, inner) != 0) {
            return drop(Counter.DROP_ICMP_ERROR_NO_MAPPING);
        }
        int gatewayPort;
        int remotePort;
        if (proto == Protocols.ICMP) {
            if (!IcmpHeader.isQueryRequest(IcmpHeader.type(b, innerL4))) {
                return drop(Counter.DROP_ICMP_ERROR_NO_MAPPING);
            }
            gatewayPort = IcmpHeader.identifier(b, innerL4);
            remotePort = 0;
        } else {
            gatewayPort = Bytes.get16(b, innerL4);
            remotePort = Bytes.get16(b, innerL4 + 2);
        }
        int s = flows.statics.sessionAt(proto, quotedSource, gatewayPort, Ipv4Header.destination(b, inner), remotePort);
        if (s < 0) {
            return drop(Counter.DROP_ICMP_ERROR_NO_MAPPING);
        }
        int binding = flows.sessions.binding[s];
        int ip = p.offset;
        if (Ipv4Header.ttl(b, ip) <= 1) {
            return drop(Counter.DROP_TTL_EXPIRED);
        }
        Bindings bindings = flows.bindings;
        Ipv4Header.rewriteDestination(b, ip, bindings.insideAddress[binding]);
        Ipv4Header.rewriteSource(b, inner, bindings.insideAddress[binding]);
        revertQuotedPort(b, inner, innerL4, length - IcmpHeader.LENGTH, proto, 0, bindings.insidePort[binding],
                Checksum.negate(bindings.l4Delta[binding]));
        quotedSequence(s, proto, true, b, inner, innerL4, length - IcmpHeader.LENGTH);
        finish(b, ip, icmp, length);
        return Translator.FORWARD_INSIDE;
    }

    /**
     * An error from an inside host about a datagram the gateway delivered to it: the quote's
     * destination is the inside endpoint. The outer source becomes the outside address (REQ-5);
     * if the outer destination is the outside address too, the error is hairpinned (REQ-7).
     */
    int outbound(PacketBuffer p, int icmp, int length) {
        byte[] b = p.data;
        int inner = icmp + IcmpHeader.LENGTH;
        int code = IcmpHeader.validateEmbedded(b, inner, length - IcmpHeader.LENGTH);
        if (code != Malformed.OK) {
            return drop(Counter.ofMalformed(code));
        }
        int proto = Protocols.index(Ipv4Header.protocol(b, inner));
        int innerL4 = inner + Ipv4Header.headerLength(b, inner);
        if (proto < 0 || Ipv4Header.fragmentOffset(b, inner) != 0) {
            return drop(Counter.DROP_ICMP_ERROR_NO_MAPPING);
        }
        int insidePort;
        int remotePort;
        if (proto == Protocols.ICMP) {
            if (!IcmpHeader.isQueryReply(IcmpHeader.type(b, innerL4))) {
                return drop(Counter.DROP_ICMP_ERROR_NO_MAPPING);
            }
            insidePort = IcmpHeader.identifier(b, innerL4);
            remotePort = 0;
        } else {
            remotePort = Bytes.get16(b, innerL4);
            insidePort = Bytes.get16(b, innerL4 + 2);
        }
        int s = flows.session(proto, Ipv4Header.destination(b, inner), insidePort, Ipv4Header.source(b, inner),
                remotePort);
        if (s < 0) {
            return drop(Counter.DROP_ICMP_ERROR_NO_MAPPING);
        }
        int binding = flows.sessions.binding[s];
        int ip = p.offset;
        if (Ipv4Header.ttl(b, ip) <= 1) {
            return drop(Counter.DROP_TTL_EXPIRED);
        }
        Bindings bindings = flows.bindings;
        Ipv4Header.rewriteSource(b, ip, bindings.outside[binding]);
        Ipv4Header.rewriteDestination(b, inner, bindings.outside[binding]);
        revertQuotedPort(b, inner, innerL4, length - IcmpHeader.LENGTH, proto, 2, bindings.masqPort[binding],
                bindings.l4Delta[binding]);
        quotedSequence(s, proto, false, b, inner, innerL4, length - IcmpHeader.LENGTH);
        if (flows.statics.isOutsideAddress(Ipv4Header.destination(b, ip))) {
            return hairpin(p, icmp, length);
        }
        finish(b, ip, icmp, length);
        return Translator.FORWARD_OUTSIDE;
    }

    /** An error from inside to the outside address: now translated outbound, it goes back in (REQ-7). */
    private int hairpin(PacketBuffer p, int icmp, int length) {
        counters.increment(Counter.HAIRPINNED);
        IcmpHeader.setChecksum(p.data, icmp, 0);
        IcmpHeader.setChecksum(p.data, icmp, Checksum.compute(p.data, icmp, length, 0));
        return inbound(p, icmp, length);
    }

    /**
     * Sets the quoted port (at {@code portOffset} in the quoted transport header; ICMP: the
     * identifier) and adjusts the quoted transport checksum by {@code delta} if it was quoted.
     */
    private static void revertQuotedPort(byte[] b, int inner, int innerL4, int quotedLength, int proto,
            int portOffset, int port, int delta) {
        int quotedTransport = quotedLength - (innerL4 - inner);
        if (proto == Protocols.ICMP) {
            IcmpHeader.setIdentifier(b, innerL4, port);
            IcmpHeader.setChecksum(b, innerL4, Checksum.adjust(IcmpHeader.checksum(b, innerL4), delta));
            return;
        }
        Bytes.set16(b, innerL4 + portOffset, port);
        if (proto == Protocols.UDP || quotedTransport >= TcpHeader.OFFSET_CHECKSUM + 2) {
            Rewrite.adjustTransport(b, innerL4, proto, delta);
        }
    }

    /** Lets the helper layer revert the quoted TCP sequence numbers of a mapping whose payload it resized. */
    private void quotedSequence(int s, int proto, boolean quotedOutbound, byte[] b, int inner, int innerL4,
            int quotedLength) {
        int helper = flows.sessions.helper[s];
        if (proto != Protocols.TCP || helper == FlowHook.NO_HELPER) {
            return;
        }
        try {
            flows.hook().icmpQuote(s, helper, quotedOutbound, b, innerL4, quotedLength - (innerL4 - inner));
        } catch (RuntimeException e) {
            counters.increment(Counter.DROP_HOOK);
        }
    }

    private void finish(byte[] b, int ip, int icmp, int length) {
        IcmpHeader.setChecksum(b, icmp, 0);
        IcmpHeader.setChecksum(b, icmp, Checksum.compute(b, icmp, length, 0));
        Ipv4Header.decrementTtl(b, ip);
        counters.increment(Counter.ICMP_ERRORS_TRANSLATED);
    }

    private int drop(Counter reason) {
        counters.increment(reason);
        return Translator.DROP;
    }
}
