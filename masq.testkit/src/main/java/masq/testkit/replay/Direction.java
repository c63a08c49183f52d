package masq.testkit.replay;

/** How a captured datagram relates to the gateway the replay puts in the path. */
public enum Direction {
    /** From an inside host to an outside one: submitted on the inside link. */
    OUTBOUND,
    /** From an outside host to an inside one: re-addressed to the gateway, submitted on the outside link. */
    INBOUND,
    /** Between inside hosts, or from an inside host to a broadcast or multicast group: never routed, skipped. */
    LOCAL,
    /** Between outside hosts: not through the gateway, skipped. */
    TRANSIT,
    /** Not an IPv4 datagram (ARP, IPv6, an unknown link type): skipped. */
    NOT_IPV4
}
