package masq.api.link;

import org.osgi.dto.DTO;

/**
 * The interfaces and addresses of a {@link GatewayLink}: the link part of the {@code masq.gateway}
 * configuration. Addresses are {@code int}s as in {@link masq.api.Ipv4}; 0 means "none".
 */
public class LinkConfigDTO extends DTO {
    /** The default MTU of an Ethernet interface, in bytes (RFC 894). */
    public static final int ETHERNET_MTU = 1500;

    /** The inside (LAN) interface name, e.g. {@code "in0"}. */
    public String insideInterface;
    /** The gateway's inside address, e.g. 192.168.0.1; it answers ARP for it on the inside. */
    public int insideAddress;
    /** The prefix length of the inside link's subnet, 0-32. */
    public int insidePrefixLength;
    /** The inside interface's MTU in bytes (68 to 1500 on Ethernet). */
    public int insideMtu = ETHERNET_MTU;
    /** The outside (WAN) interface name, e.g. {@code "out0"}. */
    public String outsideInterface;
    /** The gateway's outside address, e.g. 203.0.113.1; it answers ARP for it on the outside. */
    public int outsideAddress;
    /** The prefix length of the outside link's subnet, 0-32. */
    public int outsidePrefixLength;
    /** The outside interface's MTU in bytes (68 to 1500 on Ethernet). */
    public int outsideMtu = ETHERNET_MTU;
    /** The next hop for destinations not on the outside subnet, or 0 for none (they are dropped). */
    public int outsideGateway;
}
