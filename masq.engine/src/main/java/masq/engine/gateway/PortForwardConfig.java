package masq.engine.gateway;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.Ipv4;
import masq.engine.nat.FlowHook;
import masq.engine.nat.PortForwards;

/**
 * One port forward, from one factory configuration of {@code masq.portfw}
 * ({@code etc/masq.portfw-NAME.cfg}): a component per configuration, which the {@link Gateway}
 * collects and applies as a whole. A bad value is logged naming the key, and the forward keeps the
 * last good values it had (none, for a new one: it forwards nothing).
 */
@Component(configurationPid = PortForwardConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = PortForwardConfig.class)
@Designate(ocd = PortForwardConfiguration.class, factory = true)
public final class PortForwardConfig {
    public static final String FACTORY_PID = "masq.portfw";
    private static final Logger LOG = LoggerFactory.getLogger(PortForwardConfig.class);
    static final Set<String> KEYS = Set.of("protocol", "outside.port", "inside.address", "inside.port", "weight");
    private static final Pattern PORTS = Pattern.compile("\\s*(\\d{1,5})\\s*(?:-\\s*(\\d{1,5})\\s*)?");
    private static final Pattern FILE_NAME = Pattern.compile(".*[/\\\\]" + Pattern.quote(FACTORY_PID)
            + "-([^/\\\\]+)\\.cfg");

    private volatile PortForwards.Forward forward;
    private volatile String name = "?";

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        name = name(properties);
        try {
            forward = parse(name, properties);
            LOG.info("{}-{}: {}", FACTORY_PID, name, forward.describe());
        } catch (IllegalArgumentException e) {
            LOG.error("{}-{}: {}; {}", FACTORY_PID, name, e.getMessage(),
                    forward == null ? "it forwards nothing" : "it stays " + forward.describe());
        }
    }

    /** The forward, or null while the configuration has never been valid. */
    PortForwards.Forward forward() {
        return forward;
    }

    /** The forward's name: NAME of {@code masq.portfw-NAME.cfg}, else its configuration's PID. */
    String name() {
        return name;
    }

    static String name(Map<String, ?> properties) {
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            Matcher m = FILE_NAME.matcher(file.toString());
            if (m.matches()) {
                return m.group(1);
            }
        }
        Object pid = properties.get("service.pid");
        return pid == null ? "?" : pid.toString();
    }

    /** The forward {@code properties} describe; an exception naming the key of a bad value. */
    public static PortForwards.Forward parse(String name, Map<String, ?> properties) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (!KEYS.contains(key) && !key.startsWith("service.") && !key.startsWith("felix.")
                    && !key.startsWith("component.") && !key.startsWith("osgi.")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ",
                    unknown) + " (the keys are " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        String protocol = required(properties, "protocol").toLowerCase(java.util.Locale.ROOT);
        int proto = switch (protocol) {
            case "tcp" -> 6;
            case "udp" -> 17;
            default -> throw new IllegalArgumentException("protocol '" + protocol + "' is not tcp or udp");
        };
        String ports = required(properties, "outside.port");
        Matcher m = PORTS.matcher(ports);
        int low = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        int high = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : low;
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("outside.port '" + ports + "' is not a port or a range within 1-65535");
        }
        String addressText = required(properties, "inside.address");
        int address;
        try {
            address = Ipv4.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("inside.address '" + addressText + "' is not an IPv4 address");
        }
        int insidePort = number(properties, "inside.port", low, 1, 65535 - (high - low));
        int weight = number(properties, "weight", PortForwards.DEFAULT_WEIGHT, 1, 1_000_000);
        return new PortForwards.Forward(name, proto, low, high, address, insidePort, weight, FlowHook.NO_HELPER);
    }

    private static String required(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(key + " is not set");
        }
        return value.toString().trim();
    }

    private static int number(Map<String, ?> properties, String key, int fallback, int min, int max) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        String text = value.toString().trim();
        if (text.matches("\\d{1,7}")) {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw new IllegalArgumentException(key + " '" + text + "' is not a whole number from " + min + " to " + max);
    }
}
