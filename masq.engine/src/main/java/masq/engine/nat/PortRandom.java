package masq.engine.nat;

import java.security.SecureRandom;

/**
 * Random offsets for {@link PortAllocation#RANDOM}: SipHash-2-4 (Aumasson and Bernstein) of a
 * counter under a 128-bit key from a {@link SecureRandom}, a keyed pseudo-random function as RFC
 * 6056 §3.3.3 and §3.3.4 use one, so that an outside observer who sees ports learns nothing of the
 * next without the key. The key is drawn on first use (a gateway that never allocates at random
 * never touches the system's entropy) and drawn again every {@link #REKEY_AFTER} values. A value
 * costs a few tens of nanoseconds and no allocation; drawing from the {@code SecureRandom} itself
 * allocates about 3 bytes per byte drawn. Engine thread only.
 */
final class PortRandom {
    /** Values under one key. */
    static final int REKEY_AFTER = 1 << 16;
    private SecureRandom source;
    private long k0;
    private long k1;
    private long counter;
    private int left;

    /** A 32-bit value no one without the key can predict from the earlier ones. */
    int next() {
        if (left == 0) {
            if (source == null) {
                source = new SecureRandom();
            }
            k0 = source.nextLong();
            k1 = source.nextLong();
            left = REKEY_AFTER;
        }
        left--;
        return (int) sipHash24(k0, k1, counter++);
    }

    /** SipHash-2-4 under key ({@code k0}, {@code k1}) of the 8-byte message {@code m} (little-endian). */
    static long sipHash24(long k0, long k1, long m) {
        SipState v = new SipState(k0, k1);
        v.compress(m);
        v.compress(8L << 56); // the last block: the length in its top byte, no bytes left over
        return v.finish();
    }

    /** SipHash's four words; a new one per value, which escape analysis keeps off the heap. */
    private static final class SipState {
        private long v0;
        private long v1;
        private long v2;
        private long v3;

        SipState(long k0, long k1) {
            v0 = k0 ^ 0x736f6d6570736575L;
            v1 = k1 ^ 0x646f72616e646f6dL;
            v2 = k0 ^ 0x6c7967656e657261L;
            v3 = k1 ^ 0x7465646279746573L;
        }

        void compress(long block) {
            v3 ^= block;
            round();
            round();
            v0 ^= block;
        }

        long finish() {
            v2 ^= 0xff;
            for (int r = 0; r < 4; r++) {
                round();
            }
            return v0 ^ v1 ^ v2 ^ v3;
        }

        private void round() {
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13) ^ v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16) ^ v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17) ^ v2;
            v2 = Long.rotateLeft(v2, 32);
        }
    }
}
