package masq.api.link;

import org.osgi.dto.DTO;

/** One row of the ARP cache, for {@code masq:arp}. */
public class ArpEntryDTO extends DTO {
    /** {@code "inside"} or {@code "outside"}. */
    public String side;
    /** The neighbour's address, dotted quad. */
    public String address;
    /** Its MAC address, or {@code null} while it is being resolved. */
    public String mac;
    /** {@code "reachable"} or {@code "incomplete"}. */
    public String state;
    /** Seconds until a reachable entry expires, or until the next request of an incomplete one. */
    public long secondsLeft;
    /** Datagrams waiting for this neighbour's MAC address. */
    public int pending;
}
