package masq.link.pcap.ether;

/** What a side of the link counts, by name as {@code masq:stats} prints it. */
public enum LinkCounter {
    /** Frames read from the interface. */
    RX_FRAMES("rx.frames"),
    /**
     * Frames read although no wait announced them: after a wait that ended by its timeout or a
     * wake-up, or a poll without a wait. A few are normal (a frame arriving just then); many mean
     * frames waited for the engine's timeout instead of waking it, unless the gateway busy-polls
     * ({@code busy.poll}): then every frame found while polling counts here.
     */
    RX_UNANNOUNCED("rx.unannounced"),
    /** IPv4 datagrams handed to the engine. */
    IPV4_RECEIVED("rx.ipv4"),
    /** ARP packets handled. */
    ARP_RECEIVED("rx.arp"),
    /** Frames shorter than an Ethernet header, or than the ARP or IPv4 header they announce. */
    DROP_TRUNCATED("drop.eth.truncated"),
    /** Unicast frames for another MAC (seen in promiscuous mode). */
    DROP_NOT_FOR_US("drop.eth.not-for-us"),
    /** Frames from the gateway's own MAC (its own transmissions seen again). */
    DROP_OWN_SOURCE("drop.eth.own-source"),
    /** Frames whose source is a group (broadcast or multicast) address: forged. */
    DROP_GROUP_SOURCE("drop.eth.group-source"),
    /** EtherTypes other than IPv4 and ARP (IPv6, VLAN tags, LLDP, ...). */
    DROP_ETHERTYPE("drop.eth.ethertype"),
    /** Frames with EtherType IPv4 whose version is not 4. */
    DROP_IP_VERSION("drop.ip.version"),
    /** ARP with a hardware type, protocol type or lengths other than Ethernet/IPv4. */
    ARP_BAD_FORMAT("drop.arp.format"),
    /** ARP with an operation other than request or reply. */
    ARP_BAD_OP("drop.arp.op"),
    /** ARP whose sender MAC is a group address, zero, or not the frame's source MAC. */
    ARP_SPOOFED("drop.arp.spoofed"),
    /** ARP from another host claiming the gateway's own address (RFC 5227 conflict). */
    ARP_CONFLICT("drop.arp.conflict"),
    /** ARP for an address other than the gateway's (after updating a known sender). */
    ARP_NOT_FOR_US("arp.not-for-us"),
    /** ARP to the gateway from a sender outside this side's subnet: answered, not learned. */
    ARP_OFF_SUBNET("arp.off-subnet"),
    /** Replies to the gateway from neighbours it did not ask: not learned. */
    ARP_UNSOLICITED("arp.unsolicited"),
    /** Requests for the gateway's address answered. */
    ARP_REPLIES_SENT("arp.replies-sent"),
    /** Requests sent to resolve or refresh a next hop (gratuitous ones included). */
    ARP_REQUESTS_SENT("arp.requests-sent"),
    /** Neighbours added or updated from ARP. */
    ARP_LEARNED("arp.learned"),
    /** Next hops that did not answer {@link ArpCache#MAX_REQUESTS} requests. */
    ARP_FAILED("arp.failed"),
    /** Next hops not cached because the cache was full. */
    ARP_CACHE_FULL("drop.arp.cache-full"),
    /** Datagrams queued while their next hop was resolved. */
    PENDING_QUEUED("arp.pending.queued"),
    /** Datagrams dropped because their next hop's queue or the queue memory was full. */
    PENDING_OVERFLOW("drop.arp.pending-full"),
    /** Queued datagrams dropped because their next hop did not answer. */
    PENDING_UNRESOLVED("drop.arp.unresolved"),
    /** Datagrams the engine asked to send that were not framable IPv4. */
    TX_MALFORMED("drop.tx.malformed"),
    /** Datagrams off the outside subnet with no outside gateway configured. */
    TX_NO_ROUTE("drop.tx.no-route"),
    /** Datagrams larger than the MTU with DF set (the engine sends ICMP fragmentation needed). */
    TX_NEEDS_FRAGMENTATION("drop.tx.needs-fragmentation"),
    /** Datagrams fragmented because they exceeded the MTU. */
    TX_FRAGMENTED("tx.fragmented"),
    /** Fragments sent for them. */
    TX_FRAGMENTS("tx.fragments"),
    /** IPv4 datagrams sent (a fragmented one counts once). */
    TX_IPV4("tx.ipv4"),
    /** Frames of any kind sent. */
    TX_FRAMES("tx.frames"),
    /** Exceptions thrown by the engine's receiver (caught at the link boundary). */
    RECEIVER_ERRORS("drop.receiver-error"),
    /** Frames the interface refused. */
    TX_ERRORS("tx.errors");

    /** The name printed by the console. */
    public final String key;

    LinkCounter(String key) {
        this.key = key;
    }
}
