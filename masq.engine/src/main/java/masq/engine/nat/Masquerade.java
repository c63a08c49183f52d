package masq.engine.nat;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.IcmpHeader;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.Malformed;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;
import masq.engine.packet.UdpHeader;

/**
 * The masquerading of one whole (or first-fragment) TCP, UDP or ICMP datagram once it is known
 * not to be for the gateway itself: transport validation, mapping lookup or creation, TTL, the
 * rewrite, the helper hook, hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8: an inside host reaching
 * another through the outside address sees the first one's outside address and port, REQ-9a).
 * Engine thread only.
 */
final class Masquerade {
    private final EngineConfig config;
    private final FlowTable flows;
    private final Counters counters;
    private final GatewayIcmp gateway;
    private final IcmpErrors errors;
    /** Reused result slot for {@link InboundSource#offer}. */
    private final InboundSource.InboundTarget target = new InboundSource.InboundTarget();
    /** Set by {@link Translator#setInboundSources}; an array so the miss path does not allocate. */
    InboundSource[] inboundSources = new InboundSource[0];
    /** Set by {@link Translator#setHook}. */
    FlowHook hook = FlowHook.NONE;
    /** Set by {@link Translator#setAutoForwards}: told of outbound packets, for their triggers. */
    AutoForwards autoForwards = AutoForwards.none();

    Masquerade(EngineConfig config, FlowTable flows, Counters counters, GatewayIcmp gateway, IcmpErrors errors) {
        this.config = config;
        this.flows = flows;
        this.counters = counters;
        this.gateway = gateway;
        this.errors = errors;
    }

    int outbound(PacketBuffer p) {
        byte[] b = p.data;
        int ip = p.offset;
        int l4 = ip + Ipv4Header.headerLength(b, ip);
        int length = p.length - (l4 - ip);
        int proto = Protocols.index(Ipv4Header.protocol(b, ip));
        int code = validateTransport(b, ip, l4, length, proto);
        if (code < 0 && flows.statics.outsideOf(Ipv4Header.source(b, ip)) != 0) {
            return otherProtocol(p, true);
        }
        if (code != Malformed.OK) {
            return drop(code < 0 ? Counter.DROP_PROTOCOL : Counter.ofMalformed(code));
        }
        int sourcePort;
        int destinationPort;
        if (proto == Protocols.ICMP) {
            int type = IcmpHeader.type(b, l4);
            if (IcmpHeader.isError(type)) {
                return errors.outbound(p, l4, length);
            }
            // a 1:1 host answers queries too: echo requests reach it from outside
            if (!IcmpHeader.isQueryRequest(type) && !(IcmpHeader.isQueryReply(type)
                    && flows.statics.outsideOf(Ipv4Header.source(b, ip)) != 0)) {
                return drop(Counter.DROP_ICMP_TYPE);
            }
            sourcePort = IcmpHeader.identifier(b, l4);
            destinationPort = 0;
        } else {
            sourcePort = Bytes.get16(b, l4);
            destinationPort = Bytes.get16(b, l4 + 2);
        }
        if (Ipv4Header.ttl(b, ip) <= 1) {
            return gateway.timeExceeded(p, config.insideAddress);
        }
        int dst = Ipv4Header.destination(b, ip);
        int flags = FlowTable.tcpFlags(b, l4, proto);
        int s = flows.outbound(proto, Ipv4Header.source(b, ip), sourcePort, dst, destinationPort, flags);
        if (s < 0) {
            return gateway.unreachable(p, IcmpHeader.CODE_ADMIN_PROHIBITED, config.insideAddress);
        }
        if (!flows.refresh(s, b, l4, length, flags, true)) {
            return Translator.DROP;
        }
        if (proto != Protocols.ICMP) {
            autoForwards.outbound(proto, Ipv4Header.source(b, ip), destinationPort);
        }
        Rewrite.outbound(b, ip, l4, proto, flows.bindings, flows.sessions.binding[s]);
        if (!payload(p, s, true, l4, length, proto)) {
            return drop(Counter.DROP_HOOK);
        }
        if (flows.statics.isOutsideAddress(dst)) {
            counters.increment(Counter.HAIRPINNED);
            return inboundTransport(p, l4, p.length - (l4 - ip), proto);
        }
        Ipv4Header.decrementTtl(b, ip);
        counters.increment(Counter.FORWARDED_OUTBOUND);
        return Translator.FORWARD_OUTSIDE;
    }

    int inbound(PacketBuffer p) {
        byte[] b = p.data;
        int ip = p.offset;
        int l4 = ip + Ipv4Header.headerLength(b, ip);
        int length = p.length - (l4 - ip);
        int proto = Protocols.index(Ipv4Header.protocol(b, ip));
        int code = validateTransport(b, ip, l4, length, proto);
        boolean toStatic = Ipv4Header.destination(b, ip) != config.outsideAddress;
        if (code < 0 && toStatic) {
            return otherProtocol(p, false);
        }
        if (code != Malformed.OK) {
            return drop(code < 0 ? Counter.DROP_PROTOCOL : Counter.ofMalformed(code));
        }
        if (proto == Protocols.ICMP) {
            int type = IcmpHeader.type(b, l4);
            if (IcmpHeader.isError(type)) {
                return errors.inbound(p, l4, length);
            }
            if (!IcmpHeader.isQueryReply(type) && !(toStatic && IcmpHeader.isQueryRequest(type))) {
                return drop(Counter.DROP_ICMP_TYPE);
            }
        }
        return inboundTransport(p, l4, length, proto);
    }

    private int inboundTransport(PacketBuffer p, int l4, int length, int proto) {
        byte[] b = p.data;
        int ip = p.offset;
        int src = Ipv4Header.source(b, ip);
        boolean icmp = proto == Protocols.ICMP;
        int remotePort = icmp ? 0 : Bytes.get16(b, l4);
        int gatewayPort = icmp ? IcmpHeader.identifier(b, l4) : Bytes.get16(b, l4 + 2);
        int flags = FlowTable.tcpFlags(b, l4, proto);
        int dst = Ipv4Header.destination(b, ip);
        int s;
        if (dst != config.outsideAddress) {
            if (Ipv4Header.ttl(b, ip) <= 1) {
                return gateway.timeExceeded(p, config.outsideAddress); // before it makes a mapping
            }
            s = flows.statics.inbound(proto, dst, gatewayPort, src, remotePort, flags);
            if (s == FlowTable.NONE) {
                return drop(Counter.DROP_NOT_FOR_GATEWAY);
            }
        } else {
            s = flows.inbound(proto, gatewayPort, src, remotePort, flags);
        }
        if (s == FlowTable.NONE || s == FlowTable.FILTERED) {
            int claimed = offerToSources(proto, gatewayPort, src, remotePort, flags);
            if (claimed == FlowTable.NONE) {
                return drop(s == FlowTable.NONE ? Counter.DROP_NO_MAPPING : Counter.DROP_FILTERED);
            }
            s = claimed;
        }
        if (s < 0) {
            return Translator.DROP;
        }
        if (Ipv4Header.ttl(b, ip) <= 1) {
            return gateway.timeExceeded(p, config.outsideAddress);
        }
        if (!flows.refresh(s, b, l4, length, flags, false)) {
            return Translator.DROP;
        }
        Rewrite.inbound(b, ip, l4, proto, flows.bindings, flows.sessions.binding[s]);
        if (!payload(p, s, false, l4, length, proto)) {
            return drop(Counter.DROP_HOOK);
        }
        Ipv4Header.decrementTtl(b, ip);
        counters.increment(Counter.FORWARDED_INBOUND);
        return Translator.FORWARD_INSIDE;
    }

    /**
     * A datagram of a protocol masq does not translate (GRE, ESP, SCTP, ...) from or to a 1:1 NAT
     * host: its address is rewritten (the IP header checksum with it), nothing else, counted as
     * {@code static.other-protocol}. Such a protocol with a pseudo-header checksum of its own
     * (DCCP, UDP-Lite) arrives with that checksum wrong. Between two inside hosts by their outside
     * addresses it is hairpinned as well.
     */
    private int otherProtocol(PacketBuffer p, boolean outbound) {
        byte[] b = p.data;
        int ip = p.offset;
        if (Ipv4Header.ttl(b, ip) <= 1) {
            return gateway.timeExceeded(p, outbound ? config.insideAddress : config.outsideAddress);
        }
        int dst = Ipv4Header.destination(b, ip);
        if (outbound) {
            Ipv4Header.rewriteSource(b, ip, flows.statics.outsideOf(Ipv4Header.source(b, ip)));
            if (!flows.statics.isStaticAddress(dst)) {
                if (dst == config.outsideAddress) {
                    return drop(Counter.DROP_PROTOCOL);
                }
                Ipv4Header.decrementTtl(b, ip);
                counters.increment(Counter.STATIC_OTHER_PROTOCOL);
                counters.increment(Counter.FORWARDED_OUTBOUND);
                return Translator.FORWARD_OUTSIDE;
            }
            counters.increment(Counter.HAIRPINNED);
        }
        Ipv4Header.rewriteDestination(b, ip, flows.statics.rules().insideOf(dst));
        Ipv4Header.decrementTtl(b, ip);
        counters.increment(Counter.STATIC_OTHER_PROTOCOL);
        counters.increment(Counter.FORWARDED_INBOUND);
        return Translator.FORWARD_INSIDE;
    }

    private int offerToSources(int proto, int gatewayPort, int src, int remotePort, int flags) {
        for (InboundSource source : inboundSources) {
            boolean accepted;
            try {
                accepted = source.offer(Protocols.ipProtocol(proto), src, remotePort, gatewayPort, target);
            } catch (RuntimeException e) {
                counters.increment(Counter.DROP_HOOK);
                return FlowTable.REFUSED;
            }
            if (accepted) {
                return flows.claim(proto, gatewayPort, src, remotePort, target, flags);
            }
        }
        return FlowTable.NONE;
    }

    /**
     * Validates the transport header; -1 for an unsupported protocol. A TCP or UDP checksum its
     * sender left to offload (only the pseudo-header sum in the field) is completed here, before any
     * rewrite adjusts it, and counted ({@code rx.csum.partial}); any other wrong checksum is a drop.
     */
    private int validateTransport(byte[] b, int ip, int l4, int length, int proto) {
        boolean whole = !Ipv4Header.isFragment(b, ip);
        boolean verify = whole && config.verifyTransportChecksums;
        int src = Ipv4Header.source(b, ip);
        int dst = Ipv4Header.destination(b, ip);
        switch (proto) {
            case Protocols.TCP: {
                int pseudo = Checksum.pseudoHeader(src, dst, Ipv4Header.PROTOCOL_TCP, length);
                int code = TcpHeader.validate(b, l4, length, pseudo, false);
                if (code != Malformed.OK || !verify) {
                    return code;
                }
                if (Checksum.completePartial(b, l4, length, l4 + TcpHeader.OFFSET_CHECKSUM, pseudo)) {
                    counters.increment(Counter.RX_CSUM_PARTIAL);
                    return Malformed.OK;
                }
                return Checksum.verify(b, l4, length, pseudo) ? Malformed.OK : Malformed.TCP_BAD_CHECKSUM;
            }
            case Protocols.UDP: {
                int pseudo = Checksum.pseudoHeader(src, dst, Ipv4Header.PROTOCOL_UDP, 0);
                int code = UdpHeader.validate(b, l4, length, pseudo, false);
                if (code != Malformed.OK || !verify) {
                    return code;
                }
                int udpLength = UdpHeader.length(b, l4);
                if (udpLength > length) {
                    return Malformed.UDP_BAD_LENGTH;
                }
                if (UdpHeader.checksum(b, l4) == 0) {
                    return Malformed.OK;
                }
                pseudo += udpLength;
                if (Checksum.completePartial(b, l4, udpLength, l4 + UdpHeader.OFFSET_CHECKSUM, pseudo)) {
                    counters.increment(Counter.RX_CSUM_PARTIAL);
                    return Malformed.OK;
                }
                return Checksum.verify(b, l4, udpLength, pseudo) ? Malformed.OK : Malformed.UDP_BAD_CHECKSUM;
            }
            case Protocols.ICMP:
                return IcmpHeader.validate(b, l4, length, whole);
            default:
                return -1;
        }
    }

    /**
     * The helper step: {@link FlowHook#payload} for a segment or datagram with payload (it may resize
     * the packet: callers re-read {@code p.length}), then {@link FlowHook#tcpSegment} for every TCP
     * segment. Mappings without a helper return at the first test.
     */
    private boolean payload(PacketBuffer p, int s, boolean outbound, int l4, int length, int proto) {
        int helper = flows.sessions.helper[s];
        if (helper == FlowHook.NO_HELPER || proto == Protocols.ICMP) {
            return true;
        }
        int header = proto == Protocols.TCP ? TcpHeader.dataOffset(p.data, l4) : UdpHeader.LENGTH;
        try {
            if (length > header && !hook.payload(s, helper, outbound, p, l4 + header, length - header)) {
                return false;
            }
            if (proto == Protocols.TCP) {
                hook.tcpSegment(s, helper, outbound, p, l4);
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private int drop(Counter reason) {
        counters.increment(reason);
        return Translator.DROP;
    }
}
