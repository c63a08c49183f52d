package masq.engine.nat;

/**
 * A source of mappings for inbound packets that no mapping admits: helper expectations and port
 * forwards in later issues. Sources are consulted in order before the packet is dropped as
 * {@code drop.inbound.no-mapping}. Called on the engine thread; must not block or throw.
 */
public interface InboundSource {
    /**
     * Offered an unmatched inbound packet. To accept it, fill {@code target} with the inside
     * endpoint and return true: the engine then creates the mapping with {@code gatewayPort} as its
     * outside port (the port must be free or reserved through {@link Translator#reservePort}; the
     * mapping owns it from then on) and translates the packet through it.
     *
     * @param protocol the IP protocol number
     * @param gatewayPort the destination port on the outside address (ICMP: identifier)
     */
    boolean offer(int protocol, int remoteAddress, int remotePort, int gatewayPort, InboundTarget target);

    /**
     * An inside endpoint is about to get a new session, for a packet to {@code remoteAddress} and
     * {@code remotePort}: the gateway port this source reserved for it, or -1. A helper's expectation of the server's
     * RTP and RTCP to the client's ports is such a reservation: the client's own packets from those
     * ports (RTCP receiver reports, NAT punches) must leave from the same gateway ports, or the
     * server's would meet a binding on other ports ({@code drop.inbound.source-conflict}). The
     * engine then creates the binding on that port, and the new mapping is offered to the hook as
     * the one the reservation was for. A port the endpoint's own binding holds (a helper let the
     * remote join the master's port) makes the session join that binding. A reservation an existing
     * binding on another port makes moot is ignored. The default reserves nothing.
     */
    default int reservedFor(int protocol, int insideAddress, int insidePort, int remoteAddress, int remotePort) {
        return -1;
    }

    /** The inside endpoint an {@link InboundSource} chose; reused, engine thread only. */
    final class InboundTarget {
        /** The inside host to forward to. */
        public int insideAddress;
        /** The inside port (ICMP: identifier). */
        public int insidePort;
        /** The name of the helper configuration assigns to the new connection (a forward's), or null. */
        public String helper;

        /** Sets all three fields. */
        public void set(int address, int port, String helperName) {
            insideAddress = address;
            insidePort = port;
            helper = helperName;
        }
    }
}
