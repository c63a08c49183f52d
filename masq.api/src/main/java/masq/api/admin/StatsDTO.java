package masq.api.admin;

import java.util.Map;

import org.osgi.dto.DTO;

/** Every engine counter by name (packets, drops by reason, helper events), in name order. */
public class StatsDTO extends DTO {
    /** Counter name to value, e.g. {@code drop.ip.bad-checksum}. */
    public Map<String, Long> counters;
}
