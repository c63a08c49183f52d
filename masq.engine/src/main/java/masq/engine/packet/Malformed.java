package masq.engine.packet;

/**
 * Why a header failed validation. The validators return one of these codes (0 = well formed);
 * each code's name is the name of the drop counter the engine increments for it.
 */
public final class Malformed {
    /** The header is well formed. */
    public static final int OK = 0;
    public static final int IP_TRUNCATED = 1;
    public static final int IP_BAD_VERSION = 2;
    public static final int IP_BAD_IHL = 3;
    public static final int IP_BAD_TOTAL_LENGTH = 4;
    public static final int IP_BAD_CHECKSUM = 5;
    public static final int IP_BAD_FRAGMENT = 6;
    public static final int TCP_TRUNCATED = 7;
    public static final int TCP_BAD_DATA_OFFSET = 8;
    public static final int TCP_BAD_OPTIONS = 9;
    public static final int TCP_BAD_CHECKSUM = 10;
    public static final int UDP_TRUNCATED = 11;
    public static final int UDP_BAD_LENGTH = 12;
    public static final int UDP_BAD_CHECKSUM = 13;
    public static final int ICMP_TRUNCATED = 14;
    public static final int ICMP_BAD_CHECKSUM = 15;
    public static final int ICMP_EMBEDDED_TRUNCATED = 16;
    public static final int ICMP_EMBEDDED_BAD_HEADER = 17;
    public static final int ICMP_EMBEDDED_BAD_CHECKSUM = 18;
    /** An IP option whose length is below 2 or runs past the header. */
    public static final int IP_BAD_OPTIONS = 19;
    /**
     * A TCP flag combination no connection uses (SYN+FIN, SYN+RST, no flags, FIN without ACK, the
     * "Xmas" FIN+PSH+URG): the set Linux conntrack also refuses.
     */
    public static final int TCP_BAD_FLAGS = 20;

    private static final String[] NAMES = {
        "ok", "drop.ip.truncated", "drop.ip.bad-version", "drop.ip.bad-ihl", "drop.ip.bad-total-length",
        "drop.ip.bad-checksum", "drop.ip.bad-fragment", "drop.tcp.truncated", "drop.tcp.bad-data-offset",
        "drop.tcp.bad-options", "drop.tcp.bad-checksum", "drop.udp.truncated", "drop.udp.bad-length",
        "drop.udp.bad-checksum", "drop.icmp.truncated", "drop.icmp.bad-checksum",
        "drop.icmp.embedded-truncated", "drop.icmp.embedded-bad-header", "drop.icmp.embedded-bad-checksum",
        "drop.ip.bad-options", "drop.tcp.bad-flags",
    };

    /** How many codes there are, {@link #OK} included. */
    public static final int COUNT = NAMES.length;

    private Malformed() {
    }

    /** The counter name of a code, e.g. {@code drop.ip.bad-checksum}. */
    public static String name(int code) {
        return NAMES[code];
    }
}
