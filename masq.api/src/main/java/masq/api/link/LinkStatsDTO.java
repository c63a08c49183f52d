package masq.api.link;

import java.util.Map;

import org.osgi.dto.DTO;

/**
 * A snapshot of one interface's counters, for {@code masq:status} and {@code masq:stats}. Counters
 * count since the link was opened; they are read without stopping the data path, so two of them may
 * be a few frames apart.
 */
public class LinkStatsDTO extends DTO {
    /** {@code "inside"} or {@code "outside"}. */
    public String side;
    /** The interface name. */
    public String interfaceName;
    /** The interface's MAC address, e.g. {@code "02:00:00:00:00:01"}. */
    public String mac;
    /** The gateway's address on this side, dotted quad. */
    public String address;
    /** The MTU in bytes. */
    public int mtu;
    /** Frames captured and handed to the gateway. */
    public long received;
    /** Frames sent. */
    public long sent;
    /** Frames the kernel dropped because the capture buffer was full (pcap {@code ps_drop}). */
    public long pcapDropped;
    /** Frames the interface or driver dropped (pcap {@code ps_ifdrop}). */
    public long pcapInterfaceDropped;
    /**
     * Frames captured but dropped in user space because the engine had not yet taken earlier ones,
     * for a link that buffers frames between a capture thread and the engine; always 0 for the pcap
     * link, whose engine thread reads the kernel's capture buffer itself (its losses are
     * {@link #pcapDropped}).
     */
    public long ringOverflows;
    /** Send and capture errors. */
    public long errors;
    /** Every counter of this side by name (Ethernet, ARP, fragmentation drops and events). */
    public Map<String, Long> counters;
}
