package masq.engine.nat;

import masq.engine.packet.TcpHeader;

/**
 * The mapping state as one unit: bindings, their sessions, the per-host counts, the limits and
 * the expiry. Lookups return a session number; failures return a negative code after counting.
 * Limits are checked before anything is created, and nothing live is ever evicted to make room
 * (RFC 6888 REQ-11): at a limit the new flow is refused.
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
     * Room for bindings on explicit ports outside the masq range (port forwards, expectations).
     * Allocated bindings can never outnumber the range's ports per protocol, so the binding table
     * is sized by the range, not by the mapping limit: this keeps memory per mapping low.
     */
    static final int EXPLICIT_PORT_BINDINGS = 4096;

    final Bindings bindings;
    final Sessions sessions;
    private final HostCounts hosts;
    private final Counters counters;
    private final EngineConfig config;
    private Timeouts timeouts;
    private FlowHook hook = FlowHook.NONE;

    FlowTable(EngineConfig config, Counters counters, int startSeconds) {
        this.config = config;
        this.counters = counters;
        this.timeouts = config.timeouts;
        int rangeBindings = Protocols.COUNT * (config.portHigh - config.portLow + 1 + EXPLICIT_PORT_BINDINGS);
        bindings = new Bindings(Math.min(config.maxMappings, rangeBindings), config.outsideAddress, config.portLow,
                config.portHigh);
        sessions = new Sessions(config.maxMappings, startSeconds);
        hosts = new HostCounts(config.maxHosts);
    }

    void setHook(FlowHook value) {
        hook = value;
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

    /** The session for an outbound packet, created if needed; or REFUSED. */
    int outbound(int proto, int source, int sourcePort, int destination, int destinationPort, int tcpFlags) {
        int b = bindings.findInside(proto, source, sourcePort);
        if (b != NONE) {
            int s = sessions.find(b, destination, destinationPort);
            if (s != NONE) {
                return s;
            }
        }
        if (!admit(source)) {
            return REFUSED;
        }
        if (b == NONE) {
            b = bindings.create(proto, source, sourcePort, -1);
            if (b < 0) {
                counters.increment(b == Bindings.ERROR_NO_PORT ? Counter.portsExhausted(proto)
                        : Counter.DROP_LIMIT_TOTAL);
                return REFUSED;
            }
        }
        return newSession(b, destination, destinationPort, TcpState.initial(tcpFlags, true), FlowHook.NO_HELPER,
                true);
    }

    /** The session for an inbound packet to {@code gatewayPort}: existing, admitted by the filter, or not. */
    int inbound(int proto, int gatewayPort, int source, int sourcePort, int tcpFlags) {
        int b = bindings.findByPort(proto, gatewayPort);
        if (b == NONE) {
            return NONE;
        }
        int s = sessions.find(b, source, sourcePort);
        if (s != NONE) {
            return s;
        }
        if (!admits(b, source)) {
            return FILTERED;
        }
        if (!admit(bindings.insideAddress[b])) {
            return REFUSED;
        }
        return newSession(b, source, sourcePort, TcpState.initial(tcpFlags, false), FlowHook.NO_HELPER, false);
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
        int b = bindings.findInside(proto, target.insideAddress, target.insidePort);
        if (b != NONE && bindings.masqPort[b] != gatewayPort) {
            counters.increment(Counter.DROP_INBOUND_CONFLICT);
            return REFUSED;
        }
        if (!admit(target.insideAddress)) {
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

    /** True if a new session of {@code host} is within every limit; counts the refusal otherwise. */
    private boolean admit(int host) {
        if (sessions.full() || sessions.count() >= config.maxMappings) {
            counters.increment(Counter.DROP_LIMIT_TOTAL);
            return false;
        }
        if (hosts.sessions(host) >= config.maxMappingsPerHost) {
            counters.increment(Counter.DROP_LIMIT_HOST);
            return false;
        }
        if (!hosts.canTrack(host)) {
            counters.increment(Counter.DROP_LIMIT_HOSTS);
            return false;
        }
        return true;
    }

    private int newSession(int b, int address, int port, int tcpState, int helper, boolean outbound) {
        int proto = bindings.protocol[b];
        int s = sessions.create(b, address, port, now() + timeout(proto, tcpState), bindings);
        sessions.tcpState[s] = (byte) tcpState;
        hosts.increment(bindings.insideAddress[b]);
        counters.increment(Counter.MAPPINGS_CREATED);
        sessions.helper[s] = helper != FlowHook.NO_HELPER ? helper
                : hook.mappingCreated(s, sessions.id[s], Protocols.ipProtocol(proto), outbound,
                        bindings.insideAddress[b], bindings.insidePort[b], address, port, bindings.masqPort[b]);
        return s;
    }

    /** Records a packet on session {@code s}: TCP state and expiry. */
    void refresh(int s, int tcpFlags, boolean outbound) {
        int proto = bindings.protocol[sessions.binding[s]];
        int state = sessions.tcpState[s];
        if (proto == Protocols.TCP) {
            state = TcpState.next(state, tcpFlags, outbound);
            sessions.tcpState[s] = (byte) state;
        }
        sessions.wheel.touch(s, now() + timeout(proto, state));
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
        sessions.remove(s, bindings);
        hosts.decrement(bindings.insideAddress[b]);
        if (bindings.firstSession[b] == Bindings.NONE) {
            bindings.remove(b);
        }
        if (helper != FlowHook.NO_HELPER) {
            hook.mappingRemoved(s, id, helper);
        }
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
