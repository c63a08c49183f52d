package masq.testkit;

/**
 * An ICMP message (RFC 792) in an IPv4 datagram: an echo request or reply
 * ({@link Packets#icmpEcho}) or an error quoting a datagram ({@link Packets#icmpError}).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Rest of header: identifier and sequence (echo), unused or    |
 * |  next-hop MTU (errors)                                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data: echo payload, or the quoted IP header + 8 bytes        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class IcmpBuilder extends Ipv4Builder<IcmpBuilder> {
    /** Length of the ICMP header (type, code, checksum, rest of header). */
    public static final int HEADER_LENGTH = 8;

    private int type;
    private final int code;
    private int restOfHeader;

    IcmpBuilder(String source, String destination, int type, int code, int restOfHeader) {
        super(source, destination);
        this.type = Packets.check("type", type, 0xff);
        this.code = Packets.check("code", code, 0xff);
        this.restOfHeader = restOfHeader;
    }

    /** Turns an echo request into an echo reply (type 0) with the same identifier and sequence. */
    public IcmpBuilder reply() {
        type = Packets.ICMP_ECHO_REPLY;
        return this;
    }

    /** The next-hop MTU of a fragmentation-needed error (RFC 1191), 0-65535. */
    public IcmpBuilder nextHopMtu(int value) {
        restOfHeader = Packets.check("next-hop MTU", value, 0xffff);
        return this;
    }

    @Override
    int protocol() {
        return Packets.PROTOCOL_ICMP;
    }

    @Override
    int transportHeaderLength() {
        return HEADER_LENGTH;
    }

    @Override
    void writeTransportHeader(byte[] b, int t, int transportLength) {
        b[t] = (byte) type;
        b[t + 1] = (byte) code;
        Packets.put32(b, t + 4, restOfHeader);
    }

    @Override
    void writeTransportChecksum(byte[] b, int t, int transportLength) {
        Packets.put16(b, t + 2, Checksums.checksum(b, t, transportLength, 0));
    }
}
