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
    EVEN_PAIR
}
