package masq.engine.nat;

import masq.engine.packet.TcpHeader;

/**
 * The mapping state as one unit: bindings, their sessions, the per-host counts, the limits and
 * the expiry. Lookups return a session number; failures return a negative code after counting.
 * Limits are checked before anything is created, and nothing live is ever evicted to make room
 * (RFC 6888 REQ-11): at a limit the new flow is refused.
 *
 * <p>One exception: a closed TCP session (both FINs or an RST seen, {@link TcpState#closed}) is no
 * longer live. When the range has no free port, the least recently used TCP binding whose sessions
 * are all closed is reclaimed for the new flow; at the session limit (total, or per host: then one
 * of that host's own) the least recently used closed session is. Each is counted as
 * {@code tcp.reclaimed.closed}. The RFCs allow it: RFC 5382 REQ-5's 4 min transitory idle-timeout
 * bounds abandoning a session whose endpoints may still be active (partially open or half-closed:
 * those are never reclaimed); RFC 6888 REQ-8 exempts TCP from its 120 s port-reuse delay when the
 * NAT tracks TCP state; RFC 7857 §2.2's 4 min after an RST is a SHOULD that masq keeps whenever a
 * port is free. Linux reaches the same end by reopening conntracks in TIME_WAIT and CLOSE. Sessions
 * with a helper are never reclaimed (a master outlives its related connections).
 *
 * <p>Engine thread only.
 */
final class FlowTable implements TimerWheel.Expiry {
    static final int NONE = -1;
    /** Refused by a limit or port exhaustion; the reason is counted. */
    static final int REFUSED = -2;
    /** A binding exists but its filter does not admit the remote endpoint. */
    static final int FILTERED = -3;
    /**
     * Bindings can never outnumber the gateway's ports per protocol (each holds one exclusively, in
     * the masq range, preserved outside it, or explicit), so the binding table is sized by that, not
     * by the mapping limit, which may be far larger: this keeps memory per mapping low.
     */
    static final int PORTS_PER_PROTOCOL = 65535;

    final Bindings bindings;
    final Sessions sessions;
    /** TCP sessions that are closed, least recently used first: the reclaim candidates. */
    private final ClosedSessions closed;
    private final HostCounts hosts;
    private final Counters counters;
    private final EngineConfig config;
    private Timeouts timeouts;
    private FlowHook hook = FlowHook.NONE;
    /** Asked for a port reserved for an inside endpoint before its first binding is made. */
    private InboundSource[] reservations = new InboundSource[0];
    /** The 1:1 static NAT hosts' flows. */
    final StaticFlows statics;

    FlowTable(EngineConfig config, Counters counters, int startSeconds) {
        this.config = config;
        this.counters = counters;
        this.timeouts = config.timeouts;
        bindings = new Bindings(Math.min(config.maxMappings, Protocols.COUNT * PORTS_PER_PROTOCOL),
                config.outsideAddress, config.portLow, config.portHigh, config.allocation, counters);
        sessions = new Sessions(config.maxMappings, startSeconds);
        closed = new ClosedSessions(config.maxMappings);
        hosts = new HostCounts(config.maxHosts);
        statics = new StaticFlows(this, config, counters);
    }

    void setHook(FlowHook value) {
        hook = value;
    }

    void setInboundSources(InboundSource[] sources) {
        reservations = sources;
    }

    FlowHook hook() {
        return hook;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    /** New timeouts; live sessions take them at their next packet. */
    void setTimeouts(Timeouts value) {
        timeouts = value;
    }

    int now() {
        return sessions.wheel.now();
    }

    /** Moves the clock, expiring sessions (and bindings left without sessions). */
    void advance(int nowSeconds) {
        if (nowSeconds > now()) {
            sessions.wheel.advance(nowSeconds, this);
        }
    }

    /**
     * The session of an inside endpoint with a remote endpoint, or NONE; under a dependent
     * {@link Mapping}, or for a server behind port forwards (a binding on each forwarded port
     * besides its own), it is looked for in each of the endpoint's bindings.
     */
    int session(int proto, int address, int port, int remoteAddress, int remotePort) {
        for (int i = bindings.nextInside(proto, address, port, NONE); i != NONE;
                i = bindings.nextInside(proto, address, port, i)) {
            int s = sessions.find(bindings.bindingAt(i), remoteAddress, remotePort);
            if (s != NONE) {
                return s;
            }
        }
        return NONE;
    }

    /** The session for an outbound packet, created if needed; or REFUSED. */
    int outbound(int proto, int source, int sourcePort, int destination, int destinationPort, int tcpFlags) {
        int b;
        int staticAddress = statics.outsideOf(source);
        if (staticAddress != 0) {
            return statics.outbound(proto, source, sourcePort, destination, destinationPort, tcpFlags, staticAddress);
        }
        if (config.mapping == Mapping.ENDPOINT_INDEPENDENT) {
            int s = session(proto, source, sourcePort, destination, destinationPort);
            if (s != NONE) {
                return s;
            }
            b = bindings.findInside(proto, source, sourcePort);
        } else {
            int s = session(proto, source, sourcePort, destination, destinationPort);
            if (s != NONE) {
                return s;
            }
            b = dependentBinding(proto, source, sourcePort, destination);
        }
        int reserved = reserved(proto, source, sourcePort, destination, destinationPort);
        if (reserved >= 0) {
            int owner = bindings.findByPort(proto, reserved);
            if (owner != NONE && bindings.insideAddress[owner] == source && bindings.insidePort[owner] == sourcePort) {
                b = owner; // the port is the endpoint's own: a helper let this remote join the binding
            } else if (b != NONE || owner != NONE) {
                reserved = -1;
            }
        }
        if (!admit(source, b)) {
            return REFUSED;
        }
        if (b == NONE) {
            b = bindings.create(proto, source, sourcePort, reserved);
            if (b == Bindings.ERROR_NO_PORT && reclaimClosed(proto)) {
                b = bindings.create(proto, source, sourcePort, -1);
            }
            if (b < 0) {
                counters.increment(b == Bindings.ERROR_NO_PORT ? Counter.portsExhausted(proto)
                        : Counter.DROP_LIMIT_TOTAL);
                return REFUSED;
            }
        }
        return newSession(b, destination, destinationPort, TcpState.initial(tcpFlags, true), null, true);
    }

    /**
     * Under a dependent {@link Mapping}, the binding a new session joins: the endpoint's binding
     * already talking to {@code destination} (address-dependent), or NONE for a new binding.
     */
    private int dependentBinding(int proto, int source, int sourcePort, int destination) {
        if (config.mapping != Mapping.ADDRESS_DEPENDENT) {
            return NONE;
        }
        for (int i = bindings.nextInside(proto, source, sourcePort, NONE); i != NONE;
                i = bindings.nextInside(proto, source, sourcePort, i)) {
            if (sessions.hasAddress(bindings.bindingAt(i), destination, bindings)) {
                return bindings.bindingAt(i);
            }
        }
        return NONE;
    }

    /**
     * The gateway port an {@link InboundSource} reserved for an inside endpoint's new session with
     * a remote endpoint, or -1.
     */
    private int reserved(int proto, int source, int sourcePort, int destination, int destinationPort) {
        for (InboundSource r : reservations) {
            int port;
            try {
                port = r.reservedFor(Protocols.ipProtocol(proto), source, sourcePort, destination, destinationPort);
            } catch (RuntimeException e) {
                counters.increment(Counter.DROP_HOOK);
                port = -1;
            }
            if (port >= 0) {
                return port;
            }
        }
        return -1;
    }

    /**
     * The session on gateway port {@code gatewayPort} with a remote endpoint, or NONE: through the
     * port's binding, or on a forwarded port through each server's.
     */
    int sessionOnPort(int proto, int gatewayPort, int remoteAddress, int remotePort) {
        for (int b = bindings.findByPort(proto, gatewayPort); b != NONE; b = bindings.nextOnPort(b)) {
            int s = sessions.find(b, remoteAddress, remotePort);
            if (s != NONE) {
                return s;
            }
        }
        return NONE;
    }

    /**
     * The session for an inbound packet to {@code gatewayPort}: existing, admitted by the filter, or
     * not. A new remote on a forwarded port is for the forward to place ({@code FILTERED}: the
     * sources are asked), whatever the filter; so is a new connection there on a closed session of
     * the same remote port (a client reusing its port), which takes the forwards' next turn as
     * any new connection does instead of returning to the server its predecessor had.
     */
    int inbound(int proto, int gatewayPort, int source, int sourcePort, int tcpFlags) {
        int b = bindings.findByPort(proto, gatewayPort);
        if (b == NONE) {
            return NONE;
        }
        int s = sessionOnPort(proto, gatewayPort, source, sourcePort);
        if (s != NONE && proto == Protocols.TCP && TcpState.reopens(sessions.tcpState[s], tcpFlags)
                && bindings.isForwarded(proto, gatewayPort)) {
            counters.increment(Counter.TCP_REOPENED);
            remove(s);
            return FILTERED;
        }
        if (s != NONE) {
            return s;
        }
        if (bindings.isForwarded(proto, gatewayPort) || !admits(b, source)) {
            return FILTERED;
        }
        if (!admit(bindings.insideAddress[b], b)) {
            return REFUSED;
        }
        return newSession(b, source, sourcePort, TcpState.initial(tcpFlags, false), null, false);
    }

    private boolean admits(int b, int source) {
        switch (config.filtering) {
            case ENDPOINT_INDEPENDENT:
                return true;
            case ADDRESS_DEPENDENT:
                return sessions.hasAddress(b, source, bindings);
            default:
                return false;
        }
    }

    /**
     * A session for an inbound packet an {@link InboundSource} accepted: through the inside
     * endpoint's binding if it has one on {@code gatewayPort}, else a new binding on that port.
     */
    int claim(int proto, int gatewayPort, int source, int sourcePort, InboundSource.InboundTarget target,
            int tcpFlags) {
        int b = bindings.findByPort(proto, gatewayPort);
        while (b != NONE && (bindings.insideAddress[b] != target.insideAddress
                || bindings.insidePort[b] != target.insidePort)) {
            b = bindings.nextOnPort(b); // a forwarded port: each server has its binding on it
        }
        boolean shared = bindings.isForwarded(proto, gatewayPort);
        // a server behind a forward may have other bindings too (its own, other forwards'), as a
        // conntrack per connection lets it in Linux; other endpoints keep one under EIM
        if ((b == NONE && !shared && bindings.findByPort(proto, gatewayPort) != NONE)
                || (b == NONE && !shared && config.mapping == Mapping.ENDPOINT_INDEPENDENT
                && bindings.findInside(proto, target.insideAddress, target.insidePort) != NONE)) {
            counters.increment(Counter.DROP_INBOUND_CONFLICT);
            return REFUSED;
        }
        if (!admit(target.insideAddress, b)) {
            return REFUSED;
        }
        if (b == NONE) {
            b = bindings.create(proto, target.insideAddress, target.insidePort, gatewayPort);
            if (b < 0) {
                counters.increment(b == Bindings.ERROR_PORT_TAKEN ? Counter.DROP_INBOUND_CONFLICT
                        : Counter.DROP_LIMIT_TOTAL);
                return REFUSED;
            }
        }
        return newSession(b, source, sourcePort, TcpState.initial(tcpFlags, false), target.helper, false);
    }

    /**
     * True if a new session of {@code host} is within every limit, after reclaiming a closed TCP
     * session if that is what it takes (the host's own for the per-host limit, RFC 6888 REQ-4), but
     * never one of {@code keep}, the binding the new session will join (or NONE); counts the
     * refusal otherwise.
     */
    boolean admit(int host, int keep) {
        if ((sessions.full() || sessions.count() >= config.maxMappings) && !reclaimSession(host, false, keep)) {
            counters.increment(Counter.DROP_LIMIT_TOTAL);
            return false;
        }
        if (hosts.sessions(host) >= config.maxMappingsPerHost && !reclaimSession(host, true, keep)) {
            counters.increment(Counter.DROP_LIMIT_HOST);
            return false;
        }
        if (!hosts.canTrack(host)) {
            counters.increment(Counter.DROP_LIMIT_HOSTS);
            return false;
        }
        return true;
    }

    /** A new session of binding {@code b}; {@code helper}: the name configuration assigns, or null. */
    int newSession(int b, int address, int port, int tcpState, String helper, boolean outbound) {
        int proto = bindings.protocol[b];
        int s = sessions.create(b, address, port, now() + timeout(proto, tcpState), bindings);
        sessions.tcpState[s] = (byte) tcpState;
        hosts.increment(bindings.insideAddress[b]);
        counters.increment(Counter.MAPPINGS_CREATED);
        sessions.helper[s] = offer(s, outbound, helper);
        return s;
    }

    /** Offers new session {@code s} to the hook; returns the helper it chose, or NO_HELPER. */
    private int offer(int s, boolean outbound, String assigned) {
        int b = sessions.binding[s];
        return hook.mappingCreated(s, sessions.id[s], Protocols.ipProtocol(bindings.protocol[b]), outbound,
                assigned, bindings.insideAddress[b], bindings.insidePort[b], sessions.remoteAddress[s],
                sessions.remotePort[s], bindings.masqPort[b]);
    }

    /**
     * Records a packet on session {@code s}: TCP state and expiry. {@code l4} and {@code length}
     * locate its transport header and the length from there on. Returns false for a TCP RST or FIN
     * outside the window ({@link TcpWindow}), counted and recorded nowhere: the caller drops it.
     */
    boolean refresh(int s, byte[] b, int l4, int length, int tcpFlags, boolean outbound) {
        int proto = bindings.protocol[sessions.binding[s]];
        int state = sessions.tcpState[s];
        if (proto == Protocols.TCP) {
            int before = state;
            if (TcpState.reopens(before, tcpFlags)) {
                TcpWindow.reset(sessions.tcpWindow, s);
                renew(s, outbound);
                TcpWindow.accept(sessions.tcpWindow, s, 0, outbound, b, l4, length);
            } else if (!TcpWindow.accept(sessions.tcpWindow, s, state, outbound, b, l4, length)) {
                counters.increment(Counter.DROP_TCP_WINDOW);
                return false;
            }
            state = TcpState.next(state, tcpFlags, outbound);
            sessions.tcpState[s] = (byte) state;
            if (TcpState.closed(state)) {
                closed.touch(s);
            } else if (TcpState.closed(before)) {
                closed.remove(s);
            }
        }
        sessions.wheel.touch(s, now() + timeout(proto, state));
        return true;
    }

    /**
     * Session {@code s}, closed, carries a new connection (a SYN without ACK): as Linux kills and
     * recreates the conntrack, the old connection ends for the hook (its helper attachment, sequence
     * adjustments and expectations go) and the new one is offered to it afresh under a new id, on
     * the same binding and port. Without this a reopened connection would keep the helper of its
     * predecessor, or lack one that was installed since.
     */
    private void renew(int s, boolean outbound) {
        int helper = sessions.helper[s];
        long oldId = sessions.id[s];
        sessions.renew(s);
        if (helper != FlowHook.NO_HELPER) {
            hook.mappingRemoved(s, oldId, helper);
        }
        sessions.helper[s] = offer(s, outbound, null);
        counters.increment(Counter.TCP_REOPENED);
    }

    int timeout(int proto, int tcpState) {
        switch (proto) {
            case Protocols.TCP:
                return TcpState.established(tcpState) ? timeouts.tcpEstablishedSeconds()
                        : timeouts.tcpTransitorySeconds();
            case Protocols.UDP:
                return timeouts.udpSeconds();
            default:
                return timeouts.icmpSeconds();
        }
    }

    @Override
    public void expire(int s) {
        int helper = sessions.helper[s];
        if (helper != FlowHook.NO_HELPER && keptAlive(s, helper)) {
            int proto = bindings.protocol[sessions.binding[s]];
            sessions.wheel.touch(s, now() + timeout(proto, sessions.tcpState[s]));
            return;
        }
        counters.increment(Counter.MAPPINGS_EXPIRED);
        remove(s);
    }

    /** Asks the hook whether a master connection must outlive its timeout; a throwing hook keeps nothing. */
    private boolean keptAlive(int s, int helper) {
        try {
            return hook.keepAlive(s, helper);
        } catch (RuntimeException e) {
            counters.increment(Counter.DROP_HOOK);
            return false;
        }
    }

    /** Ends session {@code s}, and its binding if it was the last. */
    void remove(int s) {
        int b = sessions.binding[s];
        int helper = sessions.helper[s];
        long id = sessions.id[s];
        closed.remove(s);
        sessions.remove(s, bindings);
        hosts.decrement(bindings.insideAddress[b]);
        if (bindings.firstSession[b] == Bindings.NONE) {
            bindings.remove(b);
        }
        if (helper != FlowHook.NO_HELPER) {
            hook.mappingRemoved(s, id, helper);
        }
    }

    /**
     * A free gateway port of {@code proto} for an {@link InboundSource} to claim later, of
     * {@code parity} where one is free ({@link Bindings#reservePort}), reclaiming a closed TCP binding
     * if the range is exhausted; -1 when none can be had.
     */
    int reservePort(int proto, int parity) {
        int port = bindings.reservePort(proto, parity);
        if (port < 0 && reclaimClosed(proto)) {
            port = bindings.reservePort(proto, parity);
        }
        return port;
    }

    /**
     * Frees the port of the least recently used TCP binding whose sessions are all closed and carry
     * no helper ({@link ClosedSessions#reclaimableBinding}); true if one was freed. Never touches an
     * opening, established or half-closed session (see the class comment).
     */
    private boolean reclaimClosed(int proto) {
        int b = proto == Protocols.TCP ? closed.reclaimableBinding(sessions, bindings) : NONE;
        if (b == NONE) {
            return false;
        }
        while (bindings.firstSession[b] != Bindings.NONE) {
            counters.increment(Counter.TCP_RECLAIMED_CLOSED);
            remove(bindings.firstSession[b]);
        }
        return true;
    }

    /**
     * Ends the least recently used closed TCP session without a helper ({@code ownOnly}: of
     * {@code host}) and not of binding {@code keep}; true if one was ended. Its binding goes with it
     * only if it was the last session.
     */
    private boolean reclaimSession(int host, boolean ownOnly, int keep) {
        int s = closed.reclaimableSession(sessions, bindings, ownOnly ? host : 0, keep);
        if (s == NONE) {
            return false;
        }
        counters.increment(Counter.TCP_RECLAIMED_CLOSED);
        remove(s);
        return true;
    }

    /** Ends every session. */
    void flush() {
        for (int s = 0; s < sessions.capacity(); s++) {
            if (sessions.live(s)) {
                remove(s);
            }
        }
    }

    /** TCP flags of a segment, or 0 for other protocols; helper for callers. */
    static int tcpFlags(byte[] b, int l4, int proto) {
        return proto == Protocols.TCP ? TcpHeader.flags(b, l4) : 0;
    }
}
