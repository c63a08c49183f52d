package masq.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The residual and RFC 1624 adjustment the replay relies on. */
class ChecksumsTest {
    @Test
    void rfc1071Example() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded).
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0xddf2, Checksums.fold(Checksums.sum(b, 0, b.length, 0)));
        assertEquals(0x220d, Checksums.checksum(b, 0, b.length, 0));
    }

    @Test
    void adjustAgreesWithRecomputingForRandomFieldChanges() {
        long seed = 1624;
        Random random = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            byte[] p = Packets.udp("192.168.0.2", random.nextInt(65536), "198.51.100.7", 53)
                    .payload(new byte[random.nextInt(40)]).build();
            int newPort = random.nextInt(65536);
            int old = (p[20] & 0xff) << 8 | (p[21] & 0xff);
            int checksum = (p[26] & 0xff) << 8 | (p[27] & 0xff);
            int adjusted = Checksums.adjust(checksum, old, newPort);
            p[20] = (byte) (newPort >>> 8);
            p[21] = (byte) newPort;
            p[26] = (byte) (adjusted >>> 8);
            p[27] = (byte) adjusted;
            assertEquals(Checksums.VALID_RESIDUAL, Checksums.transportResidual(p, 0), "seed " + seed + " round " + i);
        }
    }

    @Test
    void residualOfAnOffloadedChecksumIsKeptByAdjustment() {
        byte[] p = Packets.tcp("192.168.0.2", 1025, "198.51.100.7", 80).payload("x").build();
        p[36] = 0;
        p[37] = 0;
        int before = Checksums.transportResidual(p, 0);
        assertFalse(Checksums.sameResidual(before, Checksums.VALID_RESIDUAL));
        int checksum = Checksums.adjust(0, 1025, 61000);
        p[20] = (byte) (61000 >>> 8);
        p[21] = (byte) 61000;
        p[36] = (byte) (checksum >>> 8);
        p[37] = (byte) checksum;
        assertTrue(Checksums.sameResidual(before, Checksums.transportResidual(p, 0)));
    }

    @Test
    void zeroAndAllOnesAreTheSameResidual() {
        assertTrue(Checksums.sameResidual(0, 0xffff));
        assertFalse(Checksums.sameResidual(1, 0xffff));
    }

    @Test
    void nonFirstFragmentsHaveNoResidual() {
        byte[] big = Packets.udp("192.168.0.2", 1, "198.51.100.7", 2).payload(new byte[100]).build();
        assertEquals(-1, Checksums.transportResidual(Packets.fragment(big, 48).get(1), 0));
    }
}
