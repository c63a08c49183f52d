package masq.engine.helper;

import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;

/**
 * Parses a helper's port list as it arrives from service properties or Config Admin: an Integer,
 * an int[] or Integer[], a String[] or Collection of numbers, or a comma-separated String
 * ({@code "21, 2121"}). The result is sorted and free of duplicates.
 */
final class PortList {
    /** A helper may watch at most this many ports (2.2 allowed 12 per module; this is generous). */
    static final int MAX_PORTS = 64;

    private PortList() {
    }

    /**
     * @param value the property value
     * @return the ports, ascending, each 1-65535
     * @throws IllegalArgumentException naming the offending value
     */
    static int[] parse(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("no ports given");
        }
        int[] ports = new int[MAX_PORTS];
        int n = 0;
        for (Iterator<?> it = elements(value); it.hasNext();) {
            Object element = it.next();
            if (element instanceof String) {
                for (String part : ((String) element).split(",", -1)) {
                    n = add(ports, n, parsePort(part.trim()));
                }
            } else if (element instanceof Number) {
                long port = ((Number) element).longValue();
                if (element instanceof Double || element instanceof Float) {
                    throw new IllegalArgumentException("port " + element + " is not a whole number");
                }
                n = add(ports, n, checkRange(port, String.valueOf(element)));
            } else {
                throw new IllegalArgumentException("'" + element + "' is not a port number");
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no ports given");
        }
        int[] sorted = Arrays.copyOf(ports, n);
        Arrays.sort(sorted);
        return Arrays.stream(sorted).distinct().toArray();
    }

    /** @return the ports as {@code 21,2121} */
    static String format(int[] ports) {
        StringBuilder text = new StringBuilder();
        for (int port : ports) {
            text.append(text.length() == 0 ? "" : ",").append(port);
        }
        return text.toString();
    }

    private static Iterator<?> elements(Object value) {
        if (value instanceof int[]) {
            return Arrays.stream((int[]) value).boxed().iterator();
        }
        if (value instanceof long[]) {
            return Arrays.stream((long[]) value).boxed().iterator();
        }
        if (value instanceof Object[]) {
            return Arrays.asList((Object[]) value).iterator();
        }
        if (value instanceof Collection) {
            return ((Collection<?>) value).iterator();
        }
        return Arrays.asList(value).iterator();
    }

    private static int add(int[] ports, int n, int port) {
        if (n == ports.length) {
            throw new IllegalArgumentException("more than " + MAX_PORTS + " ports");
        }
        ports[n] = port;
        return n + 1;
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' is not a port number");
        }
        return checkRange(Long.parseLong(text), text);
    }

    private static int checkRange(long port, String text) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + text + " is not in 1-65535");
        }
        return (int) port;
    }
}
