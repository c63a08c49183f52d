package masq.testkit.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Finding the IPv4 datagram in frames of each link type, and refusing what is not one. */
class CapturesTest {
    private static final byte[] IP = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};

    private static byte[] frame(byte[] header) {
        byte[] f = new byte[header.length + IP.length];
        System.arraycopy(header, 0, f, 0, header.length);
        System.arraycopy(IP, 0, f, header.length, IP.length);
        return f;
    }

    @Test
    void ethernetPlainAndTagged() {
        byte[] plain = new byte[14];
        plain[12] = 8;
        assertEquals(14, Captures.ipv4Offset(frame(plain), Captures.DLT_EN10MB));
        byte[] tagged = new byte[18];
        tagged[12] = (byte) 0x81;
        tagged[16] = 8;
        assertEquals(18, Captures.ipv4Offset(frame(tagged), Captures.DLT_EN10MB));
        byte[] arp = new byte[14];
        arp[12] = 8;
        arp[13] = 6;
        assertEquals(-1, Captures.ipv4Offset(frame(arp), Captures.DLT_EN10MB));
    }

    @Test
    void linuxCookedBothVersions() {
        byte[] sll = new byte[16];
        sll[14] = 8;
        assertEquals(16, Captures.ipv4Offset(frame(sll), Captures.DLT_LINUX_SLL));
        byte[] sll2 = new byte[20];
        sll2[0] = 8;
        assertEquals(20, Captures.ipv4Offset(frame(sll2), Captures.DLT_LINUX_SLL2));
        sll2[1] = (byte) 0xdd;
        assertEquals(-1, Captures.ipv4Offset(frame(sll2), Captures.DLT_LINUX_SLL2), "IPv6");
    }

    @Test
    void rawAndLoopback() {
        assertEquals(0, Captures.ipv4Offset(IP, Captures.DLT_RAW));
        assertEquals(0, Captures.ipv4Offset(IP, Captures.LINKTYPE_RAW));
        assertEquals(4, Captures.ipv4Offset(frame(new byte[] {2, 0, 0, 0}), Captures.DLT_NULL), "little-endian host");
        assertEquals(4, Captures.ipv4Offset(frame(new byte[] {0, 0, 0, 2}), Captures.DLT_LOOP));
        assertEquals(-1, Captures.ipv4Offset(frame(new byte[] {24, 0, 0, 0}), Captures.DLT_NULL), "AF_INET6");
    }

    @Test
    void unknownLinkTypeShortFramesAndOtherVersions() {
        assertEquals(-1, Captures.ipv4Offset(IP, 9999));
        assertEquals(-1, Captures.ipv4Offset(new byte[] {0x45, 0, 0}, Captures.DLT_RAW));
        byte[] v6 = IP.clone();
        v6[0] = 0x60;
        assertEquals(-1, Captures.ipv4Offset(v6, Captures.DLT_RAW));
        byte[] cut = new byte[15];
        cut[12] = 8;
        assertEquals(-1, Captures.ipv4Offset(cut, Captures.DLT_EN10MB));
    }
}
