package masq.engine.packet;

/**
 * The ICMP header (RFC 792) at offset {@code icmp} of an array, for queries and errors.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Identifier (queries)        |   Sequence Number (queries)   |
 * |   unused / pointer / next-hop MTU (errors)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data; for errors: the offending IP header + at least 8 bytes |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class IcmpHeader {
    public static final int LENGTH = 8;
    public static final int OFFSET_CHECKSUM = 2;
    public static final int OFFSET_IDENTIFIER = 4;
    public static final int ECHO_REPLY = 0;
    public static final int DESTINATION_UNREACHABLE = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    public static final int TIMESTAMP_REQUEST = 13;
    public static final int TIMESTAMP_REPLY = 14;
    public static final int INFO_REQUEST = 15;
    public static final int INFO_REPLY = 16;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** Destination unreachable code: host unreachable (RFC 792; RFC 1812 §4.3.3.1). */
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_ADMIN_PROHIBITED = 13;
    /** Bytes of the offending datagram's payload an error must quote (RFC 792). */
    public static final int QUOTED_PAYLOAD_BYTES = 8;

    private IcmpHeader() {
    }

    public static int type(byte[] b, int icmp) {
        return b[icmp] & 0xff;
    }

    public static int code(byte[] b, int icmp) {
        return b[icmp + 1] & 0xff;
    }

    public static int checksum(byte[] b, int icmp) {
        return Bytes.get16(b, icmp + OFFSET_CHECKSUM);
    }

    public static void setChecksum(byte[] b, int icmp, int value) {
        Bytes.set16(b, icmp + OFFSET_CHECKSUM, value);
    }

    public static int identifier(byte[] b, int icmp) {
        return Bytes.get16(b, icmp + OFFSET_IDENTIFIER);
    }

    public static void setIdentifier(byte[] b, int icmp, int value) {
        Bytes.set16(b, icmp + OFFSET_IDENTIFIER, value);
    }

    /** True for the requests whose identifier is masqueraded: echo, timestamp, information. */
    public static boolean isQueryRequest(int type) {
        return type == ECHO_REQUEST || type == TIMESTAMP_REQUEST || type == INFO_REQUEST;
    }

    /** True for the replies matching {@link #isQueryRequest}. */
    public static boolean isQueryReply(int type) {
        return type == ECHO_REPLY || type == TIMESTAMP_REPLY || type == INFO_REPLY;
    }

    /** True for the errors that quote an offending datagram and are translated (RFC 5508 §4). */
    public static boolean isError(int type) {
        return type == DESTINATION_UNREACHABLE || type == SOURCE_QUENCH || type == TIME_EXCEEDED
                || type == PARAMETER_PROBLEM;
    }

    /** Validates an ICMP message of {@code length} bytes: the fixed header and the checksum. */
    public static int validate(byte[] b, int icmp, int length, boolean verifyChecksum) {
        if (length < LENGTH) {
            return Malformed.ICMP_TRUNCATED;
        }
        if (verifyChecksum && !Checksum.verify(b, icmp, length, 0)) {
            return Malformed.ICMP_BAD_CHECKSUM;
        }
        return Malformed.OK;
    }

    /**
     * Validates the datagram an error quotes at {@code inner} ({@code length} bytes to the end of
     * the message): a full IPv4 header with a good checksum (RFC 5508 REQ-3a) and at least the
     * first 8 bytes of its transport header. The quoted total length may exceed what is quoted.
     */
    public static int validateEmbedded(byte[] b, int inner, int length) {
        if (length < Ipv4Header.MIN_LENGTH + QUOTED_PAYLOAD_BYTES) {
            return Malformed.ICMP_EMBEDDED_TRUNCATED;
        }
        int headerLength = Ipv4Header.headerLength(b, inner);
        if (Ipv4Header.version(b, inner) != 4 || headerLength < Ipv4Header.MIN_LENGTH) {
            return Malformed.ICMP_EMBEDDED_BAD_HEADER;
        }
        if (headerLength + QUOTED_PAYLOAD_BYTES > length) {
            return Malformed.ICMP_EMBEDDED_TRUNCATED;
        }
        if (!Checksum.verify(b, inner, headerLength, 0)) {
            return Malformed.ICMP_EMBEDDED_BAD_CHECKSUM;
        }
        return Malformed.OK;
    }
}
