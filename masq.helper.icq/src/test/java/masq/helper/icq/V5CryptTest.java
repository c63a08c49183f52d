package masq.helper.icq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The v5 scrambling against protocols.md §6.1's vectors, and what noise gives it. */
class V5CryptTest {
    /** protocols.md §6.1: the 86-byte LOGIN (UIN 123456, port 2000, password "secret", 192.168.0.2). */
    static final byte[] PLAIN = HexFormat.of().parseHex("05000000000040e201000df0ad0be80334120100000000004d3c2b3a"
            + "d007000007007365637265740098000000c0a8000204000000000600000000000000080098005000000003000000acfa5b"
            + "380000000000000000");
    /** The same, scrambled with r1 = 30, r2 = 0x42. */
    static final byte[] SCRAMBLED = HexFormat.of().parseHex("05000000000040e20100825fbc3976ac2520b1affebdc7475c0ea4"
            + "95c135a6af1632d1ca7240e3db11aa74af11f225af1336aaaf1132a9af113290af1132a4af8932d7af113288af1132035"
            + "54a0a94af1132afaf1132");

    @Test
    void theChecksWordScramblesAsTheDescriptionSays() {
        assertEquals(0x544584E9, V5Crypt.scramble(0x12345678));
        assertEquals(0x12345678, V5Crypt.unscramble(0x544584E9));
    }

    @Test
    void scramblingIsUndoneForEveryValue() {
        Random random = new Random(61);
        for (int i = 0; i < 100_000; i++) {
            int v = random.nextInt();
            assertEquals(v, V5Crypt.unscramble(V5Crypt.scramble(v)), Integer.toHexString(v));
        }
    }

    @Test
    void theVectorsCheckcodeAndKey() {
        assertEquals(0x1FFF42FB, V5Crypt.checkcode(PLAIN, 0, 30, 0x42));
        assertEquals(0x3211AF43, V5Crypt.key(86, 0x1FFF42FB));
    }

    @Test
    void encryptingTheVectorsLoginGivesItsScrambledForm() {
        byte[] b = PLAIN.clone();
        V5Crypt.encrypt(b, 0, b.length, 30, 0x42);
        assertArrayEquals(SCRAMBLED, b);
    }

    @Test
    void decryptingItGivesThePlaintextTheCheckcodeAndTheSendersChoice() {
        byte[] b = SCRAMBLED.clone();
        assertEquals(0x1FFF42FBL, V5Crypt.decrypt(b, 0, b.length));
        assertArrayEquals(PLAIN, b);
        assertEquals(30 << 16 | 0x42, V5Crypt.choice(b, 0, 0x1FFF42FB));
    }

    @Test
    void decryptingAtAnOffsetInALargerArray() {
        byte[] b = new byte[200];
        System.arraycopy(SCRAMBLED, 0, b, 57, SCRAMBLED.length);
        assertEquals(0x1FFF42FBL, V5Crypt.decrypt(b, 57, SCRAMBLED.length));
        assertArrayEquals(PLAIN, java.util.Arrays.copyOfRange(b, 57, 57 + PLAIN.length));
    }

    @Test
    void aPacketWithAChangedBodyByteNamedByItsCheckcodeDoesNotFit() {
        byte[] b = SCRAMBLED.clone();
        b[30] ^= 0x01; // r1 = 30: the checkcode carries this byte's plaintext
        assertEquals(-1, V5Crypt.decrypt(b, 0, b.length));
    }

    @Test
    void aTruncatedPacketDoesNotFit() {
        byte[] b = java.util.Arrays.copyOf(SCRAMBLED, 30); // the key depends on the length
        assertEquals(-1, V5Crypt.decrypt(b, 0, b.length));
    }

    @Test
    void noiseAlmostNeverFits() {
        Random random = new Random(4000);
        int fits = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[24 + random.nextInt(200)];
            random.nextBytes(b);
            fits += V5Crypt.decrypt(b, 0, b.length) >= 0 ? 1 : 0;
        }
        assertTrue(fits <= 2, fits + " of 20000 random packets fit a checkcode");
    }

    @Test
    void theTableIsTheDescriptionsAtItsEnds() {
        assertEquals(0x59, V5Crypt.table(0));
        assertEquals(0x4C, V5Crypt.table(10));
        assertEquals(0x5A, V5Crypt.table(253));
        assertEquals(0x00, V5Crypt.table(255));
        assertEquals(0x59, V5Crypt.table(256), "indexed by the low byte");
    }
}
