package masq.api;

/**
 * IPv4 addresses held in an {@code int} (network byte order read as a big-endian number): formatting
 * and parsing for helpers, the console and configuration. Not for the packet path of the engine,
 * which reads addresses straight from packet bytes.
 */
public final class Ipv4 {
    private Ipv4() {
    }

    /**
     * @param address an address, e.g. {@code 0xC0A80002}
     * @return its dotted-quad form, e.g. {@code "192.168.0.2"}
     */
    public static String toString(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /**
     * Parses a dotted quad: exactly four decimal octets from 0 to 255, no signs, no spaces, no leading
     * zeros beyond a single {@code 0}.
     *
     * @param text the address text
     * @return the address
     * @throws IllegalArgumentException naming the text if it is not a dotted quad
     */
    public static int parse(String text) {
        int address = 0;
        int octets = 0;
        int i = 0;
        int n = text == null ? 0 : text.length();
        while (octets < 4) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i++) - '0');
            }
            boolean badDigits = i == start || (i - start > 1 && text.charAt(start) == '0');
            if (badDigits || value > 255) {
                throw notAnAddress(text);
            }
            address = (address << 8) | value;
            octets++;
            if (octets < 4) {
                if (i >= n || text.charAt(i) != '.') {
                    throw notAnAddress(text);
                }
                i++;
            }
        }
        if (i != n) {
            throw notAnAddress(text);
        }
        return address;
    }

    /**
     * @param prefixLength a CIDR prefix length from 0 to 32
     * @return the network mask, e.g. {@code 0xFFFFFF00} for 24
     */
    public static int mask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0-32");
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address");
    }
}
