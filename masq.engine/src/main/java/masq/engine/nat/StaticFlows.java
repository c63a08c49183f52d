package masq.engine.nat;

/**
 * The flows of hosts under 1:1 static NAT ({@link StaticNat}) in the {@link FlowTable}: their
 * sessions are those of masqueraded flows, on bindings of the host's own outside address that keep
 * its ports ({@link Bindings#createStatic}). Engine thread only.
 */
final class StaticFlows {
    private final FlowTable flows;
    private final EngineConfig config;
    private final Counters counters;
    private StaticNat rules = StaticNat.NONE;

    StaticFlows(FlowTable flows, EngineConfig config, Counters counters) {
        this.flows = flows;
        this.config = config;
        this.counters = counters;
    }

    StaticNat rules() {
        return rules;
    }

    /**
     * New rules. The sessions on an outside address no rule gives its host any more end, as do
     * those of a host whose rule changed address; a host's masqueraded sessions go on until they end.
     */
    void set(StaticNat value) {
        rules = value;
        Sessions sessions = flows.sessions;
        Bindings bindings = flows.bindings;
        for (int s = 0; s < sessions.capacity(); s++) {
            if (sessions.live(s)) {
                int b = sessions.binding[s];
                if (bindings.isStatic(b) && value.outsideOf(bindings.insideAddress[b]) != bindings.outside[b]) {
                    flows.remove(s);
                }
            }
        }
    }

    /** The number of live sessions on 1:1 NAT address {@code address} (a scan, for the console). */
    int sessions(int address) {
        int n = 0;
        for (int s = 0; s < flows.sessions.capacity(); s++) {
            if (flows.sessions.live(s) && flows.bindings.outside[flows.sessions.binding[s]] == address) {
                n++;
            }
        }
        return n;
    }

    /** The outside address of inside host {@code inside}, or 0 when it is masqueraded. */
    int outsideOf(int inside) {
        return rules.outsideOf(inside);
    }

    /** True if {@code address} is the gateway's outside address or a 1:1 NAT host's. */
    boolean isOutsideAddress(int address) {
        return address == config.outsideAddress || rules.insideOf(address) != 0;
    }

    /** True if {@code address} is a 1:1 NAT host's outside address. */
    boolean isStaticAddress(int address) {
        return rules.insideOf(address) != 0;
    }

    /**
     * An outbound session of a 1:1 NAT host: endpoint-independent whatever {@link Mapping} says (the
     * host's ports are its own), on a binding of its address keeping the port; a binding the host
     * had on the gateway's address before its rule came is joined until it ends.
     */
    int outbound(int proto, int source, int sourcePort, int destination, int destinationPort, int tcpFlags,
            int staticAddress) {
        int s = flows.session(proto, source, sourcePort, destination, destinationPort);
        if (s != FlowTable.NONE) {
            return s;
        }
        int b = flows.bindings.findInside(proto, source, sourcePort);
        return session(b, proto, source, sourcePort, staticAddress, destination, destinationPort,
                TcpState.initial(tcpFlags, true), true);
    }

    /**
     * The session for an inbound packet to port {@code port} of 1:1 NAT address {@code address},
     * created if needed: every port of the address reaches its host, unfiltered (as the rule asks);
     * or NONE (no rule has the address), or REFUSED (a limit, counted; or the host's endpoint is
     * still bound to the gateway's address from before its rule, {@code drop.inbound.source-conflict}).
     */
    int inbound(int proto, int address, int port, int source, int sourcePort, int tcpFlags) {
        int inside = rules.insideOf(address);
        if (inside == 0) {
            return FlowTable.NONE;
        }
        Bindings bindings = flows.bindings;
        int b = bindings.findInside(proto, inside, port);
        if (b != Bindings.NONE && bindings.outside[b] != address) {
            counters.increment(Counter.DROP_INBOUND_CONFLICT);
            return FlowTable.REFUSED;
        }
        if (b != Bindings.NONE) {
            int s = flows.sessions.find(b, source, sourcePort);
            if (s != Sessions.NONE) {
                return s;
            }
        }
        return session(b, proto, inside, port, address, source, sourcePort, TcpState.initial(tcpFlags, false),
                false);
    }

    /** A new session with a remote on binding {@code b}, or on a new binding of the host's address when NONE. */
    private int session(int b, int proto, int inside, int port, int address, int remote, int remotePort,
            int tcpState, boolean outbound) {
        if (!flows.admit(inside, b)) {
            return FlowTable.REFUSED;
        }
        if (b == Bindings.NONE) {
            b = flows.bindings.createStatic(proto, inside, port, address);
            if (b < 0) {
                counters.increment(Counter.DROP_LIMIT_TOTAL);
                return FlowTable.REFUSED;
            }
        }
        return flows.newSession(b, remote, remotePort, tcpState, null, outbound);
    }

    /**
     * The session on port {@code port} of outside address {@code address} (the gateway's or a 1:1
     * host's) with a remote endpoint, or NONE: what an ICMP error about a datagram sent from there
     * belongs to.
     */
    int sessionAt(int proto, int address, int port, int remoteAddress, int remotePort) {
        if (address == config.outsideAddress) {
            return flows.sessionOnPort(proto, port, remoteAddress, remotePort);
        }
        int inside = rules.insideOf(address);
        Bindings bindings = flows.bindings;
        int b = inside == 0 ? Bindings.NONE : bindings.findInside(proto, inside, port);
        return b == Bindings.NONE || bindings.outside[b] != address ? FlowTable.NONE
                : flows.sessions.find(b, remoteAddress, remotePort);
    }
}
