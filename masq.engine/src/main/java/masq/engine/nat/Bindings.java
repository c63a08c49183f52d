package masq.engine.nat;

import java.util.Arrays;
import masq.engine.packet.Checksum;

/**
 * The mappings: by default endpoint-independent (RFC 4787 REQ-1, RFC 5382 REQ-1, RFC 5508
 * REQ-1a), one per inside (protocol, address, port or ICMP id); under a dependent {@link Mapping}
 * several per inside endpoint, one per remote, found by {@link #nextInside}. Each owns one gateway
 * port of its protocol exclusively. Two keys: the inside tuple through an {@link OpenIndex}, the gateway port through a
 * direct table (the gateway's outside address is single, so the port alone is the outside tuple). A
 * host under 1:1 static NAT ({@link StaticNat}) has its bindings on its own outside address with its
 * own ports: they hold no gateway port and are found by the inside tuple alone.
 *
 * <p>The gateway port of a new binding is chosen as {@link PortAllocation} says: by default the
 * inside port itself when it is free on the outside address (RFC 4787 §4.2.1 allows it; Linux's
 * NAT does the same), inside the masq range or not. A host's ports then map to the same gateway
 * ports connection after connection, so a server keeps seeing the 4-tuples it saw: modern stacks
 * pick a random TCP timestamp offset per 4-tuple, and a server still holding a TIME_WAIT for a
 * gateway port that another inside connection used refuses the new SYN by PAWS (RFC 7323 §5), which
 * costs the client a 1 s SYN retransmission; and a game or peer-to-peer program that announces its
 * own port keeps it. Otherwise, and under {@code sequential}, the next free port of the cycle, so a
 * port just freed is the last one reused (RFC 6888 REQ-8; tracked TCP is exempt from its delay;
 * {@code preserve} gives a freed port back to the next host asking for that very port, as Linux
 * does); under {@code random}, a random one. UDP keeps its parity (RFC 4787 REQ-4), and ports
 * below 1024 stay below 1024 (REQ-3a; for TCP too, where rsh and rlogin rely on it), in a pool of
 * their own.
 *
 * <p>Engine thread only. Fixed memory: every array is sized at construction.
 */
final class Bindings {
    static final int NONE = -1;
    static final int ERROR_NO_PORT = -2;
    static final int ERROR_FULL = -3;
    static final int ERROR_PORT_TAKEN = -4;
    private static final int PORTS = 65536;
    /** Inside ports below this get a gateway port from 1 up to it; the others from 600 to 1023 (as Linux). */
    static final int PRIVILEGED_SPLIT = 512;
    static final int PRIVILEGED_HIGH_FROM = 600;

    final byte[] protocol;
    final int[] insideAddress;
    final char[] insidePort;
    final char[] masqPort;
    /**
     * The outside address the binding translates to: the gateway's, or for a host under 1:1 static
     * NAT ({@link StaticNat}) its own, on which the binding keeps the inside port and holds no port
     * of the gateway's.
     */
    final int[] outside;
    /** Outbound header-checksum delta of the address change, computed once at creation. */
    final int[] ipDelta;
    /** Outbound transport-checksum delta: address and port for TCP/UDP, identifier only for ICMP. */
    final int[] l4Delta;
    /** Head of the list of this binding's sessions ({@link Sessions}), NONE when idle. */
    final int[] firstSession;
    private final int[] nextFree;
    private int freeHead;
    private int count;
    private final int[] countPerProtocol = new int[Protocols.COUNT];
    private final OpenIndex insideIndex;
    /**
     * The binding that owns each gateway port, per protocol; NONE when the port has none. A
     * forwarded port ({@link #reserveForward}) may have several, one per inside server, chained
     * through {@link #nextOnPort}.
     */
    private final int[][] byPort = new int[Protocols.COUNT][PORTS];
    private final int[] nextOnPort;
    /** The ports port forwards hold, per protocol: never given to an outbound mapping. */
    private final long[][] forwarded = new long[Protocols.COUNT][PORTS / 64];
    private final PortAllocator[] ports = new PortAllocator[Protocols.COUNT];
    /** Gateway ports below 1024 for inside ports below 1024 (RFC 4787 REQ-3a), per protocol: 1-511, 600-1023. */
    private final PortAllocator[] low = new PortAllocator[Protocols.COUNT];
    private final PortAllocator[] high = new PortAllocator[Protocols.COUNT];
    private final int outsideAddress;
    private final Counters counters;
    private final PortRandom random = new PortRandom();
    private PortAllocation allocation;

    Bindings(int capacity, int outsideAddress, int portLow, int portHigh, PortAllocation allocation,
            Counters counters) {
        this.allocation = allocation;
        this.counters = counters;
        protocol = new byte[capacity];
        insideAddress = new int[capacity];
        insidePort = new char[capacity];
        masqPort = new char[capacity];
        outside = new int[capacity];
        ipDelta = new int[capacity];
        l4Delta = new int[capacity];
        firstSession = new int[capacity];
        nextOnPort = new int[capacity];
        nextFree = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            nextFree[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        insideIndex = new OpenIndex(capacity);
        for (int p = 0; p < Protocols.COUNT; p++) {
            Arrays.fill(byPort[p], NONE);
            ports[p] = new PortAllocator(portLow, portHigh);
            low[p] = new PortAllocator(1, PRIVILEGED_SPLIT - 1);
            high[p] = new PortAllocator(PRIVILEGED_HIGH_FROM, EngineConfig.MIN_PORT - 1);
        }
        this.outsideAddress = outsideAddress;
    }

    int count() {
        return count;
    }

    int count(int protocolIndex) {
        return countPerProtocol[protocolIndex];
    }

    int freePorts(int protocolIndex) {
        return ports[protocolIndex].free();
    }

    /**
     * The binding of an inside endpoint, or NONE. With a dependent {@link Mapping} an endpoint may
     * have several: this is the first, {@link #nextInside} walks them all.
     */
    int findInside(int proto, int address, int port) {
        int slot = nextInside(proto, address, port, NONE);
        return slot == NONE ? NONE : insideIndex.entryAt(slot);
    }

    /**
     * The index slot of the next binding of an inside endpoint after slot {@code after} (NONE: from
     * the start), or NONE; {@link #bindingAt} gives its binding. Bindings of one endpoint share a
     * hash, so they lie on one probe sequence.
     */
    int nextInside(int proto, int address, int port, int after) {
        int hash = OpenIndex.hash(proto, address, port);
        for (int i = after == NONE ? insideIndex.first(hash) : insideIndex.next(after); ; i = insideIndex.next(i)) {
            int b = insideIndex.entryAt(i);
            if (b < 0) {
                return NONE;
            }
            if (insideIndex.hashAt(i) == hash && insideAddress[b] == address && insidePort[b] == port
                    && protocol[b] == proto) {
                return i;
            }
        }
    }

    /** The binding in index slot {@code slot} from {@link #nextInside}. */
    int bindingAt(int slot) {
        return insideIndex.entryAt(slot);
    }

    /** The binding owning a gateway port (the first, for a forwarded port), or NONE. */
    int findByPort(int proto, int port) {
        return byPort[proto][port];
    }

    /** The next binding on binding {@code b}'s gateway port (a forwarded port's next server), or NONE. */
    int nextOnPort(int b) {
        return nextOnPort[b];
    }

    /** True if a port forward holds {@code port}. */
    boolean isForwarded(int proto, int port) {
        return (forwarded[proto][port >>> 6] & (1L << port)) != 0;
    }

    /**
     * Holds {@code port} for a port forward: no outbound mapping is given it from now on, and
     * bindings for the forward's servers may share it. A mapping that has it already keeps it, and
     * shares it with them until it ends.
     */
    void reserveForward(int proto, int port) {
        if (isForwarded(proto, port)) {
            return;
        }
        PortAllocator pool = poolOf(proto, port);
        if (pool != null && byPort[proto][port] == NONE) {
            pool.claim(port); // false if a helper reserved it: that reservation's binding will share it
        }
        forwarded[proto][port >>> 6] |= 1L << port;
    }

    /** Gives a forwarded port back; bindings still on it keep it until they end. */
    void releaseForward(int proto, int port) {
        if (!isForwarded(proto, port)) {
            return;
        }
        forwarded[proto][port >>> 6] &= ~(1L << port);
        PortAllocator pool = poolOf(proto, port);
        if (pool != null && byPort[proto][port] == NONE) {
            pool.release(port);
        }
    }

    /**
     * A new binding for an inside endpoint, with an allocated port ({@code explicitPort} -1) or the
     * given one (port forwards, expectations: it may be reserved but must have no binding).
     * Returns the binding or an ERROR code.
     */
    int create(int proto, int address, int port, int explicitPort) {
        if (freeHead == NONE) {
            return ERROR_FULL;
        }
        int gatewayPort;
        if (explicitPort < 0) {
            gatewayPort = choose(proto, port);
            if (gatewayPort < 0) {
                return ERROR_NO_PORT;
            }
        } else {
            if (explicitPort >= PORTS
                    || byPort[proto][explicitPort] != NONE && !isForwarded(proto, explicitPort)) {
                return ERROR_PORT_TAKEN;
            }
            PortAllocator pool = poolOf(proto, explicitPort);
            if (pool != null && !isForwarded(proto, explicitPort)) {
                pool.claim(explicitPort);
            }
            gatewayPort = explicitPort;
        }
        int b = take(proto, address, port, gatewayPort, outsideAddress);
        nextOnPort[b] = byPort[proto][gatewayPort];
        byPort[proto][gatewayPort] = b;
        return b;
    }

    /**
     * A new binding of a host under 1:1 static NAT on its own outside address {@code staticAddress}:
     * the inside port is kept and no gateway port is held. Returns the binding or {@link #ERROR_FULL}.
     */
    int createStatic(int proto, int address, int port, int staticAddress) {
        return freeHead == NONE ? ERROR_FULL : take(proto, address, port, port, staticAddress);
    }

    /** True if binding {@code b} is on a 1:1 NAT host's own address. */
    boolean isStatic(int b) {
        return outside[b] != outsideAddress;
    }

    private int take(int proto, int address, int port, int gatewayPort, int outsideAddr) {
        int b = freeHead;
        freeHead = nextFree[b];
        fill(b, proto, address, port, gatewayPort, outsideAddr);
        insideIndex.insert(OpenIndex.hash(proto, address, port), b);
        count++;
        countPerProtocol[proto]++;
        return b;
    }

    private void fill(int b, int proto, int address, int port, int gatewayPort, int outsideAddr) {
        protocol[b] = (byte) proto;
        insideAddress[b] = address;
        insidePort[b] = (char) port;
        masqPort[b] = (char) gatewayPort;
        outside[b] = outsideAddr;
        firstSession[b] = NONE;
        ipDelta[b] = Checksum.delta32(address, outsideAddr);
        int portDelta = Checksum.delta16(port, gatewayPort);
        l4Delta[b] = proto == Protocols.ICMP ? portDelta : ipDelta[b] + portDelta;
    }

    /** True if binding {@code b}'s port is from the masq range (freeing it gives the allocator a port). */
    boolean inRange(int b) {
        return !isStatic(b) && ports[protocol[b]].inRange(masqPort[b]);
    }

    /** Applies to bindings made from now on. */
    void setAllocation(PortAllocation value) {
        allocation = value;
    }

    PortAllocation allocation() {
        return allocation;
    }

    /** The gateway port for a new binding of inside {@code port}, now in use, by {@link #allocation}; or -1. */
    private int choose(int proto, int port) {
        if (allocation == PortAllocation.PRESERVE && port != 0 && isFree(proto, port)) {
            PortAllocator pool = poolOf(proto, port);
            if (pool != null) {
                pool.claim(port);
            }
            return port;
        }
        if (proto == Protocols.ICMP) {
            return take(ports[proto], PortAllocator.ANY);
        }
        int parity = proto == Protocols.UDP ? port & 1 : PortAllocator.ANY;
        if (port != 0 && port < EngineConfig.MIN_PORT) {
            int p = take(port < PRIVILEGED_SPLIT ? low[proto] : high[proto], parity);
            if (p >= 0) {
                return p;
            }
            counters.increment(Counter.PORTS_PRIVILEGED_LOST);
        }
        int p = take(ports[proto], parity);
        if (p < 0) {
            p = take(ports[proto], PortAllocator.ANY);
            if (p >= 0) {
                counters.increment(Counter.PORTS_PARITY_LOST);
            }
        }
        return p;
    }

    private int take(PortAllocator pool, int parity) {
        return allocation == PortAllocation.RANDOM ? pool.allocateFrom(random.next(), parity) : pool.allocate(parity);
    }

    /** True if no binding holds {@code port}, no forward holds it, and no pool has it in use (reserved). */
    private boolean isFree(int proto, int port) {
        if (byPort[proto][port] != NONE || isForwarded(proto, port)) {
            return false;
        }
        PortAllocator pool = poolOf(proto, port);
        return pool == null || !pool.isUsed(port);
    }

    /** The pool {@code port} belongs to, or null for one that is in none (above 1023, off the masq range; 0; 512-599). */
    private PortAllocator poolOf(int proto, int port) {
        if (ports[proto].inRange(port)) {
            return ports[proto];
        }
        if (proto == Protocols.ICMP) {
            return null;
        }
        return low[proto].inRange(port) ? low[proto] : high[proto].inRange(port) ? high[proto] : null;
    }

    /** Frees a binding and its port. */
    void remove(int b) {
        int proto = protocol[b];
        insideIndex.remove(OpenIndex.hash(proto, insideAddress[b], insidePort[b]), b);
        nextFree[b] = freeHead;
        freeHead = b;
        count--;
        countPerProtocol[proto]--;
        if (isStatic(b)) {
            return;
        }
        int port = masqPort[b];
        if (byPort[proto][port] == b) {
            byPort[proto][port] = nextOnPort[b];
        } else {
            int before = byPort[proto][port];
            while (nextOnPort[before] != b) {
                before = nextOnPort[before];
            }
            nextOnPort[before] = nextOnPort[b];
        }
        PortAllocator pool = poolOf(proto, port);
        if (pool != null && byPort[proto][port] == NONE && !isForwarded(proto, port)) {
            pool.release(port);
        }
    }

    /**
     * Takes a free in-range port for later use by {@link #create} with that port, or -1; chosen by
     * {@link #allocation} (sequential or random), of {@code parity} ({@link PortAllocator#ANY}, or
     * that of the inside port it will serve) when one is free, of either otherwise.
     */
    int reservePort(int proto, int parity) {
        int port = take(ports[proto], parity);
        return port < 0 && parity != PortAllocator.ANY ? take(ports[proto], PortAllocator.ANY) : port;
    }

    /** Takes the given in-range port if it is free; false otherwise. */
    boolean reserveSpecificPort(int proto, int port) {
        PortAllocator allocator = ports[proto];
        return port >= 0 && port < PORTS && allocator.inRange(port) && byPort[proto][port] == NONE
                && allocator.claim(port);
    }

    /** Takes two consecutive free in-range ports, the first even; the first, or -1. */
    int reservePortPair(int proto) {
        return ports[proto].allocatePair();
    }

    /** Returns a reserved port that no binding took. */
    void releaseReservedPort(int proto, int port) {
        if (port >= 0 && port < PORTS && byPort[proto][port] == NONE && ports[proto].inRange(port)
                && !isForwarded(proto, port)) {
            ports[proto].release(port);
        }
    }
}
