package masq.engine.nat;

import java.util.Arrays;
import masq.engine.packet.Checksum;

/**
 * The mappings: by default endpoint-independent (RFC 4787 REQ-1, RFC 5382 REQ-1, RFC 5508
 * REQ-1a), one per inside (protocol, address, port or ICMP id); under a dependent {@link Mapping}
 * several per inside endpoint, one per remote, found by {@link #nextInside}. Each owns one gateway
 * port of its protocol exclusively. Two keys: the inside tuple through an {@link OpenIndex}, the gateway port through a
 * direct table (the outside address is single, so the port alone is the outside tuple).
 *
 * <p>Port preservation for TCP: a new TCP mapping keeps the inside port when it is in the masq
 * range and free (RFC 4787 §4.2.1 allows it; Linux's NAT does the same), and takes the next port
 * of the cycle otherwise. A host's ports then map to the same gateway ports connection after
 * connection, so a server keeps seeing the 4-tuples it saw: modern stacks pick a random TCP
 * timestamp offset per 4-tuple, and a server still holding a TIME_WAIT for a gateway port that
 * another inside connection used refuses the new SYN by PAWS (RFC 7323 §5), which costs the
 * client a 1 s SYN retransmission. UDP and ICMP ports always come from the cycle, so a port just
 * freed is the last one reused (RFC 6888 REQ-8; tracked TCP is exempt from its delay).
 *
 * <p>Engine thread only. Fixed memory: every array is sized at construction.
 */
final class Bindings {
    static final int NONE = -1;
    static final int ERROR_NO_PORT = -2;
    static final int ERROR_FULL = -3;
    static final int ERROR_PORT_TAKEN = -4;
    private static final int PORTS = 65536;

    final byte[] protocol;
    final int[] insideAddress;
    final char[] insidePort;
    final char[] masqPort;
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
    /** The binding that owns each gateway port, per protocol; NONE when the port has none. */
    private final int[][] byPort = new int[Protocols.COUNT][PORTS];
    private final PortAllocator[] ports = new PortAllocator[Protocols.COUNT];
    private final int outsideAddress;

    Bindings(int capacity, int outsideAddress, int portLow, int portHigh) {
        protocol = new byte[capacity];
        insideAddress = new int[capacity];
        insidePort = new char[capacity];
        masqPort = new char[capacity];
        ipDelta = new int[capacity];
        l4Delta = new int[capacity];
        firstSession = new int[capacity];
        nextFree = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            nextFree[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        insideIndex = new OpenIndex(capacity);
        for (int p = 0; p < Protocols.COUNT; p++) {
            Arrays.fill(byPort[p], NONE);
            ports[p] = new PortAllocator(portLow, portHigh);
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

    /** The binding owning a gateway port, or NONE. */
    int findByPort(int proto, int port) {
        return byPort[proto][port];
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
        PortAllocator allocator = ports[proto];
        int gatewayPort;
        if (explicitPort < 0 && proto == Protocols.TCP && allocator.inRange(port) && allocator.claim(port)) {
            gatewayPort = port; // port preservation, see the class comment
        } else if (explicitPort < 0) {
            gatewayPort = allocator.allocate();
            if (gatewayPort < 0) {
                return ERROR_NO_PORT;
            }
        } else {
            if (explicitPort >= PORTS || byPort[proto][explicitPort] != NONE) {
                return ERROR_PORT_TAKEN;
            }
            if (allocator.inRange(explicitPort)) {
                allocator.claim(explicitPort);
            }
            gatewayPort = explicitPort;
        }
        int b = freeHead;
        freeHead = nextFree[b];
        fill(b, proto, address, port, gatewayPort);
        insideIndex.insert(OpenIndex.hash(proto, address, port), b);
        byPort[proto][gatewayPort] = b;
        count++;
        countPerProtocol[proto]++;
        return b;
    }

    private void fill(int b, int proto, int address, int port, int gatewayPort) {
        protocol[b] = (byte) proto;
        insideAddress[b] = address;
        insidePort[b] = (char) port;
        masqPort[b] = (char) gatewayPort;
        firstSession[b] = NONE;
        ipDelta[b] = Checksum.delta32(address, outsideAddress);
        int portDelta = Checksum.delta16(port, gatewayPort);
        l4Delta[b] = proto == Protocols.ICMP ? portDelta : ipDelta[b] + portDelta;
    }

    /** True if binding {@code b}'s port is from the masq range (freeing it gives the allocator a port). */
    boolean inRange(int b) {
        return ports[protocol[b]].inRange(masqPort[b]);
    }

    /** Frees a binding and its port. */
    void remove(int b) {
        int proto = protocol[b];
        insideIndex.remove(OpenIndex.hash(proto, insideAddress[b], insidePort[b]), b);
        byPort[proto][masqPort[b]] = NONE;
        if (ports[proto].inRange(masqPort[b])) {
            ports[proto].release(masqPort[b]);
        }
        nextFree[b] = freeHead;
        freeHead = b;
        count--;
        countPerProtocol[proto]--;
    }

    /** Takes a free in-range port for later use by {@link #create} with that port, or -1. */
    int reservePort(int proto) {
        return ports[proto].allocate();
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
        if (port >= 0 && port < PORTS && byPort[proto][port] == NONE && ports[proto].inRange(port)) {
            ports[proto].release(port);
        }
    }
}
