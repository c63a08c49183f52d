package masq.engine.edit;

import masq.api.HelperContext;
import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;
import masq.engine.packet.UdpHeader;

/**
 * The edits a helper asked for on one packet's payload, and their application: the payload is
 * rebuilt in place with the replacements, the packet resized, and the IP total length, IP header
 * checksum, UDP length and TCP/UDP checksum fixed. The transport checksum is updated incrementally
 * from the old and new payload sums (RFC 1624) rather than recomputed, so that a segment that
 * arrived with a bad checksum (when the engine does not verify them) still leaves with a bad one.
 *
 * <p>One instance is reused for every packet: {@link #begin}, {@link #add}..., then {@link #applyTo}.
 * Engine thread only; no allocation after construction.
 */
public final class PayloadEdits {
    /** The most edits one packet may carry. */
    public static final int MAX_EDITS = 16;
    /** {@link #add}: recorded. */
    public static final int OK = 0;
    /** {@link #add}: the range is outside the payload, or the source bytes outside their array. */
    public static final int OUT_OF_RANGE = 1;
    /**
     * {@link #add}: the range overlaps an earlier edit of this packet, or is an insertion where
     * another insertion is. Ranges that only touch do not overlap; an insertion (length 0) at the
     * start of a replaced range goes before it.
     */
    public static final int OVERLAP = 2;
    /** {@link #add}: more than {@link HelperContext#MAX_GROWTH_PER_PACKET} bytes, or edits, in all. */
    public static final int TOO_MUCH = 3;
    private static final int MAX_PAYLOAD = 65535;

    /** Edits kept sorted by offset. */
    private final int[] offset = new int[MAX_EDITS];
    private final int[] length = new int[MAX_EDITS];
    /** Where each edit's replacement starts in {@link #replacement}, and how long it is. */
    private final int[] from = new int[MAX_EDITS];
    private final int[] count = new int[MAX_EDITS];
    /** The replacement bytes of all edits, appended as they come; at most payload + growth bound. */
    private final byte[] replacement = new byte[MAX_PAYLOAD + HelperContext.MAX_GROWTH_PER_PACKET];
    /** A copy of the original payload while it is rebuilt. */
    private final byte[] original = new byte[MAX_PAYLOAD];
    private int edits;
    private int used;
    private int growth;
    private int payloadLength;

    /** Starts a packet whose payload has {@code length} bytes; forgets earlier edits. */
    public void begin(int length) {
        edits = 0;
        used = 0;
        growth = 0;
        payloadLength = length;
    }

    /** @return the number of edits recorded */
    public int size() {
        return edits;
    }

    /** @return the bytes the edits add to the packet (negative when they shrink it) */
    public int growth() {
        return growth;
    }

    /** Records a replacement of {@code length} bytes at {@code at} by {@code n} bytes of {@code bytes}. */
    public int add(int at, int len, byte[] bytes, int off, int n) {
        int code = check(at, len, n);
        if (code != OK) {
            return code;
        }
        if (bytes == null || off < 0 || n < 0 || off > bytes.length - n) {
            return OUT_OF_RANGE;
        }
        System.arraycopy(bytes, off, replacement, used, n);
        insert(at, len, n);
        return OK;
    }

    /** Like {@link #add(int, int, byte[], int, int)} with US-ASCII text; other characters become '?'. */
    public int add(int at, int len, CharSequence text) {
        if (text == null) {
            return OUT_OF_RANGE;
        }
        int n = text.length();
        int code = check(at, len, n);
        if (code != OK) {
            return code;
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            replacement[used + i] = (byte) (c < 0x80 ? c : '?');
        }
        insert(at, len, n);
        return OK;
    }

    private int check(int at, int len, int n) {
        if (at < 0 || len < 0 || n < 0 || at > payloadLength - len) {
            return OUT_OF_RANGE;
        }
        for (int i = 0; i < edits; i++) {
            boolean twoInsertions = len == 0 && length[i] == 0 && at == offset[i];
            if (twoInsertions || (at < offset[i] + length[i] && offset[i] < at + len)) {
                return OVERLAP;
            }
        }
        if (edits == MAX_EDITS || growth + n - len > HelperContext.MAX_GROWTH_PER_PACKET
                || n > replacement.length - used) {
            return TOO_MUCH;
        }
        return OK;
    }

    private void insert(int at, int len, int n) {
        int i = edits;
        while (i > 0 && (offset[i - 1] > at || (offset[i - 1] == at && len == 0))) {
            offset[i] = offset[i - 1];
            length[i] = length[i - 1];
            from[i] = from[i - 1];
            count[i] = count[i - 1];
            i--;
        }
        offset[i] = at;
        length[i] = len;
        from[i] = used;
        count[i] = n;
        used += n;
        growth += n - len;
        edits++;
    }

    /**
     * Applies the edits to the TCP segment or UDP datagram in {@code p} whose payload starts at
     * {@code payloadOffset} and runs to the end of the datagram. The caller has checked that
     * {@code p.length + growth()} fits the buffer and the path.
     *
     * @param l4 where the transport header starts
     */
    public void applyTo(PacketBuffer p, int l4, int payloadOffset) {
        byte[] b = p.data;
        int ip = p.offset;
        int oldTotal = p.length;
        int oldPayload = oldTotal - (payloadOffset - ip);
        System.arraycopy(b, payloadOffset, original, 0, oldPayload);
        int oldSum = Checksum.sum(b, payloadOffset, oldPayload);
        int w = payloadOffset;
        int r = 0;
        for (int i = 0; i < edits; i++) {
            int keep = offset[i] - r;
            System.arraycopy(original, r, b, w, keep);
            w += keep;
            System.arraycopy(replacement, from[i], b, w, count[i]);
            w += count[i];
            r = offset[i] + length[i];
        }
        System.arraycopy(original, r, b, w, oldPayload - r);
        w += oldPayload - r;
        int newTotal = w - ip;
        int newSum = Checksum.sum(b, payloadOffset, w - payloadOffset);
        int payloadDelta = (~Checksum.fold(oldSum) & 0xffff) + Checksum.fold(newSum);
        fixLengths(b, ip, l4, oldTotal, newTotal, payloadDelta);
        p.length = newTotal;
    }

    /**
     * Writes the payload as edited into {@code dst} at {@code at}: the {@code len} bytes of
     * {@code src} at {@code off}, the payload the edits were recorded against, with the edits
     * applied. {@code dst} needs {@code len + growth()} bytes there.
     *
     * @return the edited length
     */
    public int applyTo(byte[] src, int off, int len, byte[] dst, int at) {
        int w = at;
        int r = 0;
        for (int i = 0; i < edits; i++) {
            int keep = offset[i] - r;
            System.arraycopy(src, off + r, dst, w, keep);
            w += keep;
            System.arraycopy(replacement, from[i], dst, w, count[i]);
            w += count[i];
            r = offset[i] + length[i];
        }
        System.arraycopy(src, off + r, dst, w, len - r);
        return w + len - r - at;
    }

    /**
     * Replaces the payload of the TCP segment or UDP datagram in {@code p}, which starts at
     * {@code payloadOffset} and runs to the end of the datagram, with {@code n} bytes of
     * {@code src}, fixing lengths and checksums incrementally as {@link #applyTo(PacketBuffer, int, int)}
     * does. The caller has checked that the datagram fits the buffer and 65535 bytes.
     */
    public static void replacePayload(PacketBuffer p, int l4, int payloadOffset, byte[] src, int n) {
        byte[] b = p.data;
        int ip = p.offset;
        int oldTotal = p.length;
        int oldPayload = oldTotal - (payloadOffset - ip);
        int oldSum = Checksum.sum(b, payloadOffset, oldPayload);
        System.arraycopy(src, 0, b, payloadOffset, n);
        int newSum = Checksum.sum(b, payloadOffset, n);
        int newTotal = payloadOffset + n - ip;
        int payloadDelta = (~Checksum.fold(oldSum) & 0xffff) + Checksum.fold(newSum);
        fixLengths(b, ip, l4, oldTotal, newTotal, payloadDelta);
        p.length = newTotal;
    }

    private static void fixLengths(byte[] b, int ip, int l4, int oldTotal, int newTotal, int payloadDelta) {
        Bytes.set16(b, ip + Ipv4Header.OFFSET_TOTAL_LENGTH, newTotal);
        Ipv4Header.setChecksum(b, ip, Checksum.update16(Ipv4Header.checksum(b, ip), oldTotal, newTotal));
        int oldLength = oldTotal - (l4 - ip);
        int newLength = newTotal - (l4 - ip);
        int lengthDelta = Checksum.delta16(oldLength, newLength);
        if (Ipv4Header.protocol(b, ip) == Ipv4Header.PROTOCOL_TCP) {
            TcpHeader.setChecksum(b, l4, Checksum.adjust(TcpHeader.checksum(b, l4), payloadDelta + lengthDelta));
            return;
        }
        Bytes.set16(b, l4 + 4, newLength);
        int checksum = UdpHeader.checksum(b, l4);
        if (checksum != 0) {
            checksum = Checksum.adjust(checksum, payloadDelta + lengthDelta + lengthDelta);
            UdpHeader.setChecksum(b, l4, checksum == 0 ? 0xffff : checksum);
        }
    }
}
