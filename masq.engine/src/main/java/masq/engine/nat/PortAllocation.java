package masq.engine.nat;

/**
 * How a new mapping's gateway port is chosen ({@code ports.allocation}). Every behaviour keeps a
 * UDP inside port's parity (RFC 4787 REQ-4: RTP on an even port, RTCP on the next; RFC 5382 asks
 * nothing of the kind for TCP) and gives an inside port below 1024 a gateway port below 1024
 * (REQ-3a; TCP too, for rsh and rlogin), from 1-511 for ports below 512 and from 600-1023 for the
 * others, as Linux does; when no such port is free it takes one of the other parity or from the
 * masq range rather than refuse the flow, counted as {@code ports.parity.lost} or
 * {@code ports.privileged.lost}. ICMP identifiers are not ports: neither rule applies to them.
 */
public enum PortAllocation {
    /**
     * The inside port itself when no mapping holds it on the outside address, inside the masq
     * range or not (as Linux's NAT does: an inside game on UDP 6112 stays on 6112), else
     * {@link #SEQUENTIAL}'s choice.
     */
    PRESERVE,
    /** The next free port of the range after the last one given, Linux 2.2's masq_port cycle. */
    SEQUENTIAL,
    /**
     * A random port of the range, or the next free one after it (RFC 6056 Algorithm 1), from a
     * cryptographic generator: the port tells an outside observer nothing about the next one.
     */
    RANDOM
}
