package masq.testkit;

import java.nio.charset.StandardCharsets;
import masq.api.Ipv4;

/**
 * What every packet builder shares: the IPv4 header (RFC 791, no options) and the payload.
 * {@link #build()} returns a new array holding one valid datagram, every checksum computed.
 * Setters check their argument and throw {@link IllegalArgumentException} naming it.
 *
 * <p>Not thread-safe; a builder may be built several times (each call returns a new array).
 *
 * @param <B> the concrete builder, returned by the setters
 */
public abstract class Ipv4Builder<B extends Ipv4Builder<B>> {
    /** Length of the IPv4 header the builders write. */
    public static final int IP_HEADER_LENGTH = 20;
    private static final int MAX_DATAGRAM_LENGTH = 65535;
    private static final int DEFAULT_TTL = 64;
    private static final int FLAG_DONT_FRAGMENT = 0x4000;

    private final int source;
    private final int destination;
    private int ttl = DEFAULT_TTL;
    private int identification;
    private int typeOfService;
    private boolean dontFragment;
    /** The transport payload, after the transport header. */
    protected byte[] payload = new byte[0];

    Ipv4Builder(String source, String destination) {
        this.source = Ipv4.parse(source);
        this.destination = Ipv4.parse(destination);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Time to live, 0-255 (default 64). */
    public B ttl(int value) {
        ttl = Packets.check("ttl", value, 0xff);
        return self();
    }

    /** The IP identification, 0-65535 (default 0). */
    public B id(int value) {
        identification = Packets.check("id", value, 0xffff);
        return self();
    }

    /** The type-of-service / DSCP+ECN byte, 0-255 (default 0). */
    public B tos(int value) {
        typeOfService = Packets.check("tos", value, 0xff);
        return self();
    }

    /** Sets the don't-fragment flag (default clear). */
    public B dontFragment(boolean value) {
        dontFragment = value;
        return self();
    }

    /** The payload after the transport header (copied). */
    public B payload(byte[] value) {
        payload = value.clone();
        return self();
    }

    /** The payload as ISO-8859-1 text, one byte per character, e.g. {@code "PORT 192,168,0,2,4,1\r\n"}. */
    public B payload(String text) {
        payload = text.getBytes(StandardCharsets.ISO_8859_1);
        return self();
    }

    /** The IP protocol number of the transport header. */
    abstract int protocol();

    /** The transport header length in bytes. */
    abstract int transportHeaderLength();

    /** Writes the transport header at {@code t}, its checksum field zero. */
    abstract void writeTransportHeader(byte[] b, int t, int transportLength);

    /** Computes and stores the transport checksum of the datagram at 0, transport at {@code t}. */
    abstract void writeTransportChecksum(byte[] b, int t, int transportLength);

    /** The datagram: IPv4 header, transport header, payload, every checksum valid. */
    public byte[] build() {
        int transportLength = transportHeaderLength() + payload.length;
        int total = IP_HEADER_LENGTH + transportLength;
        if (total > MAX_DATAGRAM_LENGTH) {
            throw new IllegalArgumentException("payload: " + payload.length + " bytes make a datagram over "
                    + MAX_DATAGRAM_LENGTH + " bytes");
        }
        byte[] b = new byte[total];
        b[0] = 0x45;
        b[1] = (byte) typeOfService;
        Packets.put16(b, 2, total);
        Packets.put16(b, 4, identification);
        Packets.put16(b, 6, dontFragment ? FLAG_DONT_FRAGMENT : 0);
        b[8] = (byte) ttl;
        b[9] = (byte) protocol();
        Packets.put32(b, 12, source);
        Packets.put32(b, 16, destination);
        Packets.put16(b, 10, Checksums.checksum(b, 0, IP_HEADER_LENGTH, 0));
        writeTransportHeader(b, IP_HEADER_LENGTH, transportLength);
        System.arraycopy(payload, 0, b, IP_HEADER_LENGTH + transportHeaderLength(), payload.length);
        writeTransportChecksum(b, IP_HEADER_LENGTH, transportLength);
        return b;
    }
}
