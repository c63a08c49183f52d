package masq.api;

/** How the engine chooses the gateway port of an {@link ExpectationBuilder expectation}. */
public enum PortPolicy {
    /** Any free port of the masq range. */
    ANY,
    /**
     * The inside target's own port when it is free in the masq range, otherwise any free port
     * (libalias's {@code GET_ALIAS_PORT}; it keeps port-preserving protocols such as Quake working).
     */
    SAME_AS_INSIDE_IF_FREE,
    /**
     * Two consecutive free ports, the first even (RTP on the even port, RTCP on the next). The
     * expectation matches either port; the inside ports are the target port and the one after it.
     */
    EVEN_PAIR,
    /**
     * The master connection's own gateway port, for a related flow between the master's inside
     * endpoint and another remote port: NetQuake's server answers a connect from a new port, and
     * the client's packets to that port must leave from the same gateway port, whatever the
     * gateway's mapping behaviour. The expected flow may start from either side: the remote's first
     * packet is let in, and the inside endpoint's first packet to the remote joins the master's
     * port. The transport must be the master's and the inside target its inside endpoint (the
     * default); fix the remote port. Nothing is reserved, so nothing is refused for want of a port.
     *
     * @since 1.1
     */
    MASTER
}
