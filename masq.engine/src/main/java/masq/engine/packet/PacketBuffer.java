package masq.engine.packet;

/**
 * A reusable IPv4 packet holder: {@code data[offset, offset+length)} is the datagram as captured
 * (link header stripped). The engine rewrites it in place and may replace it with an answer of
 * its own (an ICMP error quoting the datagram), which can be longer than a short datagram; a
 * buffer with at least {@link #MAX_GENERATED_LENGTH} bytes from {@link #offset} always has room.
 *
 * <p>Not thread-safe: owned by one thread at a time, the engine thread while it is processed.
 */
public final class PacketBuffer {
    /** The longest datagram the gateway builds: IP + ICMP header + longest quoted IP header + 8 bytes. */
    public static final int MAX_GENERATED_LENGTH = Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH + Ipv4Header.MAX_LENGTH
            + IcmpHeader.QUOTED_PAYLOAD_BYTES;

    /** The backing array; its length is the capacity. */
    public final byte[] data;
    /** Where the IPv4 header starts. */
    public int offset;
    /** The captured bytes from {@link #offset}. */
    public int length;
    /** The side the datagram arrived on, for queues that carry buffers of both sides. */
    public int side;

    /** A buffer of {@code capacity} bytes, empty, starting at offset 0. */
    public PacketBuffer(int capacity) {
        this.data = new byte[capacity];
    }

    /** Wraps an array whose datagram is {@code data[offset, offset+length)}. */
    public PacketBuffer(byte[] data, int offset, int length) {
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /** Bytes available from {@link #offset} to the end of the array. */
    public int capacity() {
        return data.length - offset;
    }

    /** Copies {@code src[off, off+len)} in at offset 0; false (and nothing copied) if it does not fit. */
    public boolean set(byte[] src, int off, int len) {
        if (len < 0 || len > data.length) {
            return false;
        }
        System.arraycopy(src, off, data, 0, len);
        offset = 0;
        length = len;
        return true;
    }
}
