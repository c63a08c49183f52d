package masq.engine.packet;

/**
 * Absolute big-endian reads and writes into a packet array. Callers check bounds first: these
 * methods are the innermost step of the hot path and trust their arguments.
 */
public final class Bytes {
    private Bytes() {
    }

    /** The unsigned byte at {@code off}. */
    public static int get8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    /** The unsigned 16-bit word at {@code off}. */
    public static int get16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /** The 32-bit word at {@code off}. */
    public static int get32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }

    /** Writes the low 16 bits of {@code value} at {@code off}. */
    public static void set16(byte[] b, int off, int value) {
        b[off] = (byte) (value >>> 8);
        b[off + 1] = (byte) value;
    }

    /** Writes {@code value} at {@code off}. */
    public static void set32(byte[] b, int off, int value) {
        b[off] = (byte) (value >>> 24);
        b[off + 1] = (byte) (value >>> 16);
        b[off + 2] = (byte) (value >>> 8);
        b[off + 3] = (byte) value;
    }
}
