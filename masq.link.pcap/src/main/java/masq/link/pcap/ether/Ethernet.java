package masq.link.pcap.ether;

/**
 * Ethernet II frame access (RFC 894) by absolute offsets into a frame array, and MAC addresses held
 * in the low 48 bits of a {@code long} (first octet most significant).
 *
 * <pre>
 *  0                   6                   12        14
 * +-------------------+-------------------+---------+------------------------
 * |  destination MAC  |    source MAC     |EtherType|  payload (46-1500)
 * +-------------------+-------------------+---------+------------------------
 * </pre>
 *
 * Callers check the frame holds {@link #HEADER_LENGTH} bytes first.
 */
public final class Ethernet {
    /** Destination, source and EtherType. */
    public static final int HEADER_LENGTH = 14;
    /** The shortest frame on the wire without the FCS; shorter frames are padded (IEEE 802.3). */
    public static final int MIN_FRAME_LENGTH = 60;
    /** EtherType of IPv4. */
    public static final int TYPE_IPV4 = 0x0800;
    /** EtherType of ARP. */
    public static final int TYPE_ARP = 0x0806;
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xffff_ffff_ffffL;
    private static final int DESTINATION = 0;
    private static final int SOURCE = 6;
    private static final int TYPE = 12;
    private static final long GROUP_BIT = 0x0100_0000_0000L;

    private Ethernet() {
    }

    /** The destination MAC. */
    public static long destination(byte[] f, int off) {
        return mac(f, off + DESTINATION);
    }

    /** The source MAC. */
    public static long source(byte[] f, int off) {
        return mac(f, off + SOURCE);
    }

    /** The EtherType. */
    public static int type(byte[] f, int off) {
        return ((f[off + TYPE] & 0xff) << 8) | (f[off + TYPE + 1] & 0xff);
    }

    /** Writes the whole header. */
    public static void setHeader(byte[] f, int off, long destination, long source, int type) {
        setMac(f, off + DESTINATION, destination);
        setMac(f, off + SOURCE, source);
        f[off + TYPE] = (byte) (type >>> 8);
        f[off + TYPE + 1] = (byte) type;
    }

    /** Reads six octets as a MAC. */
    public static long mac(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** Writes a MAC as six octets. */
    public static void setMac(byte[] b, int off, long mac) {
        for (int i = 5; i >= 0; i--) {
            b[off + i] = (byte) mac;
            mac >>>= 8;
        }
    }

    /** True for broadcast and multicast MACs (the I/G bit of the first octet). */
    public static boolean isGroup(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    /** {@code 02:00:5e:00:00:01} form. */
    public static String format(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xff;
            s.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (shift > 0) {
                s.append(':');
            }
        }
        return s.toString();
    }

    /**
     * Parses {@code 02:00:5e:00:00:01} (six hex octets separated by colons).
     *
     * @throws IllegalArgumentException naming the text if it is not a MAC address
     */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.length() != 17) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address");
        }
        long v = 0;
        for (int i = 0; i < 17; i++) {
            char c = t.charAt(i);
            if (i % 3 == 2) {
                if (c != ':') {
                    throw new IllegalArgumentException("'" + text + "' is not a MAC address");
                }
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address");
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
