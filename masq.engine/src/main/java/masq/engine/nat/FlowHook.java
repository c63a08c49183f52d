package masq.engine.nat;

import masq.engine.packet.PacketBuffer;

/**
 * Where a later layer (the helper registry) attaches a protocol helper to mappings. Called on the
 * engine thread; implementations must not block and must not throw (the translator catches and
 * counts {@code drop.hook} if one does anyway).
 */
public interface FlowHook {
    /** The value of {@link #mappingCreated} for "no helper". */
    int NO_HELPER = -1;

    /**
     * A session was created. Returns the helper index to keep in the mapping's slot, or
     * {@link #NO_HELPER}; only mappings with a helper get {@link #payload} calls.
     *
     * @param mapping the mapping number, valid until {@link #mappingRemoved}
     * @param protocol the IP protocol number
     * @param gatewayPort the outside port (ICMP: identifier)
     */
    int mappingCreated(int mapping, long id, int protocol, int insideAddress, int insidePort, int remoteAddress,
            int remotePort, int gatewayPort);

    /** A mapping with a helper ended (expired or flushed); its number may be reused after this. */
    void mappingRemoved(int mapping, long id, int helper);

    /**
     * A translated TCP or UDP packet with payload of a mapping with a helper. The headers are
     * already rewritten for the next hop. The hook may edit the packet (keeping it valid,
     * checksums included, and within the buffer's capacity).
     *
     * @return true to forward the packet, false to drop it
     */
    boolean payload(int mapping, int helper, boolean outbound, PacketBuffer packet, int payloadOffset,
            int payloadLength);

    /** The hook that attaches nothing. */
    FlowHook NONE = new FlowHook() {
        @Override
        public int mappingCreated(int mapping, long id, int protocol, int insideAddress, int insidePort,
                int remoteAddress, int remotePort, int gatewayPort) {
            return NO_HELPER;
        }

        @Override
        public void mappingRemoved(int mapping, long id, int helper) {
        }

        @Override
        public boolean payload(int mapping, int helper, boolean outbound, PacketBuffer packet, int payloadOffset,
                int payloadLength) {
            return true;
        }
    };
}
