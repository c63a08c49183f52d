package masq.engine.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import masq.api.Ipv4;
import masq.api.link.LinkConfigDTO;
import masq.engine.dhcp.DhcpLease;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.Filtering;
import masq.engine.nat.Mapping;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.Timeouts;

/**
 * The configuration of PID {@code masq.gateway}, read from the raw Config Admin values: every key is
 * checked and a bad one is reported as {@code "masq.gateway: <key> '<value>' ..."}.
 *
 * @param insideInterface  the inside interface name
 * @param outsideInterface the outside interface name
 * @param outsideGateway   the next hop beyond the outside network, or 0 for none
 * @param engine           what the translator needs
 * @param busyPollMicros   how long the engine thread polls after a frame before it waits (key
 *                         {@code busy.poll}), 0 to {@value LinkEngine#MAX_BUSY_POLL_MICROS}
 * @param values           the checked values by key, as text, to tell what a change touches
 */
record GatewaySettings(String insideInterface, String outsideInterface, int outsideGateway, EngineConfig engine,
        int busyPollMicros, Map<String, String> values) {
    static final String PID = "masq.gateway";
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d{1,5})\\s*-\\s*(\\d{1,5})\\s*");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
    /** Prefixes of keys that Config Admin, FileInstall and SCR add themselves; not ours to check. */
    private static final java.util.List<String> FOREIGN_PREFIXES = java.util.List.of("service.", "component.",
            "osgi.", "felix.", "objectClass");
    private static final java.util.Set<String> KEYS = java.util.Set.of("inside.interface", "inside.address",
            "inside.networks", "outside.interface", "outside.address", "outside.gateway", "ports", "timeout.tcp",
            "timeout.tcpfin", "timeout.udp", "timeout.icmp", "limits.mappings", "limits.mappings.per.host",
            "limits.hosts", "limits.expectations", "limits.expectations.per.host", "filtering", "mapping", "busy.poll",
            "ip.source.route", "ports.allocation");
    /** Keys whose change applies to the running engine; any other change restarts it. */
    private static final java.util.Set<String> LIVE_KEYS = java.util.Set.of("timeout.tcp", "timeout.tcpfin",
            "timeout.udp", "timeout.icmp", "busy.poll", "ports.allocation");

    /** The value of {@code outside.address} that asks for a DHCP lease. */
    static final String DHCP = "dhcp";
    /** Stands for the leased address while none is held, to check the other values. */
    private static final String[] PLACEHOLDERS = {"198.18.0.1/15", "100.64.0.1/10"};

    /** @return whether the configuration asks for the outside address by DHCP ({@code outside.address = dhcp}) */
    static boolean dhcp(Map<String, ?> properties) {
        Object value = properties.get("outside.address");
        return value != null && value.toString().trim().equalsIgnoreCase(DHCP);
    }

    /**
     * The settings of a DHCP configuration with {@code lease} as its outside address and, unless
     * {@code outside.gateway} is set, the lease's router as the next hop.
     *
     * @throws IllegalArgumentException naming the key, as {@link #parse(Map)}
     */
    static GatewaySettings parse(Map<String, ?> properties, DhcpLease lease) {
        Map<String, Object> leased = new java.util.HashMap<>(properties);
        leased.put("outside.address", lease.cidr());
        if (optional(properties, "outside.gateway", "").isBlank() && lease.router() != 0) {
            leased.put("outside.gateway", Ipv4.toString(lease.router()));
        }
        return parse(leased);
    }

    /**
     * Checks a DHCP configuration before any lease: every value but the address, which a placeholder
     * stands for (and {@code outside.gateway}, which is checked against the lease).
     *
     * @return the outside interface the client is to run on
     * @throws IllegalArgumentException naming the key, as {@link #parse(Map)}
     */
    static String checkDhcp(Map<String, ?> properties) {
        IllegalArgumentException first = null;
        for (String placeholder : PLACEHOLDERS) {
            Map<String, Object> check = new java.util.HashMap<>(properties);
            check.put("outside.address", placeholder);
            check.remove("outside.gateway");
            try {
                return parse(check).outsideInterface();
            } catch (IllegalArgumentException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    /**
     * @throws IllegalArgumentException naming the PID, the key and the value of the first bad value
     */
    static GatewaySettings parse(Map<String, ?> properties) {
        try {
            for (String key : properties.keySet()) {
                if (!KEYS.contains(key) && FOREIGN_PREFIXES.stream().noneMatch(key::startsWith)) {
                    throw new IllegalArgumentException(key + " is not a key of " + PID + " (keys: "
                            + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
                }
            }
            EngineConfig.Builder engine = EngineConfig.builder()
                    .insideAddress(required(properties, "inside.address"))
                    .outsideAddress(required(properties, "outside.address"));
            String networks = optional(properties, "inside.networks", "");
            for (String cidr : networks.split(",")) {
                if (!cidr.isBlank()) {
                    engine.insideNetwork(cidr.trim());
                }
            }
            int[] range = range(optional(properties, "ports", "61000-65095"));
            engine.ports(range[0], range[1]);
            engine.timeouts(new Timeouts(number(properties, "timeout.tcp", Timeouts.TCP_ESTABLISHED_SECONDS),
                    number(properties, "timeout.tcpfin", Timeouts.TCP_TRANSITORY_SECONDS),
                    number(properties, "timeout.udp", Timeouts.UDP_SECONDS),
                    number(properties, "timeout.icmp", Timeouts.ICMP_SECONDS)));
            engine.limits(number(properties, "limits.mappings", EngineConfig.DEFAULT_MAX_MAPPINGS),
                    number(properties, "limits.mappings.per.host", EngineConfig.DEFAULT_MAX_MAPPINGS_PER_HOST),
                    number(properties, "limits.hosts", EngineConfig.DEFAULT_MAX_HOSTS));
            engine.expectationLimits(number(properties, "limits.expectations", EngineConfig.DEFAULT_MAX_EXPECTATIONS),
                    number(properties, "limits.expectations.per.host", EngineConfig.DEFAULT_MAX_EXPECTATIONS_PER_HOST));
            engine.filtering(behaviour(Filtering.class, "filtering", optional(properties, "filtering",
                    "address-and-port-dependent")));
            engine.mapping(behaviour(Mapping.class, "mapping", optional(properties, "mapping",
                    "endpoint-independent")));
            engine.allocation(behaviour(PortAllocation.class, "ports.allocation", optional(properties,
                    "ports.allocation", "preserve")));
            engine.passSourceRoute(sourceRoute(optional(properties, "ip.source.route", "drop")));
            String gateway = optional(properties, "outside.gateway", "");
            java.util.Map<String, String> values = new java.util.TreeMap<>();
            for (String key : KEYS) {
                if (properties.get(key) != null) {
                    values.put(key, properties.get(key).toString().trim());
                }
            }
            GatewaySettings settings = new GatewaySettings(interfaceName(properties, "inside.interface"),
                    interfaceName(properties, "outside.interface"),
                    gateway.isBlank() ? 0 : address("outside.gateway", gateway.trim()), engine.build(),
                    busyPoll(optional(properties, "busy.poll", "0")), java.util.Collections.unmodifiableMap(values));
            settings.checkConsistent();
            return settings;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": " + e.getMessage(), e);
        }
    }

    /**
     * The values that are each fine but cannot work together: one interface for both sides, a next
     * hop off the outside network, inside and outside networks that overlap (a destination would be
     * on both sides).
     */
    private void checkConsistent() {
        if (insideInterface.equals(outsideInterface)) {
            throw new IllegalArgumentException("inside.interface and outside.interface are both '" + insideInterface
                    + "': the gateway needs an interface for each side");
        }
        int outsideLength = prefixLength(engine.outsideCidr());
        int insideLength = prefixLength(engine.insideCidr());
        if (outsideGateway != 0 && !sameNetwork(outsideGateway, engine.outsideAddress(), outsideLength)) {
            throw new IllegalArgumentException("outside.gateway '" + Ipv4.toString(outsideGateway)
                    + "' is not on the outside network of " + engine.outsideCidr());
        }
        if (sameNetwork(engine.insideAddress(), engine.outsideAddress(), Math.min(insideLength, outsideLength))) {
            throw new IllegalArgumentException("inside.address " + engine.insideCidr() + " and outside.address "
                    + engine.outsideCidr() + " are on overlapping networks");
        }
    }

    private static boolean sameNetwork(int a, int b, int prefixLength) {
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return (a & mask) == (b & mask);
    }

    /**
     * @return the link part: the interfaces and the addresses the link answers ARP for, with their
     *     prefix lengths, and the outside next hop
     */
    LinkConfigDTO linkConfig() {
        LinkConfigDTO link = new LinkConfigDTO();
        link.insideInterface = insideInterface;
        link.insideAddress = engine.insideAddress();
        link.insidePrefixLength = prefixLength(engine.insideCidr());
        link.outsideInterface = outsideInterface;
        link.outsideAddress = engine.outsideAddress();
        link.outsidePrefixLength = prefixLength(engine.outsideCidr());
        link.outsideGateway = outsideGateway;
        return link;
    }

    private static int prefixLength(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
    }

    /**
     * @return whether the two differ at most in keys that apply without restarting the engine (the
     *     timeouts and {@code busy.poll})
     */
    boolean sameButLiveKeys(GatewaySettings other) {
        return other != null && withoutLiveKeys(values).equals(withoutLiveKeys(other.values));
    }

    private static Map<String, String> withoutLiveKeys(Map<String, String> values) {
        Map<String, String> rest = new java.util.TreeMap<>(values);
        rest.keySet().removeAll(LIVE_KEYS);
        return rest;
    }

    private static String required(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(key + " is not set");
        }
        return value.toString().trim();
    }

    private static String optional(Map<String, ?> properties, String key, String fallback) {
        Object value = properties.get(key);
        return value == null ? fallback : value.toString();
    }

    private static String interfaceName(Map<String, ?> properties, String key) {
        String name = required(properties, key);
        if (!INTERFACE.matcher(name).matches()) {
            throw new IllegalArgumentException(key + " '" + name + "' is not an interface name");
        }
        return name;
    }

    private static int number(Map<String, ?> properties, String key, int fallback) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        String text = value.toString().trim();
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) == 0) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a positive whole number");
        }
        return Integer.parseInt(text);
    }

    private static boolean sourceRoute(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "drop" -> false;
            case "pass" -> true;
            default -> throw new IllegalArgumentException("ip.source.route '" + text + "' is not drop or pass");
        };
    }

    private static int busyPoll(String text) {
        String t = text.trim();
        if (!t.matches("\\d{1,7}") || Integer.parseInt(t) > LinkEngine.MAX_BUSY_POLL_MICROS) {
            throw new IllegalArgumentException("busy.poll '" + text
                    + "' is not a whole number of microseconds from 0 to " + LinkEngine.MAX_BUSY_POLL_MICROS);
        }
        return Integer.parseInt(t);
    }

    private static int[] range(String text) {
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("ports '" + text + "' is not a range such as 61000-65095");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** A behaviour named as in the configuration: {@code address-and-port-dependent}, {@code preserve}. */
    private static <E extends Enum<E>> E behaviour(Class<E> type, String key, String text) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        StringBuilder names = new StringBuilder();
        E[] values = type.getEnumConstants();
        for (int i = 0; i < values.length; i++) {
            if (values[i].name().equals(name)) {
                return values[i];
            }
            names.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append(spelt(values[i]));
        }
        throw new IllegalArgumentException(key + " '" + text + "' is not " + names);
    }

    /** A behaviour as the configuration spells it. */
    static String spelt(Enum<?> behaviour) {
        return behaviour.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static int address(String key, String text) {
        try {
            return Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + text + "' is not an IPv4 address");
        }
    }
}
