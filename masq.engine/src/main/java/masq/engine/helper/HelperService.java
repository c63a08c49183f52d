package masq.engine.helper;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import masq.api.MasqHelper;
import masq.api.Transport;
import masq.engine.helper.HelperEntry.Origin;

/**
 * A helper service as registered: its declared properties, parsed once. A service whose properties
 * are invalid is still tracked (and shown as disabled with the reason) so the administrator sees it.
 */
record HelperService(MasqHelper helper, Origin origin, String name, Transport transport, int[] ports,
        int maxExpected, int expectTimeoutSeconds, String error, AtomicLong failures, AtomicLong flows) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1," + MasqHelper.MAX_NAME_LENGTH + "}");
    /** Bound on {@link MasqHelper#MAX_EXPECTED} (netfilter refuses more than 255). */
    static final int MAX_EXPECTED_LIMIT = 255;
    /** Bound on {@link MasqHelper#EXPECT_TIMEOUT_SECONDS}: an hour is already generous. */
    static final int MAX_EXPECT_TIMEOUT_SECONDS = 3600;

    /** Whether {@code text} is a helper name as {@link MasqHelper#NAME} allows: {@code [a-z0-9_-]}, 1 to 32. */
    static boolean isName(String text) {
        return NAME.matcher(text).matches();
    }

    /**
     * Reads a helper's service properties. Never throws: a bad property is recorded in {@link #error}.
     *
     * @param counters the counters of an earlier resolution of the same service, or {@code null}
     */
    static HelperService of(MasqHelper helper, Map<String, ?> properties, Origin origin, HelperService counters) {
        AtomicLong failures = counters == null ? new AtomicLong() : counters.failures();
        AtomicLong flows = counters == null ? new AtomicLong() : counters.flows();
        Object rawName = properties.get(MasqHelper.NAME);
        String name = rawName instanceof String && isName((String) rawName) ? (String) rawName : null;
        Transport transport = null;
        int[] ports = new int[0];
        int maxExpected = MasqHelper.DEFAULT_MAX_EXPECTED;
        int timeout = MasqHelper.DEFAULT_EXPECT_TIMEOUT_SECONDS;
        String error = null;
        try {
            if (name == null) {
                throw new IllegalArgumentException(MasqHelper.NAME + " '" + rawName + "' is not a name of 1-"
                        + MasqHelper.MAX_NAME_LENGTH + " characters from [a-z0-9_-]");
            }
            transport = parseTransport(properties.get(MasqHelper.TRANSPORT));
            ports = parsePorts(properties.get(MasqHelper.PORTS));
            maxExpected = intProperty(properties, MasqHelper.MAX_EXPECTED, maxExpected, 0, MAX_EXPECTED_LIMIT);
            timeout = intProperty(properties, MasqHelper.EXPECT_TIMEOUT_SECONDS, timeout, 1,
                    MAX_EXPECT_TIMEOUT_SECONDS);
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        return new HelperService(helper, origin, name, transport, ports, maxExpected, timeout, error, failures, flows);
    }

    private static Transport parseTransport(Object value) {
        Transport transport;
        try {
            transport = Transport.parse(value instanceof String ? (String) value : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MasqHelper.TRANSPORT + " '" + value + "' is not tcp or udp");
        }
        if (transport != Transport.TCP && transport != Transport.UDP) {
            throw new IllegalArgumentException(MasqHelper.TRANSPORT + " '" + value + "' is not tcp or udp");
        }
        return transport;
    }

    private static int[] parsePorts(Object value) {
        try {
            return PortList.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MasqHelper.PORTS + ": " + e.getMessage());
        }
    }

    private static int intProperty(Map<String, ?> properties, String key, int fallback, int min, int max) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        long number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            number = ((Number) value).longValue();
        } else if (value instanceof String && ((String) value).trim().matches("\\d{1,9}")) {
            number = Long.parseLong(((String) value).trim());
        } else {
            throw new IllegalArgumentException(key + " '" + value + "' is not a whole number");
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException(key + " " + number + " is not in " + min + "-" + max);
        }
        return (int) number;
    }
}
