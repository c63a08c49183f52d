package masq.engine.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import masq.api.Ipv4;

/**
 * The values of one configuration, read by key with a message naming the key when one is bad: the
 * shared checks of the factory configurations ({@code masq.portfw}, {@code masq.autofw},
 * {@code masq.static}).
 */
final class ConfigValues {
    private static final Pattern PORTS = Pattern.compile("\\s*(\\d{1,5})\\s*(?:-\\s*(\\d{1,5})\\s*)?");
    private final Map<String, ?> properties;

    /** The values, refusing any key but {@code keys} and the framework's own. */
    ConfigValues(Map<String, ?> properties, Set<String> keys) {
        this.properties = properties;
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (!keys.contains(key) && !key.startsWith("service.") && !key.startsWith("felix.")
                    && !key.startsWith("component.") && !key.startsWith("osgi.")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (the keys are " + String.join(", ", new TreeSet<>(keys)) + ")");
        }
    }

    String required(String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(key + " is not set");
        }
        return value.toString().trim();
    }

    /** A required IPv4 address in dotted form. */
    int address(String key) {
        String text = required(key);
        try {
            return Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + text + "' is not an IPv4 address");
        }
    }

    /**
     * A helper's name as helpers declare it ({@code [a-z0-9_-]}, at most
     * {@link masq.api.MasqHelper#MAX_NAME_LENGTH}), null when the key is absent or blank. The helper
     * need not be installed: it is looked up for each new connection.
     */
    String helperName(String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        String text = value.toString().trim();
        if (!masq.engine.helper.HelperRegistry.isHelperName(text)) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a helper name (a-z, 0-9, '_', '-', at most "
                    + masq.api.MasqHelper.MAX_NAME_LENGTH + ")");
        }
        return text;
    }

    /** {@code tcp} or {@code udp} as an IP protocol number. */
    int protocol(String key, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "tcp" -> 6;
            case "udp" -> 17;
            default -> throw new IllegalArgumentException(key + " '" + text.trim() + "' is not tcp or udp");
        };
    }

    /** A port or a range {@code LOW-HIGH} within 1-65535, as {low, high}. */
    int[] ports(String key) {
        String text = required(key);
        Matcher m = PORTS.matcher(text);
        int low = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        int high = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : low;
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a port or a range within 1-65535");
        }
        return new int[] {low, high};
    }

    /** A whole number from {@code min} to {@code max}, {@code fallback} when the key is absent. */
    int number(String key, int fallback, int min, int max) {
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

    /** NAME of {@code FACTORY-NAME.cfg} FileInstall read the configuration from, else its PID. */
    static String name(Map<String, ?> properties, String factoryPid) {
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            Matcher m = Pattern.compile(".*[/\\\\]" + Pattern.quote(factoryPid) + "-([^/\\\\]+)\\.cfg")
                    .matcher(file.toString());
            if (m.matches()) {
                return m.group(1);
            }
        }
        Object pid = properties.get("service.pid");
        return pid == null ? "?" : pid.toString();
    }
}
