package masq.engine.packet;

/**
 * The UDP header (RFC 768) at offset {@code udp} of an array.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |   Source Port   | Destination Port|
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * </pre>
 * A zero checksum means "none" (RFC 768); a computed zero is sent as 0xffff.
 */
public final class UdpHeader {
    public static final int LENGTH = 8;
    public static final int OFFSET_CHECKSUM = 6;

    private UdpHeader() {
    }

    public static int sourcePort(byte[] b, int udp) {
        return Bytes.get16(b, udp);
    }

    public static int destinationPort(byte[] b, int udp) {
        return Bytes.get16(b, udp + 2);
    }

    public static int length(byte[] b, int udp) {
        return Bytes.get16(b, udp + 4);
    }

    public static int checksum(byte[] b, int udp) {
        return Bytes.get16(b, udp + OFFSET_CHECKSUM);
    }

    public static void setChecksum(byte[] b, int udp, int value) {
        Bytes.set16(b, udp + OFFSET_CHECKSUM, value);
    }

    /**
     * Validates a UDP datagram of {@code length} bytes (the IP payload). For a first fragment
     * ({@code verifyChecksum} false) only the header is checked, not the length field against the
     * bytes in hand, nor the checksum.
     */
    public static int validate(byte[] b, int udp, int length, int pseudoHeaderSumWithoutLength,
            boolean verifyChecksum) {
        if (length < LENGTH) {
            return Malformed.UDP_TRUNCATED;
        }
        int udpLength = length(b, udp);
        if (udpLength < LENGTH || (verifyChecksum && udpLength > length)) {
            return Malformed.UDP_BAD_LENGTH;
        }
        if (verifyChecksum && checksum(b, udp) != 0
                && !Checksum.verify(b, udp, udpLength, pseudoHeaderSumWithoutLength + udpLength)) {
            return Malformed.UDP_BAD_CHECKSUM;
        }
        return Malformed.OK;
    }
}
