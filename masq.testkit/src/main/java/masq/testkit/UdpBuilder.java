package masq.testkit;

/**
 * A UDP datagram (RFC 768) in an IPv4 datagram; made by {@link Packets#udp}.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * </pre>
 */
public final class UdpBuilder extends Ipv4Builder<UdpBuilder> {
    /** Length of the UDP header. */
    public static final int HEADER_LENGTH = 8;
    private static final int ZERO_CHECKSUM_SENT_AS = 0xffff;

    private final int sourcePort;
    private final int destinationPort;
    private boolean withChecksum = true;

    UdpBuilder(String source, int sourcePort, String destination, int destinationPort) {
        super(source, destination);
        this.sourcePort = Packets.check("source port", sourcePort, 0xffff);
        this.destinationPort = Packets.check("destination port", destinationPort, 0xffff);
    }

    /** False to send no checksum (a zero field, RFC 768); default true. */
    public UdpBuilder checksum(boolean value) {
        withChecksum = value;
        return this;
    }

    @Override
    int protocol() {
        return Packets.PROTOCOL_UDP;
    }

    @Override
    int transportHeaderLength() {
        return HEADER_LENGTH;
    }

    @Override
    void writeTransportHeader(byte[] b, int t, int transportLength) {
        Packets.put16(b, t, sourcePort);
        Packets.put16(b, t + 2, destinationPort);
        Packets.put16(b, t + 4, transportLength);
    }

    @Override
    void writeTransportChecksum(byte[] b, int t, int transportLength) {
        if (!withChecksum) {
            return;
        }
        int sum = Checksums.checksum(b, t, transportLength, Checksums.pseudoHeaderSum(b, 0, transportLength));
        // RFC 768: a computed zero is transmitted as all ones.
        Packets.put16(b, t + 6, sum == 0 ? ZERO_CHECKSUM_SENT_AS : sum);
    }
}
