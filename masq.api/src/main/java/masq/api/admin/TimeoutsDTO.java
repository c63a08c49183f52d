package masq.api.admin;

import org.osgi.dto.DTO;

/** The mapping timeouts in seconds, as {@code ipchains -M -S tcp tcpfin udp} set them. */
public class TimeoutsDTO extends DTO {
    /** Established TCP mappings (RFC 5382 REQ-5: at least 7440 s). */
    public int tcpSeconds;
    /** TCP mappings being opened or closed (RFC 5382 REQ-5: at least 240 s). */
    public int tcpFinSeconds;
    /** UDP mappings (RFC 4787 REQ-5: at least 120 s; default 300). */
    public int udpSeconds;
    /** ICMP query mappings (RFC 5508 REQ-1: at least 60 s). */
    public int icmpSeconds;
}
