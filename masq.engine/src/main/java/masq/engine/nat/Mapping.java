package masq.engine.nat;

/**
 * Which outbound packets of an inside endpoint share one gateway port (RFC 4787 §4.1, RFC 5382
 * §4.1). Endpoint-independent is what RFC 4787 REQ-1 requires and masq's default; the dependent
 * behaviours give an inside endpoint a new binding, and so a new gateway port, for each remote
 * address (or address and port) it sends to, as Linux 2.2 did with one masq entry per
 * destination. Protocol helpers such as Quake's exist because of the latter.
 */
public enum Mapping {
    /** One binding per inside endpoint, whatever the remote. */
    ENDPOINT_INDEPENDENT,
    /** One binding per inside endpoint and remote address. */
    ADDRESS_DEPENDENT,
    /** One binding per inside endpoint and remote address and port: Linux 2.2's masquerading. */
    ADDRESS_AND_PORT_DEPENDENT
}
