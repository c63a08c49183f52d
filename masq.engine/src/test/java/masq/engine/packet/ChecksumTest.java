package masq.engine.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    @Test
    void rfc1071_exampleSum() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 after folding.
        byte[] b = PacketBuilder.hex("00 01 f2 03 f4 f5 f6 f7");
        assertEquals(0xddf2, Checksum.fold(Checksum.sum(b, 0, b.length)));
        assertEquals(0x220d, Checksum.compute(b, 0, b.length, 0));
    }

    @Test
    void oddLengthPadsWithZero() {
        byte[] b = PacketBuilder.hex("01 02 03");
        assertEquals(0x0102 + 0x0300, Checksum.sum(b, 0, 3));
    }

    @Test
    void wordAtATimeSumEqualsTheByteWiseDefinitionAtEveryOffsetAndLength() {
        Random random = new Random(1071);
        byte[] b = new byte[1600];
        for (int round = 0; round < 200; round++) {
            random.nextBytes(b);
            if (round % 4 == 0) {
                java.util.Arrays.fill(b, (byte) 0xff); // the largest words: carries on every add
            }
            int off = random.nextInt(64);
            int len = round < 64 ? round : random.nextInt(b.length - off + 1);
            int sum = Checksum.sum(b, off, len);
            int reference = byteWiseSum(b, off, len);
            assertEquals(Checksum.fold(reference), Checksum.fold(sum), "offset " + off + " length " + len);
            assertTrue(sum >= 0 && sum <= 0x1ffff, "folded to 17 bits: " + sum);
        }
        assertEquals(0, Checksum.sum(new byte[40], 3, 33), "all zero words sum to 0");
    }

    /** RFC 1071's definition: 16-bit big-endian words, an odd byte padded with zero. */
    private static int byteWiseSum(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        return sum;
    }

    @Test
    void knownIpv4HeaderVerifies() {
        byte[] b = PacketBuilder.hex("45 00 00 38 00 01 00 00 fa 01 5a 87 c6 33 64 07 cb 00 71 01");
        assertTrue(Checksum.verify(b, 0, 20, 0));
        b[8]--;
        assertFalse(Checksum.verify(b, 0, 20, 0));
    }

    @Test
    void rfc1624_incrementalUpdateMatchesFullRecomputation() {
        long seed = 1624L;
        Random random = new Random(seed);
        for (int round = 0; round < 20000; round++) {
            byte[] b = new byte[2 + 2 * (1 + random.nextInt(30))];
            random.nextBytes(b);
            b[0] = 0;
            b[1] = 0;
            Bytes.set16(b, 0, Checksum.compute(b, 0, b.length, 0));
            int at = 2 + 2 * random.nextInt((b.length - 2) / 2);
            int old = Bytes.get16(b, at);
            int value = random.nextInt(0x10000);
            Bytes.set16(b, at, value);
            Bytes.set16(b, 0, Checksum.update16(Bytes.get16(b, 0), old, value));
            assertTrue(Checksum.verify(b, 0, b.length, 0), "seed " + seed + " round " + round);
        }
    }

    @Test
    void delta32AndNegateCancel() {
        Random random = new Random(7);
        for (int i = 0; i < 10000; i++) {
            int checksum = random.nextInt(0xffff) + 1;
            int delta = Checksum.delta32(random.nextInt(), random.nextInt());
            int there = Checksum.adjust(checksum, delta);
            int back = Checksum.adjust(there, Checksum.negate(delta));
            assertEquals(Checksum.fold(~checksum & 0xffff) % 0xffff, Checksum.fold(~back & 0xffff) % 0xffff,
                    "round " + i);
        }
    }

    @Test
    void pseudoHeaderSumsAllFields() {
        assertEquals(0xc0a8 + 0x0002 + 0xcb00 + 0x7101 + 17 + 8, Checksum.pseudoHeader(0xc0a80002, 0xcb007101, 17, 8));
    }
}
