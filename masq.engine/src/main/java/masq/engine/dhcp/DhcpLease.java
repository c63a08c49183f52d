package masq.engine.dhcp;

import masq.api.Ipv4;

/**
 * An address a DHCP server leased to the gateway's outside interface (RFC 2131), as the ACK gave it.
 *
 * @param address       the leased address ({@code yiaddr})
 * @param prefixLength  from the subnet mask (option 1), 1 to 30
 * @param router        the first router (option 3) on the leased subnet, or 0 when the server named none
 * @param server        the server identifier (option 54)
 * @param serverMac     the Ethernet source of the ACK: where unicast renewals and the release go
 * @param leaseSeconds  the lease time (option 51); {@link #INFINITE} for an infinite lease
 * @param renewSeconds  T1 (option 58, else half the lease)
 * @param rebindSeconds T2 (option 59, else 7/8 of the lease)
 */
public record DhcpLease(int address, int prefixLength, int router, int server, long serverMac, long leaseSeconds,
        long renewSeconds, long rebindSeconds) {
    /** Option 51's 0xffffffff. */
    public static final long INFINITE = 0xffffffffL;

    /** The address with its prefix length: {@code 203.0.113.7/24}. */
    public String cidr() {
        return Ipv4.toString(address) + "/" + prefixLength;
    }

    /** As logs and the console say it. */
    public String describe() {
        return cidr() + (router == 0 ? ", no router" : ", router " + Ipv4.toString(router)) + ", from "
                + Ipv4.toString(server) + ", lease " + (leaseSeconds == INFINITE ? "infinite" : leaseSeconds + " s");
    }
}
