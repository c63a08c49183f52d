package masq.engine.packet;

/**
 * Cuts a TCP segmentation-offload super-frame into segments that fit an MTU, as a forwarding
 * kernel does for a device without TSO (Linux {@code tcp_gso_segment}): every segment carries the
 * super-frame's IP header (options included) and TCP header (options included); segment
 * {@code i} starts at sequence number {@code seq + i * mss} and has IP identification
 * {@code id + i}; FIN and PSH stay on the last segment only, CWR on the first only; URG and the
 * urgent pointer stay on the segments the urgent data reaches, the pointer made relative to each;
 * the lengths and both checksums are computed afresh. Nothing is allocated.
 *
 * <p>A super-frame is whatever the caller decides is one (the engine: a TCP segment longer than
 * the MTU of the link it arrived on, which no wire could have carried). {@link #count} checks that
 * it can be cut; {@link #write} writes one segment.
 */
public final class TcpSegmentation {
    /** {@link #count}: not cut, a SYN or RST (a single segment by nature), or a fragment. */
    public static final int BAD_FLAGS = -1;
    /** {@link #count}: not cut, the headers leave no room for payload in the MTU. */
    public static final int NO_ROOM = -2;
    private static final int CWR = 0x80;
    private static final int URG = 0x20;
    private static final int OFFSET_FLAGS = 13;
    private static final int OFFSET_URGENT_POINTER = 18;

    private TcpSegmentation() {
    }

    /**
     * The number of segments of at most {@code mtu} bytes the valid IPv4 TCP segment
     * {@code b[ip, ip+length)} is cut into (1 if it fits already), or {@link #BAD_FLAGS} or
     * {@link #NO_ROOM}.
     */
    public static int count(byte[] b, int ip, int length, int mtu) {
        int headers = headers(b, ip);
        if (Ipv4Header.isFragment(b, ip) || (TcpHeader.flags(b, ip + Ipv4Header.headerLength(b, ip))
                & (TcpHeader.SYN | TcpHeader.RST)) != 0) {
            return BAD_FLAGS;
        }
        int mss = mtu - headers;
        if (mss <= 0) {
            return NO_ROOM;
        }
        int payload = length - headers;
        return payload <= mss ? 1 : (payload + mss - 1) / mss;
    }

    /**
     * Writes segment {@code index} (0 to {@link #count} - 1) of {@code b[ip, ip+length)} cut for
     * {@code mtu} into {@code out} at {@code outOffset}, which must have room for {@code mtu}
     * bytes; returns its length.
     */
    public static int write(byte[] b, int ip, int length, int mtu, int index, byte[] out, int outOffset) {
        int ipLength = Ipv4Header.headerLength(b, ip);
        int headers = headers(b, ip);
        int mss = mtu - headers;
        int start = index * mss;
        int payload = length - headers;
        int size = Math.min(mss, payload - start);
        boolean last = start + size >= payload;
        System.arraycopy(b, ip, out, outOffset, headers);
        System.arraycopy(b, ip + headers + start, out, outOffset + headers, size);

        int segmentLength = headers + size;
        Bytes.set16(out, outOffset + Ipv4Header.OFFSET_TOTAL_LENGTH, segmentLength);
        Bytes.set16(out, outOffset + 4, Ipv4Header.identification(b, ip) + index);
        Ipv4Header.updateChecksum(out, outOffset);

        int tcp = outOffset + ipLength;
        int sequence = TcpHeader.sequence(b, ip + ipLength);
        TcpHeader.setSequence(out, tcp, sequence + start);
        int flags = TcpHeader.flags(out, tcp);
        if (!last) {
            flags &= ~(TcpHeader.FIN | TcpHeader.PSH);
        }
        if (index > 0) {
            flags &= ~CWR;
        }
        if ((flags & URG) != 0) {
            // The pointer marks the end of urgent data relative to the super-frame's first byte.
            int left = Bytes.get16(b, ip + ipLength + OFFSET_URGENT_POINTER) - start;
            if (left > 0) {
                Bytes.set16(out, tcp + OFFSET_URGENT_POINTER, left);
            } else {
                flags &= ~URG;
                Bytes.set16(out, tcp + OFFSET_URGENT_POINTER, 0);
            }
        }
        out[tcp + OFFSET_FLAGS] = (byte) flags;
        int tcpLength = segmentLength - ipLength;
        TcpHeader.setChecksum(out, tcp, 0);
        int checksum = Checksum.compute(out, tcp, tcpLength, Checksum.pseudoHeader(Ipv4Header.source(b, ip),
                Ipv4Header.destination(b, ip), Ipv4Header.PROTOCOL_TCP, tcpLength));
        TcpHeader.setChecksum(out, tcp, checksum);
        return segmentLength;
    }

    private static int headers(byte[] b, int ip) {
        int ipLength = Ipv4Header.headerLength(b, ip);
        return ipLength + TcpHeader.dataOffset(b, ip + ipLength);
    }
}
