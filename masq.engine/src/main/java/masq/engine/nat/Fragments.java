package masq.engine.nat;

import masq.engine.frag.FragmentTable;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;

/**
 * Fragments through the translator without reassembly: the first fragment is masqueraded like a
 * whole datagram and its verdict and new addresses recorded; later ones get the same, or are held
 * (bounded) until the first has come. Overlapping and duplicate fragments poison their datagram
 * (RFC 1858, RFC 3128). Engine thread only.
 */
final class Fragments {
    private final FlowTable flows;
    private final Counters counters;
    private final Masquerade masquerade;
    private final FragmentTable fragments;

    Fragments(EngineConfig config, FlowTable flows, Counters counters, Masquerade masquerade) {
        this.flows = flows;
        this.counters = counters;
        this.masquerade = masquerade;
        this.fragments = new FragmentTable(config.maxFragmentDatagrams, config.maxHeldFragments,
                config.fragmentTimeoutSeconds);
    }

    /**
     * Translates a whole datagram, a first fragment (recording what it got), or a later fragment
     * (given what its first got, or held until the first comes); a verdict of {@link Translator}.
     */
    int process(PacketBuffer p, boolean outbound) {
        byte[] b = p.data;
        int ip = p.offset;
        if (!Ipv4Header.isFragment(b, ip)) {
            return outbound ? masquerade.outbound(p) : masquerade.inbound(p);
        }
        int src = Ipv4Header.source(b, ip);
        int dst = Ipv4Header.destination(b, ip);
        int proto = Ipv4Header.protocol(b, ip);
        int id = Ipv4Header.identification(b, ip);
        int start = Ipv4Header.fragmentOffset(b, ip);
        if (proto == Ipv4Header.PROTOCOL_TCP && start > 0 && start < TcpHeader.MIN_LENGTH) {
            // offset 8 or 16: it would rewrite the ports or flags the first fragment was judged by
            return drop(Counter.DROP_FRAGMENT_OVERLAP);
        }
        int e = fragments.cover(src, dst, proto, id, start, start + p.length - Ipv4Header.headerLength(b, ip),
                flows.now());
        if (e == FragmentTable.OVERLAP) {
            return drop(Counter.DROP_FRAGMENT_OVERLAP);
        }
        if (e == FragmentTable.FULL) {
            return drop(Counter.DROP_FRAGMENT_LIMIT);
        }
        if (start != 0) {
            if (fragments.resolved(e)) {
                return applyFragment(p, e);
            }
            if (!fragments.hold(e, b, ip, p.length)) {
                return drop(Counter.DROP_FRAGMENT_LIMIT);
            }
            counters.increment(Counter.FRAGMENTS_HELD);
            return Translator.HELD;
        }
        int verdict = outbound ? masquerade.outbound(p) : masquerade.inbound(p);
        boolean forwarded = verdict == Translator.FORWARD_INSIDE || verdict == Translator.FORWARD_OUTSIDE;
        fragments.record(e, forwarded ? verdict : Translator.DROP, Ipv4Header.source(b, ip), Ipv4Header.destination(b, ip));
        return verdict;
    }

    /** A non-first fragment gets the addresses its first fragment got. */
    private int applyFragment(PacketBuffer p, int e) {
        byte[] b = p.data;
        int ip = p.offset;
        if (fragments.action(e) == Translator.DROP) {
            return drop(Counter.DROP_FRAGMENT_FIRST_DROPPED);
        }
        if (Ipv4Header.ttl(b, ip) <= 1) {
            return drop(Counter.DROP_TTL_EXPIRED);
        }
        if (Ipv4Header.source(b, ip) != fragments.newSource(e)) {
            Ipv4Header.rewriteSource(b, ip, fragments.newSource(e));
        }
        if (Ipv4Header.destination(b, ip) != fragments.newDestination(e)) {
            Ipv4Header.rewriteDestination(b, ip, fragments.newDestination(e));
        }
        Ipv4Header.decrementTtl(b, ip);
        counters.increment(Counter.FRAGMENTS_TRANSLATED);
        return fragments.action(e);
    }

    /** A held fragment whose first has been translated, copied into {@code out} and translated; or {@link Translator#NOTHING}. */
    int pollReleased(PacketBuffer out) {
        int e = fragments.pollReleased(out);
        return e == FragmentTable.NONE ? Translator.NOTHING : applyFragment(out, e);
    }

    /** Drops the state of datagrams whose fragments stopped coming, counted. */
    void expire(int now) {
        int dropped = fragments.expire(now);
        for (int i = 0; i < dropped; i++) {
            counters.increment(Counter.DROP_FRAGMENT_TIMEOUT);
        }
    }

    private int drop(Counter reason) {
        counters.increment(reason);
        return Translator.DROP;
    }
}
