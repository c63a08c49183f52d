package masq.engine.nat;

/**
 * Which inbound packets an existing mapping admits (RFC 4787 §5, RFC 5382 §4.3), independent of
 * which outbound packets share a mapping ({@link Mapping}).
 */
public enum Filtering {
    /** Any remote endpoint may use the mapping once it exists. */
    ENDPOINT_INDEPENDENT,
    /** Only remote addresses the inside endpoint has sent to. */
    ADDRESS_DEPENDENT,
    /** Only remote address and port pairs the inside endpoint has sent to: the HOWTO's default. */
    ADDRESS_AND_PORT_DEPENDENT
}
