package masq.engine.nat;

import java.util.Arrays;
import masq.api.Ipv4;

/**
 * The translator's configuration, immutable. Built with {@link #builder()}; {@link Builder#build()}
 * fails loudly and precisely on a bad value so the caller can keep its last good configuration.
 */
public final class EngineConfig {
    public static final int DEFAULT_PORT_LOW = 61000;
    public static final int DEFAULT_PORT_HIGH = 65095;
    /** The lowest masq port: never a well-known port (RFC 4787 REQ-3a keeps 0-1023 apart). */
    public static final int MIN_PORT = 1024;
    public static final int MAX_PORT = 65535;
    public static final int DEFAULT_MAX_MAPPINGS = 65536;
    public static final int DEFAULT_MAX_MAPPINGS_PER_HOST = 8192;
    public static final int DEFAULT_MAX_HOSTS = 4096;
    /** Pending expectations, all helpers and hosts together. */
    public static final int DEFAULT_MAX_EXPECTATIONS = 1024;
    /** Pending expectations naming one inside host, so that one host cannot fill the table. */
    public static final int DEFAULT_MAX_EXPECTATIONS_PER_HOST = 128;
    public static final int DEFAULT_MAX_FRAGMENT_DATAGRAMS = 1024;
    public static final int DEFAULT_MAX_HELD_FRAGMENTS = 64;
    public static final int DEFAULT_FRAGMENT_TIMEOUT_SECONDS = 30;

    final int insideAddress;
    final int insidePrefixLength;
    final int outsideAddress;
    final int outsidePrefixLength;
    final int[] insideNetworks;
    final int[] insideMasks;
    final int portLow;
    final int portHigh;
    final Timeouts timeouts;
    final int maxMappings;
    final int maxMappingsPerHost;
    final int maxHosts;
    final int maxExpectations;
    final int maxExpectationsPerHost;
    final Filtering filtering;
    final Mapping mapping;
    final PortAllocation allocation;
    /** Whether source-routed datagrams (LSRR, SSRR) pass; dropped by default (RFC 7126). */
    final boolean passSourceRoute;
    final boolean verifyTransportChecksums;
    final int maxFragmentDatagrams;
    final int maxHeldFragments;
    final int fragmentTimeoutSeconds;

    private EngineConfig(Builder b) {
        insideAddress = b.insideAddress;
        insidePrefixLength = b.insidePrefixLength;
        outsideAddress = b.outsideAddress;
        outsidePrefixLength = b.outsidePrefixLength;
        if (b.networkCount == 0) {
            insideNetworks = new int[] {b.insideAddress & Ipv4.mask(b.insidePrefixLength)};
            insideMasks = new int[] {Ipv4.mask(b.insidePrefixLength)};
        } else {
            insideNetworks = Arrays.copyOf(b.networks, b.networkCount);
            insideMasks = Arrays.copyOf(b.masks, b.networkCount);
        }
        portLow = b.portLow;
        portHigh = b.portHigh;
        timeouts = b.timeouts;
        maxMappings = b.maxMappings;
        maxMappingsPerHost = b.maxMappingsPerHost;
        maxHosts = b.maxHosts;
        maxExpectations = b.maxExpectations;
        maxExpectationsPerHost = b.maxExpectationsPerHost;
        filtering = b.filtering;
        mapping = b.mapping;
        allocation = b.allocation;
        passSourceRoute = b.passSourceRoute;
        verifyTransportChecksums = b.verifyTransportChecksums;
        maxFragmentDatagrams = b.maxFragmentDatagrams;
        maxHeldFragments = b.maxHeldFragments;
        fragmentTimeoutSeconds = b.fragmentTimeoutSeconds;
    }

    /** A builder with the defaults; the two addresses must be set. */
    public static Builder builder() {
        return new Builder();
    }

    public int insideAddress() {
        return insideAddress;
    }

    public int outsideAddress() {
        return outsideAddress;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public Filtering filtering() {
        return filtering;
    }

    /** @return whether source-routed datagrams pass */
    public boolean passSourceRoute() {
        return passSourceRoute;
    }

    public Mapping mapping() {
        return mapping;
    }

    public PortAllocation allocation() {
        return allocation;
    }

    /** The most pending expectations, all helpers and hosts together. */
    public int maxExpectations() {
        return maxExpectations;
    }

    /** The most pending expectations naming one inside host. */
    public int maxExpectationsPerHost() {
        return maxExpectationsPerHost;
    }

    /** The masq port range as the console prints it, e.g. {@code 61000-65095}. */
    public String ports() {
        return portLow + "-" + portHigh;
    }

    /** The inside address in CIDR form. */
    public String insideCidr() {
        return Ipv4.toString(insideAddress) + "/" + insidePrefixLength;
    }

    /** The outside address in CIDR form. */
    public String outsideCidr() {
        return Ipv4.toString(outsideAddress) + "/" + outsidePrefixLength;
    }

    /** True if {@code address} is in one of the inside networks, i.e. may be masqueraded. */
    public boolean isInside(int address) {
        for (int i = 0; i < insideNetworks.length; i++) {
            if ((address & insideMasks[i]) == insideNetworks[i]) {
                return true;
            }
        }
        return false;
    }

    /** Collects settings; every setter checks its argument and names it in the exception. */
    public static final class Builder {
        private static final int MAX_NETWORKS = 64;
        private int insideAddress;
        private int insidePrefixLength = -1;
        private int outsideAddress;
        private int outsidePrefixLength = -1;
        private final int[] networks = new int[MAX_NETWORKS];
        private final int[] masks = new int[MAX_NETWORKS];
        private int networkCount;
        private int portLow = DEFAULT_PORT_LOW;
        private int portHigh = DEFAULT_PORT_HIGH;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private int maxMappings = DEFAULT_MAX_MAPPINGS;
        private int maxMappingsPerHost = DEFAULT_MAX_MAPPINGS_PER_HOST;
        private int maxHosts = DEFAULT_MAX_HOSTS;
        private int maxExpectations = DEFAULT_MAX_EXPECTATIONS;
        private int maxExpectationsPerHost = DEFAULT_MAX_EXPECTATIONS_PER_HOST;
        private Filtering filtering = Filtering.ADDRESS_AND_PORT_DEPENDENT;
        private boolean passSourceRoute;
        private Mapping mapping = Mapping.ENDPOINT_INDEPENDENT;
        private PortAllocation allocation = PortAllocation.PRESERVE;
        private boolean verifyTransportChecksums = true;
        private int maxFragmentDatagrams = DEFAULT_MAX_FRAGMENT_DATAGRAMS;
        private int maxHeldFragments = DEFAULT_MAX_HELD_FRAGMENTS;
        private int fragmentTimeoutSeconds = DEFAULT_FRAGMENT_TIMEOUT_SECONDS;

        private Builder() {
        }

        /** The gateway's inside address and prefix, e.g. {@code "192.168.0.1/24"}. */
        public Builder insideAddress(String cidr) {
            insideAddress = address("inside.address", cidr);
            insidePrefixLength = prefix("inside.address", cidr);
            return this;
        }

        /** The gateway's outside address and prefix, e.g. {@code "203.0.113.1/24"}. */
        public Builder outsideAddress(String cidr) {
            outsideAddress = address("outside.address", cidr);
            outsidePrefixLength = prefix("outside.address", cidr);
            return this;
        }

        /** Adds a network whose hosts are masqueraded; without any, the inside address's network. */
        public Builder insideNetwork(String cidr) {
            if (networkCount == MAX_NETWORKS) {
                throw new IllegalArgumentException("inside.networks: more than " + MAX_NETWORKS + " networks");
            }
            int mask = Ipv4.mask(prefix("inside.networks", cidr));
            networks[networkCount] = address("inside.networks", cidr) & mask;
            masks[networkCount++] = mask;
            return this;
        }

        /** The masq port range, a sub-range of 1024-65535. */
        public Builder ports(int low, int high) {
            if (low < MIN_PORT || high > MAX_PORT || low > high) {
                throw new IllegalArgumentException("ports: '" + low + "-" + high + "' is not a range within "
                        + MIN_PORT + "-" + MAX_PORT);
            }
            portLow = low;
            portHigh = high;
            return this;
        }

        public Builder timeouts(Timeouts value) {
            timeouts = value;
            return this;
        }

        /** The most mappings in total and per inside host, and the most inside hosts tracked. */
        public Builder limits(int total, int perHost, int hosts) {
            positive("limits.mappings", total);
            positive("limits.mappings.per.host", perHost);
            positive("limits.hosts", hosts);
            maxMappings = total;
            maxMappingsPerHost = perHost;
            maxHosts = hosts;
            return this;
        }

        /** The most pending expectations in total and naming one inside host (at most the total). */
        public Builder expectationLimits(int total, int perHost) {
            positive("limits.expectations", total);
            positive("limits.expectations.per.host", perHost);
            if (perHost > total) {
                throw new IllegalArgumentException("limits.expectations.per.host: " + perHost
                        + " is more than limits.expectations, " + total);
            }
            maxExpectations = total;
            maxExpectationsPerHost = perHost;
            return this;
        }

        public Builder filtering(Filtering value) {
            filtering = value;
            return this;
        }

        /** Whether datagrams with a loose or strict source route option pass (default: dropped). */
        public Builder passSourceRoute(boolean value) {
            passSourceRoute = value;
            return this;
        }

        /** How new mappings' gateway ports are chosen; {@link PortAllocation#PRESERVE} unless set. */
        public Builder allocation(PortAllocation value) {
            allocation = value;
            return this;
        }

        public Builder mapping(Mapping value) {
            mapping = value;
            return this;
        }

        /** False to forward TCP/UDP segments without verifying their checksum (offloaded captures). */
        public Builder verifyTransportChecksums(boolean value) {
            verifyTransportChecksums = value;
            return this;
        }

        /** Bounds on fragment state: datagrams tracked, fragments held for a missing first, seconds. */
        public Builder fragments(int datagrams, int held, int timeoutSeconds) {
            positive("fragments.datagrams", datagrams);
            positive("fragments.held", held);
            positive("fragments.timeout", timeoutSeconds);
            maxFragmentDatagrams = datagrams;
            maxHeldFragments = held;
            fragmentTimeoutSeconds = timeoutSeconds;
            return this;
        }

        /** The configuration; throws if an address is missing. */
        public EngineConfig build() {
            if (insidePrefixLength < 0) {
                throw new IllegalArgumentException("inside.address is not set");
            }
            if (outsidePrefixLength < 0) {
                throw new IllegalArgumentException("outside.address is not set");
            }
            return new EngineConfig(this);
        }

        private static void positive(String key, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(key + ": " + value + " is not positive");
            }
        }

        private static int address(String key, String cidr) {
            int slash = cidr == null ? -1 : cidr.indexOf('/');
            try {
                return Ipv4.parse(slash < 0 ? cidr : cidr.substring(0, slash));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": '" + cidr + "' is not an IPv4 CIDR", e);
            }
        }

        private static int prefix(String key, String cidr) {
            int slash = cidr == null ? -1 : cidr.indexOf('/');
            try {
                int length = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
                Ipv4.mask(length);
                return length;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": '" + cidr + "' is not an IPv4 CIDR", e);
            }
        }
    }
}
