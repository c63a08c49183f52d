package masq.engine.nat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import masq.api.Ipv4;
import masq.api.admin.MappingDTO;
import masq.api.admin.StatsDTO;
import masq.api.admin.StatusDTO;
import masq.api.admin.TimeoutsDTO;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.Malformed;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpSegmentation;

/**
 * The masquerading translator: one IPv4 datagram in, rewritten in place, one verdict out. The
 * steps are those of DESIGN.md "The data path": validate, the gateway's own addresses,
 * fragments, mapping lookup or creation, rewrite, TTL, TCP state, ICMP errors.
 *
 * <p>Threading: every method runs on the one engine thread that owns the tables (single writer,
 * no locks); other threads reach it through {@link EngineLoop}. Nothing throws out of
 * {@link #process}: malformed input is dropped and counted. Established flows are translated
 * without allocation.
 */
public final class Translator {
    /** The side a datagram arrived on: the inside (LAN) link. */
    public static final int INSIDE = 0;
    /** The side a datagram arrived on: the outside (WAN) link. */
    public static final int OUTSIDE = 1;
    /** Verdict: discard (the reason is counted). */
    public static final int DROP = 0;
    /** Verdict: send the rewritten datagram on the outside link. */
    public static final int FORWARD_OUTSIDE = 1;
    /** Verdict: send the rewritten datagram on the inside link. */
    public static final int FORWARD_INSIDE = 2;
    /** Verdict: the buffer now holds the gateway's answer; send it back out the arrival side. */
    public static final int REPLY = 3;
    /** Verdict: a fragment was copied aside; the buffer is free, see {@link #pollReleased}. */
    public static final int HELD = 4;
    /** {@link #pollReleased}: nothing to release. */
    public static final int NOTHING = -1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final EngineConfig config;
    private final Counters counters = new Counters();
    private final FlowTable flows;
    private final Fragments fragments;
    private final GatewayIcmp gateway;
    private final Masquerade masquerade;
    private final UnsendableErrors unsendable;
    private final long startNanos;
    private List<InboundSource> inboundSources = List.of();
    private final Forwarding forwarding;
    /** The last second fragment state was swept, to sweep at most once a second. */
    private int fragmentsSweptAt;

    /** A translator whose clock starts at {@code startNanos} (the same clock as later {@code now} values). */
    public Translator(EngineConfig config, long startNanos) {
        this.config = config;
        this.startNanos = startNanos;
        this.flows = new FlowTable(config, counters, 0);
        this.gateway = new GatewayIcmp(counters);
        this.masquerade = new Masquerade(config, flows, counters, gateway, new IcmpErrors(config, flows, counters));
        this.fragments = new Fragments(config, flows, counters, masquerade);
        this.unsendable = new UnsendableErrors(config, flows, counters, gateway);
        this.forwarding = new Forwarding(config, flows.bindings);
        setInboundSources(List.of());
    }

    /**
     * Translates one datagram in place. {@code side} is {@link #INSIDE} or {@link #OUTSIDE};
     * {@code p.data[p.offset, p.offset + p.length)} is the datagram as captured. On return,
     * {@code p.length} is the length to send. Returns a verdict.
     */
    public int process(int side, PacketBuffer p, long nowNanos) {
        try {
            tick(nowNanos);
            if (p.offset < 0 || p.length < 0 || p.length > p.capacity()) {
                return drop(Counter.IP_TRUNCATED);
            }
            if (side == INSIDE) {
                counters.increment(Counter.PACKETS_INSIDE);
                return fromInside(p);
            }
            counters.increment(Counter.PACKETS_OUTSIDE);
            return side == OUTSIDE ? fromOutside(p) : drop(Counter.DROP_INTERNAL_ERROR);
        } catch (RuntimeException e) {
            return drop(Counter.DROP_INTERNAL_ERROR);
        }
    }

    /**
     * After a verdict, fragments held for a first fragment that has now been translated: copies
     * one into {@code out}, translates it and returns its verdict, or {@link #NOTHING}. Call until
     * it returns NOTHING.
     */
    public int pollReleased(PacketBuffer out, long nowNanos) {
        try {
            tick(nowNanos);
            if (masquerade.hook.pollGenerated(out)) {
                counters.increment(Counter.HELPER_GENERATED);
                return REPLY;
            }
            return fragments.pollReleased(out);
        } catch (RuntimeException ex) {
            return drop(Counter.DROP_INTERNAL_ERROR);
        }
    }

    /**
     * Replaces a datagram this translator forwarded, which the link could not send because it has
     * DF set and is longer than {@code mtu} (the MTU of {@code sentSide}), with ICMP destination
     * unreachable, fragmentation needed (type 3 code 4, next-hop MTU {@code mtu}, RFC 1191) to its
     * original sender: for a datagram sent {@link #OUTSIDE}, to the inside host from the inside
     * address, quoting the datagram as that host sent it (RFC 5508); for one sent {@link #INSIDE},
     * to the remote host from the outside address, quoting it as the remote sent it. No error is
     * made where RFC 1812 §4.3.2.7 forbids one (about an ICMP error, a non-first fragment, to or
     * from a broadcast or multicast address), for a hairpinned datagram, or once the mapping is
     * gone. Does not allocate; engine thread only.
     *
     * @param sentSide the side the datagram was to be sent on, {@link #INSIDE} or {@link #OUTSIDE}
     * @param p        the translated datagram, as the verdict left it
     * @param mtu      the next-hop MTU to report
     * @return {@link #REPLY}: {@code p} holds the error, to be sent on the other side (the side the
     *         datagram arrived on), counted as {@code icmp.sent.frag-needed}; or {@link #DROP},
     *         counted as {@code icmp.frag-needed.suppressed}
     */
    public int fragmentationNeeded(int sentSide, PacketBuffer p, int mtu) {
        try {
            return unsendable.fragmentationNeeded(sentSide, p, mtu);
        } catch (RuntimeException e) {
            return drop(Counter.DROP_INTERNAL_ERROR);
        }
    }

    /**
     * Replaces a datagram this translator forwarded, which the link dropped because its next hop on
     * {@code sentSide} did not answer ARP, with ICMP destination unreachable, host unreachable (type
     * 3 code 1, RFC 1812 §4.3.3.1) to its original sender, quoting it as that sender sent it: the
     * same addressing and the same exceptions as {@link #fragmentationNeeded}, without the DF
     * condition. Does not allocate; engine thread only.
     *
     * @param sentSide the side the datagram was to be sent on, {@link #INSIDE} or {@link #OUTSIDE}
     * @param p        the translated datagram, as the link gave it back
     * @return {@link #REPLY}: {@code p} holds the error, to be sent on the other side, counted as
     *         {@code icmp.sent.unreachable}; or {@link #DROP}, counted as
     *         {@code icmp.host-unreachable.suppressed}
     */
    public int hostUnreachable(int sentSide, PacketBuffer p) {
        try {
            return unsendable.hostUnreachable(sentSide, p);
        } catch (RuntimeException e) {
            return drop(Counter.DROP_INTERNAL_ERROR);
        }
    }

    /**
     * A forwarded datagram longer than the MTU of the link it arrived on, which no wire carried: a
     * segmentation-offload super-frame from a sender with TSO/GSO, handed over whole by the
     * packet socket. Returns how many segments of at most {@code mtu} bytes it is to leave as
     * ({@link #segment} writes them; counted as {@code rx.gso.segmented} and
     * {@code tx.gso.segments}); 0 when it is dropped instead (counted: a UDP super-frame as
     * {@code drop.gso.udp}, one that cannot be cut as {@code drop.gso.malformed}); -1 when it is
     * no super-frame this cuts (not TCP or UDP), to be sent as it is. Engine thread only.
     *
     * @param p   the translated datagram, as the verdict left it
     * @param mtu the largest segment: the smaller of the arrival and departure MTUs
     */
    public int superFrame(PacketBuffer p, int mtu) {
        int protocol = Ipv4Header.protocol(p.data, p.offset);
        if (protocol == Ipv4Header.PROTOCOL_UDP) {
            return drop(Counter.DROP_GSO_UDP);
        }
        if (protocol != Ipv4Header.PROTOCOL_TCP) {
            return -1;
        }
        int n = TcpSegmentation.count(p.data, p.offset, p.length, mtu);
        if (n < 1) {
            return drop(Counter.DROP_GSO_MALFORMED);
        }
        counters.increment(Counter.RX_GSO_SEGMENTED);
        counters.add(Counter.TX_GSO_SEGMENTS, n);
        return n;
    }

    /** Writes segment {@code index} of the super-frame {@code p} cut for {@code mtu} ({@link #superFrame}) into {@code out}. */
    public void segment(PacketBuffer p, int mtu, int index, PacketBuffer out) {
        out.offset = 0;
        out.length = TcpSegmentation.write(p.data, p.offset, p.length, mtu, index, out.data, 0);
    }

    /** Advances the clock without a packet: expires mappings and fragment state. */
    public void tick(long nowNanos) {
        int now = (int) Math.max(0, (nowNanos - startNanos) / NANOS_PER_SECOND);
        flows.advance(now);
        if (now > fragmentsSweptAt) {
            fragmentsSweptAt = now;
            fragments.expire(now);
            tickHook(now);
        }
    }

    private void tickHook(int now) {
        try {
            masquerade.hook.tick(now);
        } catch (RuntimeException e) {
            counters.increment(Counter.DROP_HOOK);
        }
    }

    /** The engine clock in whole seconds since the translator started, as the last tick left it. */
    public int nowSeconds() {
        return flows.now();
    }

    /** Attaches the helper layer; mappings created from now on consult it. */
    public void setHook(FlowHook value) {
        FlowHook hook = value == null ? FlowHook.NONE : value;
        flows.setHook(hook);
        masquerade.hook = hook;
    }

    /** The sources consulted, in order, for inbound packets no mapping admits; the port forwards last. */
    public void setInboundSources(List<InboundSource> sources) {
        inboundSources = List.copyOf(sources);
        List<InboundSource> all = new ArrayList<>(inboundSources);
        all.add(forwarding.forwards);
        all.add(forwarding.autoForwards);
        masquerade.inboundSources = all.toArray(new InboundSource[0]);
        flows.setInboundSources(masquerade.inboundSources);
    }

    /**
     * Replaces the port forwards with {@code next}, as a whole or not at all: each forwarded port is
     * held for the forwards (no outbound mapping is given it from now on; one that has it goes on),
     * and those no forward names any more are given back; connections already forwarded go on until
     * they end. Returns null when applied, else why not (a server outside the inside networks, a port
     * an autofw rule opens), the forwards that ran staying as they were.
     */
    public String setPortForwards(PortForwards next) {
        String refused = forwarding.replace(next);
        if (refused == null) {
            setInboundSources(inboundSources);
        }
        return refused;
    }

    /** Replaces the autofw rules as {@link #setPortForwards} the forwards; a port a forward has refuses them. */
    public String setAutoForwards(AutoForwards next) {
        String refused = forwarding.replace(next);
        if (refused == null) {
            next.attach(counters, flows::now);
            masquerade.autoForwards = next;
            setInboundSources(inboundSources);
        }
        return refused;
    }

    /**
     * Replaces the 1:1 static NAT rules with {@code next}, as a whole or not at all: every inside
     * address must be in the inside networks, every outside address on the outside network and none
     * of the gateway's own addresses. The sessions of an outside address that no longer belongs to
     * its host end; a host given a rule keeps its masqueraded sessions until they end, and its new
     * ones leave from its address. Returns null when applied, else why not.
     */
    public String setStaticNat(StaticNat next) {
        int mask = config.outsidePrefixLength == 0 ? 0 : -1 << (32 - config.outsidePrefixLength);
        for (StaticNat.Rule r : next.rules()) {
            String where = r.name() + ": ";
            if (!config.isInside(r.insideAddress())) {
                return where + "inside address " + Ipv4.toString(r.insideAddress()) + " is not in inside.networks";
            }
            int outside = r.outsideAddress();
            if ((outside & mask) != (config.outsideAddress & mask) || outside == (config.outsideAddress | ~mask)
                    || outside == (config.outsideAddress & mask)) {
                return where + "outside address " + Ipv4.toString(outside) + " is not a host of the outside network "
                        + config.outsideCidr();
            }
            if (outside == config.outsideAddress || outside == config.insideAddress || config.isInside(outside)) {
                return where + "outside address " + Ipv4.toString(outside) + " is the gateway's own or an inside one";
            }
        }
        flows.statics.set(next);
        return null;
    }

    /** The live sessions on 1:1 NAT address {@code address}; a scan of the table, for the console. */
    public int staticSessions(int address) {
        return flows.statics.sessions(address);
    }

    /** The 1:1 static NAT rules in place. */
    public StaticNat staticNat() {
        return flows.statics.rules();
    }

    /** The outside address mapping {@code mapping} (a session number) translates to: the gateway's or its 1:1 host's. */
    public int outsideAddress(int mapping) {
        return flows.bindings.outside[flows.sessions.binding[mapping]];
    }

    /** The autofw rules in place, with who holds them. */
    public AutoForwards autoForwards() {
        return forwarding.autoForwards;
    }

    /** The forwards in place, with their hit counts. */
    public PortForwards portForwards() {
        return forwarding.forwards;
    }

    /**
     * Takes a free gateway port of {@code protocol} (IP protocol number) from the masq range for
     * a mapping an {@link InboundSource} will create later; -1 when none is free.
     */
    public int reservePort(int protocol) {
        return reservePortFor(protocol, 0);
    }

    /**
     * As {@link #reservePort(int)}, for a mapping that will serve inside port {@code insidePort}
     * (0: any): for UDP a port of its parity where one is free (RFC 4787 REQ-4).
     */
    public int reservePortFor(int protocol, int insidePort) {
        int proto = Protocols.index(protocol);
        return proto < 0 ? -1 : flows.reservePort(proto, proto == Protocols.UDP && insidePort > 0 ? insidePort & 1
                : PortAllocator.ANY);
    }

    /**
     * Takes the given gateway port of {@code protocol} for a mapping an {@link InboundSource} will
     * create later, if it is in the masq range and free; false otherwise.
     */
    public boolean reservePort(int protocol, int port) {
        int proto = Protocols.index(protocol);
        return proto >= 0 && flows.bindings.reserveSpecificPort(proto, port);
    }

    /**
     * Takes two consecutive free gateway ports of {@code protocol}, the first even (RTP and RTCP);
     * returns the first, or -1 when the range has no such pair. Release each with {@link #releasePort}.
     */
    public int reservePortPair(int protocol) {
        int proto = Protocols.index(protocol);
        return proto < 0 ? -1 : flows.bindings.reservePortPair(proto);
    }

    /**
     * Holds a port {@link #reservePortFor} gave, as a port forward holds its ports, for a repeating
     * expectation: no outbound mapping gets it, and each connection let in on it shares it.
     */
    public void holdPort(int protocol, int port) {
        int proto = Protocols.index(protocol);
        if (proto >= 0) {
            flows.bindings.reserveForward(proto, port);
        }
    }

    /** Gives back a port of {@link #holdPort}; the mappings on it keep it until they end. */
    public void releaseHeldPort(int protocol, int port) {
        int proto = Protocols.index(protocol);
        if (proto >= 0) {
            flows.bindings.releaseForward(proto, port);
        }
    }

    /** Returns a port from {@link #reservePort} that no mapping took. */
    public void releasePort(int protocol, int port) {
        int proto = Protocols.index(protocol);
        if (proto >= 0) {
            flows.bindings.releaseReservedPort(proto, port);
        }
    }

    public EngineConfig config() {
        return config;
    }

    public Counters counters() {
        return counters;
    }

    public Timeouts timeouts() {
        return flows.timeouts();
    }

    /** Changes the timeouts at run time; zero fields stay as they are. Live mappings take them at their next packet. */
    public TimeoutsDTO setTimeouts(TimeoutsDTO dto) {
        flows.setTimeouts(flows.timeouts().with(dto));
        return flows.timeouts().toDTO();
    }

    /** How mappings made from now on choose their gateway ports; those that exist keep theirs. */
    public void setPortAllocation(PortAllocation value) {
        flows.bindings.setAllocation(value);
    }

    /** Removes every mapping (the console's flush). */
    public void flush() {
        flows.flush();
    }

    /** Number of live mappings. */
    public int mappingCount() {
        return flows.sessions.count();
    }

    /** Up to {@code limit} rows of the mapping table; helper indexes are named by {@code helperNames}. */
    public List<MappingDTO> mappings(int limit, IntFunction<String> helperNames) {
        return mappings(limit, helperNames, helper -> 0);
    }

    /**
     * Up to {@code limit} rows of the mapping table; a mapping's helper slot gives its helper's name
     * through {@code helperNames} and its master connection's id (0 for none) through {@code masterIds}.
     */
    public List<MappingDTO> mappings(int limit, IntFunction<String> helperNames, IntToLongFunction masterIds) {
        List<MappingDTO> out = new ArrayList<>();
        Snapshots.mappings(flows, helperNames, masterIds, limit, out);
        return out;
    }

    /** Every counter by name. */
    public StatsDTO stats() {
        StatsDTO dto = new StatsDTO();
        dto.counters = counters.snapshot();
        return dto;
    }

    /** The gateway at a glance ({@code expectations} is left to the layer that owns them). */
    public StatusDTO status() {
        return Snapshots.status(config, flows);
    }

    private int fromInside(PacketBuffer p) {
        int code = validateIp(p);
        if (code != Malformed.OK) {
            return drop(Counter.ofMalformed(code));
        }
        if (sourceRouteRefused(p)) {
            return drop(Counter.DROP_SOURCE_ROUTE);
        }
        byte[] b = p.data;
        int ip = p.offset;
        int dst = Ipv4Header.destination(b, ip);
        if (dst == config.insideAddress
                || (dst == config.outsideAddress && GatewayIcmp.isIcmpQuery(b, ip))) {
            return gateway.toGateway(p, dst);
        }
        if (!config.isInside(Ipv4Header.source(b, ip))) {
            return drop(Counter.DROP_NOT_INSIDE_NETWORK);
        }
        return fragments.process(p, true);
    }

    private int fromOutside(PacketBuffer p) {
        int code = validateIp(p);
        if (code != Malformed.OK) {
            return drop(Counter.ofMalformed(code));
        }
        if (sourceRouteRefused(p)) {
            return drop(Counter.DROP_SOURCE_ROUTE);
        }
        int dst = Ipv4Header.destination(p.data, p.offset);
        if (dst != config.outsideAddress && !flows.statics.isStaticAddress(dst)) {
            return drop(Counter.DROP_NOT_FOR_GATEWAY);
        }
        if (dst == config.outsideAddress && GatewayIcmp.isEchoRequest(p.data, p.offset)) {
            return gateway.toGateway(p, dst);
        }
        return fragments.process(p, false);
    }

    private int validateIp(PacketBuffer p) {
        int code = Ipv4Header.validate(p.data, p.offset, p.length);
        if (code == Malformed.OK) {
            p.length = Ipv4Header.totalLength(p.data, p.offset);
        }
        return code;
    }

    /** @return whether a valid datagram is dropped for its source route option (never looked for without options) */
    private boolean sourceRouteRefused(PacketBuffer p) {
        return !config.passSourceRoute && Ipv4Header.headerLength(p.data, p.offset) > Ipv4Header.MIN_LENGTH
                && Ipv4Header.sourceRouted(p.data, p.offset);
    }

    private int drop(Counter reason) {
        counters.increment(reason);
        return DROP;
    }
}
