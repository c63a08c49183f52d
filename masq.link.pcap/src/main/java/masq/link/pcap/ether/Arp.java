package masq.link.pcap.ether;

/**
 * ARP packet access for Ethernet and IPv4 (RFC 826), by absolute offsets from the start of the ARP
 * packet (the Ethernet payload).
 *
 * <pre>
 *  0       2       4   5   6       8              14          18             24          28
 * +-------+-------+---+---+-------+--------------+-----------+--------------+-----------+
 * | htype | ptype |hln|pln|  op   |  sender MAC  | sender IP |  target MAC  | target IP |
 * |   1   |0x0800 | 6 | 4 | 1 / 2 |              |           |              |           |
 * +-------+-------+---+---+-------+--------------+-----------+--------------+-----------+
 * </pre>
 */
public final class Arp {
    /** The length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;
    /** Hardware type Ethernet. */
    public static final int HTYPE_ETHERNET = 1;
    /** Operation: request. */
    public static final int OP_REQUEST = 1;
    /** Operation: reply. */
    public static final int OP_REPLY = 2;
    private static final int HTYPE = 0;
    private static final int PTYPE = 2;
    private static final int HLEN = 4;
    private static final int PLEN = 5;
    private static final int OP = 6;
    private static final int SENDER_MAC = 8;
    private static final int SENDER_IP = 14;
    private static final int TARGET_MAC = 18;
    private static final int TARGET_IP = 24;

    private Arp() {
    }

    /** True if the fixed part says Ethernet hardware (length 6) and IPv4 protocol (length 4). */
    public static boolean isEthernetIpv4(byte[] b, int off) {
        return get16(b, off + HTYPE) == HTYPE_ETHERNET && get16(b, off + PTYPE) == Ethernet.TYPE_IPV4
                && (b[off + HLEN] & 0xff) == 6 && (b[off + PLEN] & 0xff) == 4;
    }

    /** The operation. */
    public static int op(byte[] b, int off) {
        return get16(b, off + OP);
    }

    /** The sender hardware address. */
    public static long senderMac(byte[] b, int off) {
        return Ethernet.mac(b, off + SENDER_MAC);
    }

    /** The sender protocol address. */
    public static int senderIp(byte[] b, int off) {
        return get32(b, off + SENDER_IP);
    }

    /** The target hardware address. */
    public static long targetMac(byte[] b, int off) {
        return Ethernet.mac(b, off + TARGET_MAC);
    }

    /** The target protocol address. */
    public static int targetIp(byte[] b, int off) {
        return get32(b, off + TARGET_IP);
    }

    /** Writes a whole Ethernet/IPv4 ARP packet at {@code off}. */
    public static void write(byte[] b, int off, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        set16(b, off + HTYPE, HTYPE_ETHERNET);
        set16(b, off + PTYPE, Ethernet.TYPE_IPV4);
        b[off + HLEN] = 6;
        b[off + PLEN] = 4;
        set16(b, off + OP, op);
        Ethernet.setMac(b, off + SENDER_MAC, senderMac);
        set32(b, off + SENDER_IP, senderIp);
        Ethernet.setMac(b, off + TARGET_MAC, targetMac);
        set32(b, off + TARGET_IP, targetIp);
    }

    /** The unsigned big-endian 16-bit word at {@code off}. */
    public static int get16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /** The big-endian 32-bit word at {@code off}. */
    public static int get32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** Writes the low 16 bits of {@code v} big-endian at {@code off}. */
    public static void set16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /** Writes {@code v} big-endian at {@code off}. */
    public static void set32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
