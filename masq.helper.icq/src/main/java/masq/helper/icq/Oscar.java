package masq.helper.icq;

/**
 * Reading OSCAR's layers in place: a FLAP (start byte {@code 0x2A}, channel, sequence, a 16-bit
 * length of the data after its 6-byte header), the SNAC in a channel-2 FLAP (family, subtype,
 * flags, request id; flag {@code 0x8000} puts a length-prefixed block before the data) and TLV
 * chains (16-bit type and length, big-endian). Every offset is checked against the end of its
 * container; a method returns -1 where the bytes do not hold what it looks for. Stateless.
 */
final class Oscar {
    static final int FLAP_START = 0x2A;
    static final int FLAP_HEADER = 6;
    static final int CHANNEL_SNAC = 2;
    static final int SNAC_HEADER = 10;
    static final int SNAC_HAS_EXTRA = 0x8000;
    static final int TLV_HEADER = 4;

    private Oscar() {
    }

    /**
     * @return the offset of the SNAC data of the FLAP {@code b[off..off+n)} (a channel-2 FLAP whose
     *         length field is the record's), or -1
     */
    static int snacData(byte[] b, int off, int n) {
        if (n < FLAP_HEADER + SNAC_HEADER || (b[off] & 0xFF) != FLAP_START || b[off + 1] != CHANNEL_SNAC
                || u16(b, off + 4) != n - FLAP_HEADER) {
            return -1;
        }
        int data = off + FLAP_HEADER + SNAC_HEADER;
        if ((u16(b, off + FLAP_HEADER + 4) & SNAC_HAS_EXTRA) != 0) {
            if (data + 2 > off + n) {
                return -1;
            }
            data += 2 + u16(b, data);
        }
        return data <= off + n ? data : -1;
    }

    /** @return the SNAC's family and subtype as {@code family << 16 | subtype} */
    static int snacKind(byte[] b, int off) {
        return u16(b, off + FLAP_HEADER) << 16 | u16(b, off + FLAP_HEADER + 2);
    }

    /**
     * @return the offset of the value of the first TLV of {@code type} in the chain from
     *         {@code from} to {@code end}, or -1 when there is none or the chain overruns its end
     *         before it (its length is then at {@code offset - 2})
     */
    static int find(byte[] b, int from, int end, int type) {
        int at = from;
        while (at + TLV_HEADER <= end) {
            int length = u16(b, at + 2);
            if (at + TLV_HEADER + length > end) {
                return -1;
            }
            if (u16(b, at) == type) {
                return at + TLV_HEADER;
            }
            at += TLV_HEADER + length;
        }
        return -1;
    }

    /** @return whether the chain from {@code from} to {@code end} is whole: its TLVs end exactly there */
    static boolean wellFormed(byte[] b, int from, int end) {
        int at = from;
        while (at + TLV_HEADER <= end) {
            at += TLV_HEADER + u16(b, at + 2);
        }
        return at == end;
    }

    /** @return the length of the TLV whose value is at {@code value} */
    static int length(byte[] b, int value) {
        return u16(b, value - 2);
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
