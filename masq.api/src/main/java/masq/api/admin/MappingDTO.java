package masq.api.admin;

import org.osgi.dto.DTO;

/** One masquerade mapping, as a row of {@code masq:table}. */
public class MappingDTO extends DTO {
    /** The engine's connection id. */
    public long id;
    /** {@code tcp}, {@code udp} or {@code icmp}. */
    public String protocol;
    /** The inside host's address. */
    public String insideAddress;
    /** The inside host's port (ICMP: the query identifier). */
    public int insidePort;
    /** The gateway port (ICMP: the masqueraded identifier). */
    public int outsidePort;
    /**
     * The outside address the mapping translates to: the gateway's, or a 1:1 NAT host's own.
     *
     * @since 1.4
     */
    public String outsideAddress;
    /** The remote host's address. */
    public String remoteAddress;
    /** The remote host's port (0 for ICMP). */
    public int remotePort;
    /** The state: TCP states such as {@code ESTABLISHED}, {@code UDP}, {@code ICMP}. */
    public String state;
    /** Seconds until the mapping expires if no packet comes. */
    public long expiresInSeconds;
    /** The helper attached, or null. */
    public String helper;
    /** The master connection's id if this one came from an expectation, else 0. */
    public long masterId;
}
