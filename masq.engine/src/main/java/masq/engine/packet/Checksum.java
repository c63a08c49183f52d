package masq.engine.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): full computation over a range, and incremental update
 * (RFC 1624 eqn. 3, {@code HC' = ~(~HC + ~m + m')}) for rewrites of single fields.
 *
 * <p>Sums are kept unfolded in an {@code int} as long as they cannot overflow: {@link #sum} returns
 * at most 17 bits, and a few such sums and pseudo-header words stay well inside 31 bits.
 */
public final class Checksum {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {
    }

    /**
     * The sum of the 16-bit words of {@code b[off, off+len)}, odd byte padded with zero, folded to
     * at most 17 bits (congruent modulo 0xffff to the plain sum, and 0 only if every word is 0).
     *
     * <p>Eight bytes are read at a time (RFC 1071 §2(B): a big-endian 32-bit word {@code hi:lo} is
     * {@code hi + lo} modulo 0xffff, so the 32-bit halves of each long are summed into a 64-bit
     * accumulator, which cannot overflow for any array), then the tail two bytes at a time.
     */
    public static int sum(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        int longs = off + (len & ~7);
        for (; i < longs; i += 8) {
            long w = (long) LONGS.get(b, i);
            sum += (w >>> 32) + (w & 0xffffffffL);
        }
        int end = off + (len & ~1);
        for (; i < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[end] & 0xff) << 8;
        }
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** Folds carries into the low 16 bits. */
    public static int fold(int sum) {
        long s = sum & 0xffffffffL;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    /** The checksum field value for a range whose field holds zero, starting from {@code initial}. */
    public static int compute(byte[] b, int off, int len, int initial) {
        return ~fold(fold(initial) + sum(b, off, len)) & 0xffff;
    }

    /** True when a range that includes its checksum field sums to all ones. */
    public static boolean verify(byte[] b, int off, int len, int initial) {
        return fold(fold(initial) + sum(b, off, len)) == 0xffff;
    }

    /**
     * Completes a checksum a sender left to its network card (Linux {@code CHECKSUM_PARTIAL}): such
     * a sender stores only the folded pseudo-header sum, not complemented, in the field at
     * {@code b[field]}, and a packet socket sees it so. When the field holds exactly that value for
     * {@code pseudoHeaderSum}, the checksum over {@code b[off, off+len)} is computed and stored and
     * true is returned; otherwise nothing changes and false is returned (the caller verifies as
     * usual). A corrupt packet passes only if its field happens to hold that one value of 65 535.
     */
    public static boolean completePartial(byte[] b, int off, int len, int field, int pseudoHeaderSum) {
        if (Bytes.get16(b, field) != fold(pseudoHeaderSum)) {
            return false;
        }
        Bytes.set16(b, field, 0);
        int checksum = compute(b, off, len, pseudoHeaderSum);
        // 0 and 0xffff are the same ones' complement zero; UDP must send the latter (0 is "none").
        Bytes.set16(b, field, checksum == 0 ? 0xffff : checksum);
        return true;
    }

    /** The unfolded TCP/UDP pseudo-header sum (RFC 793 / RFC 768). */
    public static int pseudoHeader(int source, int destination, int protocol, int length) {
        return (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
                + protocol + length;
    }

    /**
     * The ones' complement difference {@code ~old + new} for a 32-bit field, unfolded. Precomputed
     * once per flow and applied per packet with {@link #adjust}.
     */
    public static int delta32(int oldValue, int newValue) {
        return (~oldValue >>> 16 & 0xffff) + (~oldValue & 0xffff) + (newValue >>> 16) + (newValue & 0xffff);
    }

    /** The ones' complement difference {@code ~old + new} for a 16-bit field. */
    public static int delta16(int oldValue, int newValue) {
        return (~oldValue & 0xffff) + (newValue & 0xffff);
    }

    /** The reverse of an unfolded delta: applying both leaves a checksum unchanged. */
    public static int negate(int delta) {
        return ~fold(delta) & 0xffff;
    }

    /** A checksum field value after the fields it covers changed by {@code delta} (RFC 1624 eqn. 3). */
    public static int adjust(int checksum, int delta) {
        return ~fold((~checksum & 0xffff) + fold(delta)) & 0xffff;
    }

    /** {@link #adjust} for one 16-bit field changing from {@code oldValue} to {@code newValue}. */
    public static int update16(int checksum, int oldValue, int newValue) {
        return adjust(checksum, delta16(oldValue, newValue));
    }

    /** {@link #adjust} for one 32-bit field changing from {@code oldValue} to {@code newValue}. */
    public static int update32(int checksum, int oldValue, int newValue) {
        return adjust(checksum, delta32(oldValue, newValue));
    }
}
