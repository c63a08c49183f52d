package masq.link.pcap.ether;

/**
 * IPv4 header fields the link needs, and fragmentation of a datagram larger than the MTU
 * (RFC 791 3.2, "Fragmentation and reassembly"; RFC 815 needs nothing more from the sender).
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
 * |                    Options (copied flag = bit 0 of the type)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv4Fragments {
    /** The fixed header length. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** The smallest MTU every IPv4 link must carry (RFC 791: 68 octets). */
    public static final int MIN_MTU = 68;
    private static final int FLAGS_OFFSET = 6;
    private static final int DF = 0x4000;
    private static final int MF = 0x2000;
    private static final int OFFSET_MASK = 0x1fff;
    private static final int CHECKSUM = 10;
    private static final int OPTION_EOL = 0;
    private static final int OPTION_NOP = 1;
    private static final int OPTION_COPIED = 0x80;

    private Ipv4Fragments() {
    }

    /** The header length in bytes from IHL. */
    public static int headerLength(byte[] b, int off) {
        return (b[off] & 0x0f) * 4;
    }

    /** The destination address. */
    public static int destination(byte[] b, int off) {
        return Arp.get32(b, off + 16);
    }

    /** The total length field. */
    public static int totalLength(byte[] b, int off) {
        return Arp.get16(b, off + 2);
    }

    /** True if Don't Fragment is set. */
    public static boolean dontFragment(byte[] b, int off) {
        return (Arp.get16(b, off + FLAGS_OFFSET) & DF) != 0;
    }

    /**
     * True if {@code b[off, off+len)} starts like an IPv4 datagram the link can frame: version 4, a
     * header length from 20 to {@code len}, and a total length equal to {@code len}.
     */
    public static boolean isFramable(byte[] b, int off, int len) {
        if (off < 0 || len < MIN_HEADER_LENGTH || len > b.length - off || (b[off] & 0xf0) != 0x40) {
            return false;
        }
        int ihl = headerLength(b, off);
        return ihl >= MIN_HEADER_LENGTH && ihl <= len && totalLength(b, off) == len;
    }

    /**
     * Writes the fragment of {@code src[off, off+len)} whose data starts at data position
     * {@code position} into {@code dst} at {@code dstOff}, at most {@code mtu} bytes long. The first
     * fragment carries the whole header; later ones only the options whose copied flag is set
     * (RFC 791: "copied on fragmentation"). Every fragment but the last has MF set, as does the
     * last if the original had it; offsets continue the original's. The header checksum is
     * recomputed. Returns the data position of the next fragment, {@code len - ihl} after the last.
     *
     * <p>The caller has checked {@link #isFramable}, DF clear, {@code len > mtu >= 68}.
     */
    public static int writeFragment(byte[] src, int off, int len, int mtu, int position, byte[] dst, int dstOff) {
        int ihl = headerLength(src, off);
        int dataLength = len - ihl;
        int hl = position == 0 ? copyWholeHeader(src, off, ihl, dst, dstOff) : copyCopiedHeader(src, off, ihl, dst, dstOff);
        int chunk = Math.min(dataLength - position, (mtu - hl) & ~7);
        boolean last = position + chunk >= dataLength;
        int original = Arp.get16(src, off + FLAGS_OFFSET);
        int flags = (!last || (original & MF) != 0) ? MF : 0;
        int offset = (original & OFFSET_MASK) + (position >> 3);
        Arp.set16(dst, dstOff + 2, hl + chunk);
        Arp.set16(dst, dstOff + FLAGS_OFFSET, flags | offset);
        System.arraycopy(src, off + ihl + position, dst, dstOff + hl, chunk);
        setHeaderChecksum(dst, dstOff, hl);
        return position + chunk;
    }

    /** Recomputes the header checksum over {@code hl} bytes (RFC 1071). */
    public static void setHeaderChecksum(byte[] b, int off, int hl) {
        b[off + CHECKSUM] = 0;
        b[off + CHECKSUM + 1] = 0;
        int sum = 0;
        for (int i = 0; i < hl; i += 2) {
            sum += Arp.get16(b, off + i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        Arp.set16(b, off + CHECKSUM, ~sum);
    }

    private static int copyWholeHeader(byte[] src, int off, int ihl, byte[] dst, int dstOff) {
        System.arraycopy(src, off, dst, dstOff, ihl);
        return ihl;
    }

    private static int copyCopiedHeader(byte[] src, int off, int ihl, byte[] dst, int dstOff) {
        System.arraycopy(src, off, dst, dstOff, MIN_HEADER_LENGTH);
        int out = MIN_HEADER_LENGTH;
        int i = MIN_HEADER_LENGTH;
        while (i < ihl) {
            int type = src[off + i] & 0xff;
            if (type == OPTION_EOL) {
                break;
            }
            if (type == OPTION_NOP) {
                i++;
                continue;
            }
            int optionLength = i + 1 < ihl ? src[off + i + 1] & 0xff : 0;
            if (optionLength < 2 || i + optionLength > ihl) {
                break;
            }
            if ((type & OPTION_COPIED) != 0) {
                System.arraycopy(src, off + i, dst, dstOff + out, optionLength);
                out += optionLength;
            }
            i += optionLength;
        }
        while ((out & 3) != 0) {
            dst[dstOff + out++] = OPTION_EOL;
        }
        dst[dstOff] = (byte) (0x40 | (out >> 2));
        return out;
    }
}
