package masq.engine.packet;

/**
 * The IPv4 header (RFC 791) at offset {@code ip} of an array.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL &gt; 5)         |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv4Header {
    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int OFFSET_TOTAL_LENGTH = 2;
    public static final int OFFSET_TTL = 8;
    public static final int OFFSET_CHECKSUM = 10;
    public static final int OFFSET_SOURCE = 12;
    public static final int OFFSET_DESTINATION = 16;
    private static final int MAX_DATAGRAM_BYTES = 65535;

    private Ipv4Header() {
    }

    public static int version(byte[] b, int ip) {
        return (b[ip] & 0xff) >>> 4;
    }

    /** The header length in bytes (IHL × 4). */
    public static int headerLength(byte[] b, int ip) {
        return (b[ip] & 0x0f) << 2;
    }

    public static int totalLength(byte[] b, int ip) {
        return Bytes.get16(b, ip + OFFSET_TOTAL_LENGTH);
    }

    public static int identification(byte[] b, int ip) {
        return Bytes.get16(b, ip + 4);
    }

    /** The flags and fragment offset word. */
    public static int fragmentWord(byte[] b, int ip) {
        return Bytes.get16(b, ip + 6);
    }

    /** The fragment offset in bytes. */
    public static int fragmentOffset(byte[] b, int ip) {
        return (fragmentWord(b, ip) & 0x1fff) << 3;
    }

    public static boolean moreFragments(byte[] b, int ip) {
        return (fragmentWord(b, ip) & FLAG_MORE_FRAGMENTS) != 0;
    }

    public static boolean dontFragment(byte[] b, int ip) {
        return (fragmentWord(b, ip) & FLAG_DONT_FRAGMENT) != 0;
    }

    /** True for any fragment, the first included. */
    public static boolean isFragment(byte[] b, int ip) {
        return (fragmentWord(b, ip) & (FLAG_MORE_FRAGMENTS | 0x1fff)) != 0;
    }

    public static int ttl(byte[] b, int ip) {
        return b[ip + OFFSET_TTL] & 0xff;
    }

    public static int protocol(byte[] b, int ip) {
        return b[ip + 9] & 0xff;
    }

    public static int checksum(byte[] b, int ip) {
        return Bytes.get16(b, ip + OFFSET_CHECKSUM);
    }

    public static int source(byte[] b, int ip) {
        return Bytes.get32(b, ip + OFFSET_SOURCE);
    }

    public static int destination(byte[] b, int ip) {
        return Bytes.get32(b, ip + OFFSET_DESTINATION);
    }

    public static void setChecksum(byte[] b, int ip, int value) {
        Bytes.set16(b, ip + OFFSET_CHECKSUM, value);
    }

    /** Recomputes the header checksum from scratch (options included). */
    public static void updateChecksum(byte[] b, int ip) {
        setChecksum(b, ip, 0);
        setChecksum(b, ip, Checksum.compute(b, ip, headerLength(b, ip), 0));
    }

    /** Rewrites the source address, adjusting the header checksum incrementally. */
    public static void rewriteSource(byte[] b, int ip, int address) {
        int old = source(b, ip);
        Bytes.set32(b, ip + OFFSET_SOURCE, address);
        setChecksum(b, ip, Checksum.update32(checksum(b, ip), old, address));
    }

    /** Rewrites the destination address, adjusting the header checksum incrementally. */
    public static void rewriteDestination(byte[] b, int ip, int address) {
        int old = destination(b, ip);
        Bytes.set32(b, ip + OFFSET_DESTINATION, address);
        setChecksum(b, ip, Checksum.update32(checksum(b, ip), old, address));
    }

    /** Decrements the TTL by one, adjusting the header checksum incrementally. */
    public static void decrementTtl(byte[] b, int ip) {
        int oldWord = Bytes.get16(b, ip + OFFSET_TTL);
        b[ip + OFFSET_TTL]--;
        setChecksum(b, ip, Checksum.update16(checksum(b, ip), oldWord, Bytes.get16(b, ip + OFFSET_TTL)));
    }

    /** IP option types (RFC 791): end of list, no operation, loose and strict source route. */
    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;
    public static final int OPTION_LSRR = 131;
    public static final int OPTION_SSRR = 137;

    /**
     * @return whether the options of a header that {@link #validate} accepted hold a loose or strict
     *     source route (which a gateway drops unless told otherwise: RFC 7126 §4.3, §4.4)
     */
    public static boolean sourceRouted(byte[] b, int ip) {
        int end = ip + headerLength(b, ip);
        for (int i = ip + MIN_LENGTH; i < end; ) {
            int type = b[i] & 0xff;
            if (type == OPTION_END) {
                return false;
            }
            if (type == OPTION_LSRR || type == OPTION_SSRR) {
                return true;
            }
            i += type == OPTION_NOP ? 1 : b[i + 1] & 0xff;
        }
        return false;
    }

    /**
     * Validates version, IHL, total length against the {@code captured} bytes, the fragment
     * extent, the options' lengths and the header checksum. Bytes captured beyond the total length (link padding) are
     * allowed; the datagram ends at the total length.
     */
    public static int validate(byte[] b, int ip, int captured) {
        if (captured < MIN_LENGTH) {
            return Malformed.IP_TRUNCATED;
        }
        if (version(b, ip) != 4) {
            return Malformed.IP_BAD_VERSION;
        }
        int headerLength = headerLength(b, ip);
        if (headerLength < MIN_LENGTH || headerLength > captured) {
            return Malformed.IP_BAD_IHL;
        }
        int totalLength = totalLength(b, ip);
        if (totalLength < headerLength || totalLength > captured) {
            return Malformed.IP_BAD_TOTAL_LENGTH;
        }
        if (fragmentOffset(b, ip) + totalLength - headerLength > MAX_DATAGRAM_BYTES) {
            return Malformed.IP_BAD_FRAGMENT;
        }
        if (headerLength > MIN_LENGTH && !TcpOptions.listWellFormed(b, ip + MIN_LENGTH, headerLength - MIN_LENGTH,
                false)) {
            return Malformed.IP_BAD_OPTIONS;
        }
        if (!Checksum.verify(b, ip, headerLength, 0)) {
            return Malformed.IP_BAD_CHECKSUM;
        }
        return Malformed.OK;
    }
}
