package masq.engine.packet;

/**
 * The TCP header (RFC 793, RFC 9293) at offset {@code tcp} of an array.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (data offset &gt; 5)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpHeader {
    public static final int MIN_LENGTH = 20;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int OFFSET_SOURCE_PORT = 0;
    public static final int OFFSET_DESTINATION_PORT = 2;
    public static final int OFFSET_SEQUENCE = 4;
    public static final int OFFSET_ACKNOWLEDGMENT = 8;
    /** The 16-bit word holding the data offset and the flags. */
    public static final int OFFSET_DATA_OFFSET = 12;
    public static final int OFFSET_CHECKSUM = 16;

    private TcpHeader() {
    }

    public static int sourcePort(byte[] b, int tcp) {
        return Bytes.get16(b, tcp);
    }

    public static int destinationPort(byte[] b, int tcp) {
        return Bytes.get16(b, tcp + 2);
    }

    public static int sequence(byte[] b, int tcp) {
        return Bytes.get32(b, tcp + 4);
    }

    public static int acknowledgment(byte[] b, int tcp) {
        return Bytes.get32(b, tcp + 8);
    }

    /** The header length in bytes (data offset × 4). */
    public static int dataOffset(byte[] b, int tcp) {
        return (b[tcp + 12] & 0xf0) >>> 2;
    }

    /** The flag bits CWR..FIN. */
    public static int flags(byte[] b, int tcp) {
        return b[tcp + 13] & 0xff;
    }

    public static int window(byte[] b, int tcp) {
        return Bytes.get16(b, tcp + 14);
    }

    public static int checksum(byte[] b, int tcp) {
        return Bytes.get16(b, tcp + OFFSET_CHECKSUM);
    }

    public static void setSequence(byte[] b, int tcp, int value) {
        Bytes.set32(b, tcp + OFFSET_SEQUENCE, value);
    }

    public static void setAcknowledgment(byte[] b, int tcp, int value) {
        Bytes.set32(b, tcp + OFFSET_ACKNOWLEDGMENT, value);
    }

    public static void setChecksum(byte[] b, int tcp, int value) {
        Bytes.set16(b, tcp + OFFSET_CHECKSUM, value);
    }

    /**
     * @return whether {@code flags} (PSH, ECE and CWR aside) are a combination a connection uses:
     *     SYN, SYN+ACK, RST, RST+ACK, FIN+ACK, ACK, each also with URG where TCP allows it (the set
     *     Linux conntrack accepts). Refused: SYN+FIN, SYN+RST, no flags, FIN without ACK ("Xmas"
     *     FIN+PSH+URG among them), FIN+RST.
     */
    static boolean validFlags(int flags) {
        return switch (flags & (FIN | SYN | RST | ACK | URG)) {
            case SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK, FIN | ACK | URG, ACK, ACK | URG -> true;
            default -> false;
        };
    }

    /**
     * Validates a TCP segment of {@code length} bytes. {@code pseudoHeaderSum} comes from
     * {@link Checksum#pseudoHeader}; the checksum is skipped when {@code verifyChecksum} is false
     * (first fragments, whose checksum covers bytes not in hand).
     */
    public static int validate(byte[] b, int tcp, int length, int pseudoHeaderSum, boolean verifyChecksum) {
        if (length < MIN_LENGTH) {
            return Malformed.TCP_TRUNCATED;
        }
        int dataOffset = dataOffset(b, tcp);
        if (dataOffset < MIN_LENGTH || dataOffset > length) {
            return Malformed.TCP_BAD_DATA_OFFSET;
        }
        if (!TcpOptions.wellFormed(b, tcp + MIN_LENGTH, dataOffset - MIN_LENGTH)) {
            return Malformed.TCP_BAD_OPTIONS;
        }
        if (!validFlags(flags(b, tcp))) {
            return Malformed.TCP_BAD_FLAGS;
        }
        if (verifyChecksum && !Checksum.verify(b, tcp, length, pseudoHeaderSum)) {
            return Malformed.TCP_BAD_CHECKSUM;
        }
        return Malformed.OK;
    }
}
