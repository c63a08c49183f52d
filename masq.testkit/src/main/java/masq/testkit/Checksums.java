package masq.testkit;

/**
 * The Internet checksum (RFC 1071) over IPv4, TCP, UDP and ICMP, for tests: computing, verifying,
 * and the <em>residual</em> that tells whether a translation passed a checksum through correctly.
 *
 * <p>The residual of a checksummed region is the folded one's-complement sum of all its bytes,
 * the checksum field included (and, for TCP and UDP, the pseudo-header): {@code 0xFFFF} when the
 * checksum is valid. A translation that adjusts checksums incrementally (RFC 1624) keeps the
 * residual, so a valid checksum stays valid and a bad one (a capture with transmit offload) stays
 * bad by the same amount: {@link #sameResidual} is the check for both.
 *
 * <p>Stateless; any thread.
 */
public final class Checksums {
    /** The residual of a region whose checksum is valid. */
    public static final int VALID_RESIDUAL = 0xFFFF;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;

    private Checksums() {
    }

    /** Adds the 16-bit big-endian words of {@code b[off, off+len)} to {@code sum} (an odd tail is padded). */
    public static long sum(byte[] b, int off, int len, long sum) {
        int end = off + len;
        int i = off;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits with end-around carry. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum to store over {@code b[off, off+len)} whose checksum field reads zero. */
    public static int checksum(byte[] b, int off, int len, long initial) {
        return ~fold(sum(b, off, len, initial)) & 0xffff;
    }

    /**
     * RFC 1624 eqn. 3: the new checksum after the covered data's sum changed from {@code oldSum}
     * to {@code newSum} (both folded, the checksum field excluded).
     */
    public static int adjust(int checksum, int oldSum, int newSum) {
        return ~fold((~checksum & 0xffff) + (~oldSum & 0xffff) + (newSum & 0xffff)) & 0xffff;
    }

    /** The pseudo-header sum of the datagram at {@code ip}: addresses, protocol, {@code transportLength}. */
    public static long pseudoHeaderSum(byte[] b, int ip, int transportLength) {
        long sum = sum(b, ip + 12, 8, 0);
        return sum + (b[ip + 9] & 0xff) + transportLength;
    }

    /** True if the IPv4 header at {@code ip} has a valid header checksum. */
    public static boolean ipHeaderValid(byte[] b, int ip) {
        int ihl = (b[ip] & 0x0f) * 4;
        return ihl >= 20 && ip + ihl <= b.length && fold(sum(b, ip, ihl, 0)) == VALID_RESIDUAL;
    }

    /**
     * The residual of the transport checksum of the datagram (or fragment) at {@code ip}, over the
     * bytes this datagram holds: TCP and UDP with their pseudo-header (UDP's from its length field,
     * TCP's from the IP payload length), ICMP without. For a first fragment the residual covers only
     * the first fragment's bytes: it cannot say whether the checksum is valid, but it can still be
     * compared before and after a translation. Returns -1 for a non-first fragment, another protocol,
     * or a header cut short.
     */
    public static int transportResidual(byte[] b, int ip) {
        int ihl = (b[ip] & 0x0f) * 4;
        int total = Math.min(((b[ip + 2] & 0xff) << 8) | (b[ip + 3] & 0xff), b.length - ip);
        int fragmentOffset = ((b[ip + 6] & 0x1f) << 8) | (b[ip + 7] & 0xff);
        int protocol = b[ip + 9] & 0xff;
        int t = ip + ihl;
        int len = total - ihl;
        if (fragmentOffset != 0 || len < 0) {
            return -1;
        }
        if (protocol == PROTOCOL_ICMP && len >= 4) {
            return fold(sum(b, t, len, 0));
        }
        if (protocol == PROTOCOL_UDP && len >= 8) {
            int udpLength = ((b[t + 4] & 0xff) << 8) | (b[t + 5] & 0xff);
            return fold(sum(b, t, Math.min(len, udpLength), pseudoHeaderSum(b, ip, udpLength)));
        }
        if (protocol == PROTOCOL_TCP && len >= 20) {
            return fold(sum(b, t, len, pseudoHeaderSum(b, ip, len)));
        }
        return -1;
    }

    /**
     * True if the TCP or UDP datagram at {@code ip} carries a partial checksum, as a sender that
     * offloads its checksum hands it over (Linux CHECKSUM_PARTIAL): the field holds the folded
     * pseudo-header sum, which the engine completes before translating (it then leaves valid).
     */
    public static boolean transportPartial(byte[] b, int ip) {
        int ihl = (b[ip] & 0x0f) * 4;
        int total = Math.min(((b[ip + 2] & 0xff) << 8) | (b[ip + 3] & 0xff), b.length - ip);
        int protocol = b[ip + 9] & 0xff;
        int t = ip + ihl;
        int field = protocol == PROTOCOL_TCP ? 16 : protocol == PROTOCOL_UDP ? 6 : -1;
        if (field < 0 || t + field + 2 > ip + total) {
            return false;
        }
        int length = protocol == PROTOCOL_UDP ? ((b[t + 4] & 0xff) << 8) | (b[t + 5] & 0xff) : total - ihl;
        int value = ((b[t + field] & 0xff) << 8) | (b[t + field + 1] & 0xff);
        return value == fold(pseudoHeaderSum(b, ip, length));
    }

    /** True if two residuals are equal in one's-complement arithmetic (0x0000 and 0xFFFF are both zero). */
    public static boolean sameResidual(int a, int b) {
        return a == b || (a == 0 || a == VALID_RESIDUAL) && (b == 0 || b == VALID_RESIDUAL);
    }

    /**
     * True if the UDP datagram at {@code ip} (not a non-first fragment) carries no checksum
     * (RFC 768: a transmitted zero means none).
     */
    public static boolean udpWithoutChecksum(byte[] b, int ip) {
        int t = ip + (b[ip] & 0x0f) * 4;
        return (b[ip + 9] & 0xff) == PROTOCOL_UDP && t + 8 <= b.length && b[t + 6] == 0 && b[t + 7] == 0;
    }
}
