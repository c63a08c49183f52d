package masq.api.admin;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The masquerading engine as the administrator sees it: the modern {@code /proc/net/ip_masquerade}
 * and {@code ipchains -M -S}.
 */
@ProviderType
public interface GatewayAdmin {
    /** @return addresses, mappings in use per protocol, free ports */
    StatusDTO status();

    /**
     * @param protocol {@code tcp}, {@code udp}, {@code icmp}, or {@code null} for all
     * @param host     an inside or remote address to filter on, or {@code null} for all
     * @param limit    the most rows to return, at least 1
     * @return the live mappings matching the filter, at most {@code limit}
     * @throws IllegalArgumentException if the protocol, host or limit is malformed
     */
    List<MappingDTO> mappings(String protocol, String host, int limit);

    /** @return the pending expectations */
    List<ExpectationDTO> expectations();

    /** @return every counter of the engine, drops by reason included */
    StatsDTO stats();

    /** @return the timeouts in force */
    TimeoutsDTO timeouts();

    /**
     * Changes timeouts at runtime, as {@code ipchains -M -S} did; existing mappings take the new value
     * at their next packet. A value below the minimum an RFC sets (see {@link TimeoutsDTO}) is accepted,
     * as administrators have long shortened timeouts deliberately, and logged as a warning naming the
     * RFC.
     *
     * @param timeouts the new values; a field of 0 keeps its current value
     * @return the timeouts in force afterwards
     * @throws IllegalArgumentException if a value is negative
     */
    TimeoutsDTO timeouts(TimeoutsDTO timeouts);

    /**
     * Removes every mapping and expectation.
     *
     * @return how many mappings were removed
     */
    int flush();
}
