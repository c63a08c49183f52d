package masq.testkit;

/**
 * A TCP segment (RFC 9293) in an IPv4 datagram; made by {@link Packets#tcp}.
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
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpBuilder extends Ipv4Builder<TcpBuilder> {
    /** Length of the TCP header without options. */
    public static final int HEADER_LENGTH = 20;
    private static final int MAX_OPTIONS_LENGTH = 40;
    private static final int DEFAULT_WINDOW = 65535;
    private static final int OPTION_MSS = 2;
    private static final int OPTION_MSS_LENGTH = 4;
    private static final int OPTION_END = 0;

    private final int sourcePort;
    private final int destinationPort;
    private long sequence;
    private long acknowledgment;
    private int flags = Packets.ACK;
    private int window = DEFAULT_WINDOW;
    private int urgentPointer;
    private byte[] options = new byte[0];

    TcpBuilder(String source, int sourcePort, String destination, int destinationPort) {
        super(source, destination);
        this.sourcePort = Packets.check("source port", sourcePort, 0xffff);
        this.destinationPort = Packets.check("destination port", destinationPort, 0xffff);
    }

    /** The sequence number, 0 to 2^32-1 (default 0). */
    public TcpBuilder seq(long value) {
        sequence = Packets.check32("seq", value);
        return this;
    }

    /** The acknowledgment number, 0 to 2^32-1 (default 0). */
    public TcpBuilder ack(long value) {
        acknowledgment = Packets.check32("ack", value);
        return this;
    }

    /** The flags, e.g. {@code Packets.SYN | Packets.ACK} (default ACK alone). */
    public TcpBuilder flags(int value) {
        flags = Packets.check("flags", value, 0xff);
        return this;
    }

    /** The receive window, 0-65535 (default 65535). */
    public TcpBuilder window(int value) {
        window = Packets.check("window", value, 0xffff);
        return this;
    }

    /** The urgent pointer, 0-65535 (default 0). */
    public TcpBuilder urgentPointer(int value) {
        urgentPointer = Packets.check("urgent pointer", value, 0xffff);
        return this;
    }

    /** Raw option bytes (copied), padded with end-of-options to a multiple of 4; at most 40. */
    public TcpBuilder options(byte[] value) {
        if (value.length > MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("options: " + value.length + " bytes, more than " + MAX_OPTIONS_LENGTH);
        }
        options = new byte[(value.length + 3) & ~3];
        System.arraycopy(value, 0, options, 0, value.length);
        return this;
    }

    /** The maximum-segment-size option alone (RFC 9293 §3.7.1). */
    public TcpBuilder mss(int value) {
        int mss = Packets.check("mss", value, 0xffff);
        return options(new byte[] {OPTION_MSS, OPTION_MSS_LENGTH, (byte) (mss >>> 8), (byte) mss, OPTION_END});
    }

    @Override
    int protocol() {
        return Packets.PROTOCOL_TCP;
    }

    @Override
    int transportHeaderLength() {
        return HEADER_LENGTH + options.length;
    }

    @Override
    void writeTransportHeader(byte[] b, int t, int transportLength) {
        Packets.put16(b, t, sourcePort);
        Packets.put16(b, t + 2, destinationPort);
        Packets.put32(b, t + 4, (int) sequence);
        Packets.put32(b, t + 8, (int) acknowledgment);
        b[t + 12] = (byte) ((transportHeaderLength() / 4) << 4);
        b[t + 13] = (byte) flags;
        Packets.put16(b, t + 14, window);
        Packets.put16(b, t + 18, urgentPointer);
        System.arraycopy(options, 0, b, t + HEADER_LENGTH, options.length);
    }

    @Override
    void writeTransportChecksum(byte[] b, int t, int transportLength) {
        Packets.put16(b, t + 16, Checksums.checksum(b, t, transportLength,
                Checksums.pseudoHeaderSum(b, 0, transportLength)));
    }
}
