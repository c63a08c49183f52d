package masq.engine.gateway;

import java.util.List;

import masq.api.link.ArpEntryDTO;
import masq.api.link.LinkStatsDTO;

/**
 * The gateway's link as the console sees it: a service of this bundle only (the package is not
 * exported), registered by {@link Gateway} beside {@link masq.api.admin.GatewayAdmin}.
 *
 * <p>Threading: any thread; {@link #arp} waits briefly for the engine thread.
 */
public interface GatewayLinks {
    /** @return {@code up}, or {@code down: <why>}, e.g. that an interface does not exist */
    String linkState();

    /** @return both interfaces' counters, inside first; empty while the link is down */
    List<LinkStatsDTO> linkStats();

    /** @return the ARP cache of both sides; empty while the link is down */
    List<ArpEntryDTO> arp();
}
