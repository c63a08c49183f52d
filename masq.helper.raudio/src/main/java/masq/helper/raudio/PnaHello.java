package masq.helper.raudio;

/**
 * The hello a RealAudio PNA client sends first on its control connection (protocols.md §5.1), all
 * big-endian: {@code PNA}, a 16-bit protocol version, then options {@code id:u16 len:u16 value[len]}
 * up to one with id 0. Option 1 is the client's UDP data port, option 7 its UDP port for
 * error-correction data, each a 16-bit value; 0 means none. Every other option is skipped by its
 * length. Parsing never reads outside the bytes given and stops at the first inconsistency, keeping
 * the ports found before it.
 */
final class PnaHello {
    static final String MAGIC = "PNA";
    /** Option ids that carry a client UDP port. */
    static final int OPTION_DATA_PORT = 1;
    static final int OPTION_ROBUST_PORT = 7;
    /** Versions from here on are refused, as 2.2 refused them. */
    static final int MAX_VERSION = 255;
    /** The port options read from one hello (a real one has one or two). */
    static final int MAX_PORTS = 4;
    static final String REFUSED_TOO_MANY_PORTS = "pna-too-many-ports";

    private static final int HEADER = 5;

    private final int[] ports = new int[MAX_PORTS];
    /** Where each port's 2 bytes are, relative to the hello's first byte. */
    private final int[] offsets = new int[MAX_PORTS];
    private int count;
    private String refusal;

    private PnaHello() {
    }

    /** @return whether the bytes begin with {@code PNA} */
    static boolean starts(byte[] b, int off, int len) {
        return len >= 3 && b[off] == 'P' && b[off + 1] == 'N' && b[off + 2] == 'A';
    }

    /** Parses the hello in {@code b[off, off + len)}. */
    static PnaHello parse(byte[] b, int off, int len) {
        PnaHello h = new PnaHello();
        if (!starts(b, off, len) || len < HEADER) {
            return h.refuse(RaudioHelper.REFUSED_PNA_TRUNCATED);
        }
        if (u16(b, off + 3) > MAX_VERSION) {
            return h.refuse(RaudioHelper.REFUSED_PNA_VERSION);
        }
        int at = HEADER;
        while (true) {
            if (at + 2 > len) {
                return h.refuse(RaudioHelper.REFUSED_PNA_TRUNCATED);
            }
            int id = u16(b, off + at);
            if (id == 0) {
                return h;
            }
            if (at + 4 > len) {
                return h.refuse(RaudioHelper.REFUSED_PNA_TRUNCATED);
            }
            int optionLength = u16(b, off + at + 2);
            int value = at + 4;
            if (value + optionLength > len) {
                return h.refuse(RaudioHelper.REFUSED_PNA_TRUNCATED);
            }
            if (id == OPTION_DATA_PORT || id == OPTION_ROBUST_PORT) {
                if (optionLength != 2) {
                    return h.refuse(RaudioHelper.REFUSED_MALFORMED);
                }
                int port = u16(b, off + value);
                if (port != 0) {
                    if (h.count == MAX_PORTS) {
                        return h.refuse(REFUSED_TOO_MANY_PORTS);
                    }
                    h.ports[h.count] = port;
                    h.offsets[h.count++] = value;
                }
            }
            at = value + optionLength;
        }
    }

    /** @return the port options found (a port of 0 is not one) */
    int portCount() {
        return count;
    }

    /** @return port option {@code i}'s value */
    int port(int i) {
        return ports[i];
    }

    /** @return where port option {@code i}'s value is, from the hello's first byte */
    int portOffset(int i) {
        return offsets[i];
    }

    /** @return why parsing stopped early, or null for a hello read to its end */
    String refusal() {
        return refusal;
    }

    private PnaHello refuse(String reason) {
        refusal = reason;
        return this;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
