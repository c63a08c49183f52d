package masq.engine.nat;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.IcmpHeader;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.Malformed;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;

/**
 * ICMP errors for a datagram masq translated but the link could not send: destination unreachable,
 * fragmentation needed (type 3 code 4, RFC 792, with the next-hop MTU in the second word, RFC 1191
 * §4) when it has DF set and is longer than the MTU of the side it was for (RFC 4787 REQ-13, RFC
 * 1812 §5.2.7.1); host unreachable (type 3 code 1, RFC 1812 §4.3.3.1) when its next hop did not
 * answer ARP (RFC 1122 §2.3.2.2).
 *
 * <p>The error goes to the datagram's original sender and quotes the datagram as that sender sent
 * it, so its stack can match the error to a connection: the translation is undone on the quoted
 * header and first 8 payload bytes (address, port or ICMP identifier, their checksums, the TTL the
 * gateway took; a helper reverts the TCP sequence numbers) — RFC 5508 REQ-4/REQ-5's rule for
 * translated errors, applied to one the gateway makes. An outbound datagram's error goes inside from
 * the inside address; an inbound one's goes to the remote host from the outside address. No error
 * about an ICMP error, a non-first fragment, or for a source or destination that is not one host
 * (RFC 1812 §4.3.2.7), nor about a hairpinned datagram (its sender saw two translations). Built in
 * place, without allocation. Engine thread only.
 */
final class UnsendableErrors {
    private final EngineConfig config;
    private final FlowTable flows;
    private final Counters counters;
    private final GatewayIcmp gateway;

    UnsendableErrors(EngineConfig config, FlowTable flows, Counters counters, GatewayIcmp gateway) {
        this.config = config;
        this.flows = flows;
        this.counters = counters;
        this.gateway = gateway;
    }

    /** See {@link Translator#fragmentationNeeded}. */
    int fragmentationNeeded(int sentSide, PacketBuffer p, int mtu) {
        if (mtu < Ipv4Header.MIN_LENGTH || mtu > 0xffff || !isValid(p) || !Ipv4Header.dontFragment(p.data, p.offset)) {
            return suppressed(Counter.FRAG_NEEDED_SUPPRESSED);
        }
        return answer(sentSide, p, mtu, Counter.FRAG_NEEDED_SUPPRESSED);
    }

    /** See {@link Translator#hostUnreachable}. */
    int hostUnreachable(int sentSide, PacketBuffer p) {
        if (!isValid(p)) {
            return suppressed(Counter.HOST_UNREACHABLE_SUPPRESSED);
        }
        return answer(sentSide, p, -1, Counter.HOST_UNREACHABLE_SUPPRESSED);
    }

    private static boolean isValid(PacketBuffer p) {
        return p.offset >= 0 && p.length >= Ipv4Header.MIN_LENGTH && p.length <= p.capacity()
                && Ipv4Header.validate(p.data, p.offset, p.length) == Malformed.OK;
    }

    /**
     * Fragmentation needed with {@code mtu}, or host unreachable if {@code mtu} is -1; counts
     * {@code suppressed} when no error may be sent.
     */
    private int answer(int sentSide, PacketBuffer p, int mtu, Counter suppressed) {
        byte[] b = p.data;
        int ip = p.offset;
        if (Ipv4Header.fragmentOffset(b, ip) != 0) {
            return suppressed(suppressed);
        }
        int l4 = ip + Ipv4Header.headerLength(b, ip);
        int length = Ipv4Header.totalLength(b, ip) - (l4 - ip);
        int proto = Protocols.index(Ipv4Header.protocol(b, ip));
        if (proto < 0 || length < IcmpHeader.QUOTED_PAYLOAD_BYTES
                || (proto == Protocols.ICMP && IcmpHeader.isError(IcmpHeader.type(b, l4)))) {
            return suppressed(suppressed);
        }
        boolean reverted = sentSide == Translator.OUTSIDE ? revertOutbound(b, ip, l4, length, proto)
                : sentSide == Translator.INSIDE && revertInbound(b, ip, l4, length, proto);
        if (!reverted) {
            return suppressed(suppressed);
        }
        int from = sentSide == Translator.OUTSIDE ? config.insideAddress : config.outsideAddress;
        int verdict = mtu < 0 ? gateway.unreachable(p, IcmpHeader.CODE_HOST_UNREACHABLE, from)
                : gateway.fragmentationNeeded(p, mtu, from);
        return verdict == Translator.REPLY ? verdict : suppressed(suppressed);
    }

    /** Sent outside as outside address and gateway port: back to the inside endpoint's view. */
    private boolean revertOutbound(byte[] b, int ip, int l4, int length, int proto) {
        boolean icmp = proto == Protocols.ICMP;
        int source = Ipv4Header.source(b, ip);
        if (!flows.statics.isOutsideAddress(source)
                || (icmp && !IcmpHeader.isQueryRequest(IcmpHeader.type(b, l4)))) {
            return false;
        }
        Bindings bindings = flows.bindings;
        int s = flows.statics.sessionAt(proto, source, icmp ? IcmpHeader.identifier(b, l4) : Bytes.get16(b, l4),
                Ipv4Header.destination(b, ip), icmp ? 0 : Bytes.get16(b, l4 + 2));
        if (s == Sessions.NONE) {
            return false;
        }
        int binding = flows.sessions.binding[s];
        Ipv4Header.rewriteSource(b, ip, bindings.insideAddress[binding]);
        setPort(b, l4, proto, TcpHeader.OFFSET_SOURCE_PORT, bindings.insidePort[binding],
                Checksum.negate(bindings.l4Delta[binding]));
        restore(s, proto, true, b, ip, l4, length);
        return true;
    }

    /** Sent inside to the inside endpoint: back to the view of the remote, which sent to the gateway. */
    private boolean revertInbound(byte[] b, int ip, int l4, int length, int proto) {
        boolean icmp = proto == Protocols.ICMP;
        int source = Ipv4Header.source(b, ip);
        if (flows.statics.isOutsideAddress(source) || (icmp && !IcmpHeader.isQueryReply(IcmpHeader.type(b, l4)))) {
            return false;
        }
        Bindings bindings = flows.bindings;
        int s = flows.session(proto, Ipv4Header.destination(b, ip),
                icmp ? IcmpHeader.identifier(b, l4) : Bytes.get16(b, l4 + 2), source, icmp ? 0 : Bytes.get16(b, l4));
        if (s == Sessions.NONE) {
            return false;
        }
        int binding = flows.sessions.binding[s];
        Ipv4Header.rewriteDestination(b, ip, bindings.outside[binding]);
        setPort(b, l4, proto, TcpHeader.OFFSET_DESTINATION_PORT, bindings.masqPort[binding],
                bindings.l4Delta[binding]);
        restore(s, proto, false, b, ip, l4, length);
        return true;
    }

    /** Sets a TCP/UDP port (ICMP: the identifier) and adjusts the transport checksum by {@code delta}. */
    private static void setPort(byte[] b, int l4, int proto, int portOffset, int port, int delta) {
        if (proto == Protocols.ICMP) {
            IcmpHeader.setIdentifier(b, l4, port);
            IcmpHeader.setChecksum(b, l4, Checksum.adjust(IcmpHeader.checksum(b, l4), delta));
        } else {
            Bytes.set16(b, l4 + portOffset, port);
            Rewrite.adjustTransport(b, l4, proto, delta);
        }
    }

    /** Gives back the TTL the gateway took, and lets a helper revert quoted TCP sequence numbers. */
    private void restore(int s, int proto, boolean outbound, byte[] b, int ip, int l4, int length) {
        int oldWord = Bytes.get16(b, ip + Ipv4Header.OFFSET_TTL);
        b[ip + Ipv4Header.OFFSET_TTL]++;
        Ipv4Header.setChecksum(b, ip, Checksum.update16(Ipv4Header.checksum(b, ip), oldWord,
                Bytes.get16(b, ip + Ipv4Header.OFFSET_TTL)));
        int helper = flows.sessions.helper[s];
        if (proto != Protocols.TCP || helper == FlowHook.NO_HELPER) {
            return;
        }
        try {
            flows.hook().icmpQuote(s, helper, outbound, b, l4, length);
        } catch (RuntimeException e) {
            counters.increment(Counter.DROP_HOOK);
        }
    }

    private int suppressed(Counter reason) {
        counters.increment(reason);
        return Translator.DROP;
    }
}
