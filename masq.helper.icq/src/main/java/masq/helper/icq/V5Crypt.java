package masq.helper.icq;

/**
 * The scrambling of ICQ v5 client packets (protocols.md §6.1): bytes from offset 10 on XORed four
 * at a time with {@code key + T[i & 0xFF]} (little-endian), the key made from the packet's length
 * and a checkcode that is stored, itself scrambled, at offsets 20-23. The checkcode embeds four
 * plaintext header bytes and one byte of the body chosen by the sender, which is what tells a real
 * v5 client packet from noise. Stateless; every method works on the caller's arrays.
 */
final class V5Crypt {
    /** Offset of the scrambled checkcode (4 bytes, little-endian). */
    static final int CHECKCODE = 20;
    /** The first scrambled byte. */
    static final int FIRST_SCRAMBLED = 10;
    /** The shortest client packet: the header up to and including the checkcode. */
    static final int HEADER_LENGTH = 24;

    private static final byte[] TABLE = hex(
            "5960376B6562464853614C5960575B3D5E346D36503F6F6753614C5940476339",
            "505F5F3F6F47436948333164355A4A425640675341076C49583B4D4668436948",
            "333144656246485341076C69483351545D4E6C49384B554A6246483351346D36",
            "505F5F5F3F6F4763594067333164355A6A526E3C51346D36505F5F3F4F374B35",
            "5A4A6266583B4D66585B5D4E6C49583B4D66583B4D464853614C594067333164",
            "556A323E4445526E3C3164556A524E6C694853614C39306F47635960575B3D3E",
            "64353A3A5A6A524E6C694853616C49583B4D46686339505F5F3F6F6753412541",
            "3C51543D5E545D4E4C39505F5F5F3F6F474369483351545D6E3C3164355A0000");

    private V5Crypt() {
    }

    /** @return {@code T[i]}, the sender's table byte (0-255) */
    static int table(int i) {
        return TABLE[i & 0xFF] & 0xFF;
    }

    /** Scrambles a checkcode as it is stored at offsets 20-23. */
    static int scramble(int cs) {
        return ((cs & 0x1F) << 12) + ((cs & 0x03E003E0) << 1) + ((cs & 0xF8000400) >>> 10) + ((cs & 0xF800) << 16)
                + ((cs & 0x041F0000) >>> 15);
    }

    /** The inverse of {@link #scramble}. */
    static int unscramble(int c) {
        return ((c & 0x1F000) >>> 12) + ((c & 0x07C007C0) >>> 1) + ((c & 0x003E0001) << 10) + ((c & 0xF8000000) >>> 16)
                + ((c & 0x083E) << 15);
    }

    /** The key of a packet of {@code length} bytes with checkcode {@code cs}. */
    static int key(int length, int cs) {
        return length * 0x68656C6C + cs;
    }

    /**
     * The checkcode of a plaintext packet for the sender's choice {@code r1} (an offset from 24 on,
     * below the length) and {@code r2} (0-255).
     */
    static int checkcode(byte[] p, int off, int r1, int r2) {
        int chk1 = (p[off + 8] & 0xFF) << 24 | (p[off + 4] & 0xFF) << 16 | (p[off + 2] & 0xFF) << 8 | p[off + 6] & 0xFF;
        int chk2 = (r1 << 24 | (p[off + r1] & 0xFF) << 16 | r2 << 8 | table(r2)) ^ 0x00FF00FF;
        return chk1 ^ chk2;
    }

    /**
     * XORs bytes 10 to {@code length} of the packet at {@code b[off]} with the key stream of
     * {@code key} (the same call scrambles and unscrambles); the checkcode bytes are XORed too and
     * are to be stored afterwards.
     */
    static void xor(byte[] b, int off, int length, int key) {
        for (int i = FIRST_SCRAMBLED; i < length; i += 4) {
            int k = key + table(i);
            for (int j = 0; j < 4 && i + j < length; j++) {
                b[off + i + j] ^= (byte) (k >>> (8 * j));
            }
        }
    }

    /**
     * Unscrambles the client packet {@code b[off..off+length)} in place and zeroes its checkcode
     * field.
     *
     * @return the checkcode as an unsigned value, or {@code -1} when it does not fit the plaintext
     *         (the body byte it names is beyond the packet or is not there, or its table byte is not
     *         the table's): what noise or another protocol gives
     */
    static long decrypt(byte[] b, int off, int length) {
        int cs = unscramble(u32le(b, off + CHECKCODE));
        xor(b, off, length, key(length, cs));
        put32le(b, off + CHECKCODE, 0);
        int chk2 = cs ^ ((b[off + 8] & 0xFF) << 24 | (b[off + 4] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8
                | b[off + 6] & 0xFF) ^ 0x00FF00FF;
        int r1 = chk2 >>> 24;
        int r2 = chk2 >>> 8 & 0xFF;
        if (r1 < HEADER_LENGTH || r1 >= length || (chk2 >>> 16 & 0xFF) != (b[off + r1] & 0xFF)
                || (chk2 & 0xFF) != table(r2)) {
            return -1;
        }
        return cs & 0xFFFF_FFFFL;
    }

    /**
     * Scrambles the plaintext client packet {@code b[off..off+length)} in place with the sender's
     * choice {@code r1}, {@code r2} (from {@link #choice}) and stores the checkcode.
     */
    static void encrypt(byte[] b, int off, int length, int r1, int r2) {
        put32le(b, off + CHECKCODE, 0);
        int cs = checkcode(b, off, r1, r2);
        xor(b, off, length, key(length, cs));
        put32le(b, off + CHECKCODE, scramble(cs));
    }

    /** @return the sender's {@code r1} (high 16 bits) and {@code r2} (low) of a checkcode that fits */
    static int choice(byte[] plain, int off, int cs) {
        int chk2 = cs ^ ((plain[off + 8] & 0xFF) << 24 | (plain[off + 4] & 0xFF) << 16
                | (plain[off + 2] & 0xFF) << 8 | plain[off + 6] & 0xFF) ^ 0x00FF00FF;
        return (chk2 >>> 24) << 16 | chk2 >>> 8 & 0xFF;
    }

    static int u32le(byte[] b, int at) {
        return b[at] & 0xFF | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static int u16le(byte[] b, int at) {
        return b[at] & 0xFF | (b[at + 1] & 0xFF) << 8;
    }

    static void put32le(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static byte[] hex(String... rows) {
        String all = String.join("", rows).replace(" ", "");
        byte[] b = new byte[all.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(all.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
