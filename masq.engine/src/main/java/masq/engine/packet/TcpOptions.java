package masq.engine.packet;

/**
 * The TCP option list (RFC 9293 §3.1, RFC 2018 SACK, RFC 7323 timestamps): a walk over
 * kind/length/value items between the fixed header and the data offset.
 *
 * <pre>
 * +--------+--------+---------...
 * |  Kind  | Length |  Value         (kinds 0 End and 1 No-Operation are a single byte)
 * +--------+--------+---------...
 * MSS:        kind 2, length 4,  16-bit maximum segment size
 * SACK:       kind 5, length 2+8n, n pairs of 32-bit left/right edges
 * Timestamps: kind 8, length 10, 32-bit TSval, 32-bit TSecr
 * </pre>
 */
public final class TcpOptions {
    public static final int KIND_END = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;
    private static final int MSS_LENGTH = 4;
    private static final int TIMESTAMPS_LENGTH = 10;
    private static final int SACK_BLOCK_LENGTH = 8;

    private TcpOptions() {
    }

    /** True when every option of {@code b[off, off+len)} has a length that fits the list. */
    public static boolean wellFormed(byte[] b, int off, int len) {
        return listWellFormed(b, off, len, true);
    }

    /**
     * The walk of {@link #wellFormed}, for any list in this format: IPv4 options share it (RFC 791
     * §3.1: types 0 end and 1 no-operation are single bytes, every other carries a length of at
     * least 2 that counts itself). With {@code tcpKinds}, TCP's known kinds must also have their
     * own lengths.
     */
    static boolean listWellFormed(byte[] b, int off, int len, boolean tcpKinds) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int kind = b[i] & 0xff;
            if (kind == KIND_END) {
                return true;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return false;
            }
            int optionLength = b[i + 1] & 0xff;
            if (optionLength < 2 || i + optionLength > end || (tcpKinds && !lengthFits(kind, optionLength))) {
                return false;
            }
            i += optionLength;
        }
        return true;
    }

    private static boolean lengthFits(int kind, int optionLength) {
        switch (kind) {
            case KIND_MSS:
                return optionLength == MSS_LENGTH;
            case KIND_TIMESTAMPS:
                return optionLength == TIMESTAMPS_LENGTH;
            case KIND_SACK:
                return optionLength > 2 && (optionLength - 2) % SACK_BLOCK_LENGTH == 0;
            default:
                return true;
        }
    }

    /**
     * The offset of the first option of {@code kind} in the header at {@code tcp}, or -1. The
     * option list must have passed {@link #wellFormed}.
     */
    public static int find(byte[] b, int tcp, int kind) {
        int end = tcp + TcpHeader.dataOffset(b, tcp);
        int i = tcp + TcpHeader.MIN_LENGTH;
        while (i < end) {
            int k = b[i] & 0xff;
            if (k == KIND_END) {
                return -1;
            }
            if (k == KIND_NOP) {
                i++;
                continue;
            }
            if (k == kind) {
                return i;
            }
            i += b[i + 1] & 0xff;
        }
        return -1;
    }

    /** The MSS option's value, or -1 without one. */
    public static int mss(byte[] b, int tcp) {
        int at = find(b, tcp, KIND_MSS);
        return at < 0 ? -1 : Bytes.get16(b, at + 2);
    }

    /** The number of SACK blocks, 0 without the option. */
    public static int sackBlocks(byte[] b, int tcp) {
        int at = find(b, tcp, KIND_SACK);
        return at < 0 ? 0 : ((b[at + 1] & 0xff) - 2) / SACK_BLOCK_LENGTH;
    }

    /** The offset of SACK block {@code n}'s left edge (the right edge follows), or -1. */
    public static int sackBlock(byte[] b, int tcp, int n) {
        int at = find(b, tcp, KIND_SACK);
        return at < 0 || n < 0 || n >= sackBlocks(b, tcp) ? -1 : at + 2 + n * SACK_BLOCK_LENGTH;
    }

    /** The offset of the TSval field (TSecr follows), or -1 without the option. */
    public static int timestamps(byte[] b, int tcp) {
        int at = find(b, tcp, KIND_TIMESTAMPS);
        return at < 0 ? -1 : at + 2;
    }
}
