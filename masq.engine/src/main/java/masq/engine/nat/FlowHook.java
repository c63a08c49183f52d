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

    /**
     * A session was created, with its direction: {@code outbound} when an inside host's packet
     * created it, false when an inbound packet did (a new remote on an existing binding, or an
     * {@link InboundSource}); {@code assigned}: the helper configuration names for it (a port
     * forward's {@code helper}), or null. The default ignores both and calls the method above.
     */
    default int mappingCreated(int mapping, long id, int protocol, boolean outbound, String assigned,
            int insideAddress, int insidePort, int remoteAddress, int remotePort, int gatewayPort) {
        return mappingCreated(mapping, id, protocol, insideAddress, insidePort, remoteAddress, remotePort,
                gatewayPort);
    }

    /**
     * A mapping with a helper ended (expired or flushed); its number may be reused after this. A
     * closed TCP session that a new SYN reopens ends here too, and is then created again under a
     * new id on the same number.
     */
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

    /**
     * Every translated TCP segment of a mapping with a helper, payload or not, after
     * {@link #payload} (which sees the sender's original sequence numbers): the place to shift
     * sequence and acknowledgment numbers and SACK blocks. Headers are already rewritten; the hook
     * keeps the checksum valid. The default does nothing.
     *
     * @param transportOffset where the TCP header starts in {@code packet.data}
     */
    default void tcpSegment(int mapping, int helper, boolean outbound, PacketBuffer packet, int transportOffset) {
    }

    /**
     * An ICMP error quoting a TCP segment of a mapping with a helper is being translated (RFC 5508
     * REQ-4): the quoted sequence and acknowledgment numbers are still those on the far side of the
     * gateway; the hook reverts them to the receiver's numbering and keeps the quoted checksum right
     * if it was quoted. The ICMP checksum is recomputed afterwards. The default does nothing.
     *
     * @param quotedOutbound  whether the quoted segment had travelled outbound
     * @param quotedTcp       where the quoted TCP header starts in {@code b}
     * @param quotedLength    how many bytes of it are quoted (at least 8)
     */
    default void icmpQuote(int mapping, int helper, boolean quotedOutbound, byte[] b, int quotedTcp,
            int quotedLength) {
    }

    /**
     * Asked when a mapping with a helper is about to expire: true keeps it for another timeout
     * (a master connection whose related connections still live). The default keeps nothing.
     */
    default boolean keepAlive(int mapping, int helper) {
        return false;
    }

    /**
     * A packet the hook made in answer to the last one it was shown, to go back where that one came
     * from (the message layer acknowledging bytes it holds back): writes it into {@code out} and
     * returns true, or returns false when there is none. Polled after each forwarded packet through
     * {@link Translator#pollReleased}. The default makes none.
     */
    default boolean pollGenerated(PacketBuffer out) {
        return false;
    }

    /** The engine clock reached {@code nowSeconds} (called at most once a second): expire timed state. */
    default void tick(int nowSeconds) {
    }

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
