package masq.link.pcap.ether;

import static masq.api.link.GatewayLink.INSIDE;
import static masq.link.pcap.ether.Frames.A;
import static masq.link.pcap.ether.Frames.A_MAC;
import static masq.link.pcap.ether.Frames.GW_IN;
import static masq.link.pcap.ether.Frames.GW_IN_MAC;
import static masq.link.pcap.ether.Frames.SERVER;
import static masq.link.pcap.ether.Frames.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import masq.api.link.GatewayLink;
import org.junit.jupiter.api.Test;

/** MTU handling on send: DF (RFC 1191) and fragmentation (RFC 791). */
class Ipv4FragmentsTest {
    static final long T0 = ArpResponderTest.T0;

    /** A side whose next hop A is already resolved, with the given MTU. */
    private static EthernetSide side(MemoryLink link, int mtu) {
        ArpCache cache = new ArpCache();
        cache.add(A, ArpCache.REACHABLE, A_MAC, T0 + ArpCache.REACHABLE_NANOS);
        return new EthernetSide(INSIDE, link, GW_IN, 24, 0, mtu, cache);
    }

    private static boolean checksumOk(byte[] b, int off, int hl) {
        int sum = 0;
        for (int i = 0; i < hl; i += 2) {
            sum += Arp.get16(b, off + i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum == 0xffff;
    }

    /** Checks every fragment and returns the reassembled data. */
    private static byte[] reassemble(List<byte[]> frames, int mtu, int firstOffset, boolean lastMf) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int k = 0; k < frames.size(); k++) {
            byte[] f = frames.get(k);
            int ip = Ethernet.HEADER_LENGTH;
            int hl = Ipv4Fragments.headerLength(f, ip);
            int total = Ipv4Fragments.totalLength(f, ip);
            assertTrue(total <= mtu, "fragment " + k + " fits the MTU");
            assertEquals(A_MAC, Ethernet.destination(f, 0));
            assertTrue(checksumOk(f, ip, hl), "fragment " + k + " checksum");
            int flags = Arp.get16(f, ip + 6);
            boolean last = k == frames.size() - 1;
            assertEquals(!last || lastMf, (flags & 0x2000) != 0, "MF of fragment " + k);
            assertEquals(0, flags & 0x4000, "DF clear");
            assertEquals(firstOffset * 8 + data.size(), (flags & 0x1fff) * 8, "offset of fragment " + k);
            if (!last) {
                assertEquals(0, (total - hl) % 8, "non-last fragment data is a multiple of 8");
            }
            data.write(f, ip + hl, total - hl);
        }
        return data.toByteArray();
    }

    @Test
    void aDatagramWithinTheMtuIsSentWhole() {
        MemoryLink link = new MemoryLink("in0", GW_IN_MAC);
        byte[] p = ipv4(SERVER, A, 1500, true);
        assertEquals(GatewayLink.SENT, side(link, 1500).send(p, 0, p.length, T0));
        assertEquals(1514, link.sent.get(0).length);
    }

    @Test
    void dontFragmentAndTooBigAsksForIcmp() {
        MemoryLink link = new MemoryLink("in0", GW_IN_MAC);
        EthernetSide side = side(link, 1400);
        byte[] p = ipv4(SERVER, A, 1401, true);
        assertEquals(GatewayLink.NEEDS_FRAGMENTATION, side.send(p, 0, p.length, T0));
        assertEquals(0, link.sent.size());
        assertEquals(1, side.counter(LinkCounter.TX_NEEDS_FRAGMENTATION));
    }

    @Test
    void tooBigIsFragmentedAndReassemblesToTheOriginal() {
        MemoryLink link = new MemoryLink("in0", GW_IN_MAC);
        EthernetSide side = side(link, 576);
        byte[] p = ipv4(SERVER, A, 2000, false);
        assertEquals(GatewayLink.SENT, side.send(p, 0, p.length, T0));
        assertEquals(4, link.sent.size(), "552 + 552 + 552 + 324 data bytes");
        byte[] data = reassemble(link.sent, 576, 0, false);
        assertArrayEquals(Arrays.copyOfRange(p, 20, 2000), data);
        assertEquals(4, side.counter(LinkCounter.TX_FRAGMENTS));
    }

    @Test
    void aFragmentIsFragmentedFurtherKeepingItsOffsetAndMf() {
        MemoryLink link = new MemoryLink("in0", GW_IN_MAC);
        byte[] p = ipv4(SERVER, A, 1020, false);
        Arp.set16(p, 6, 0x2000 | 100);
        Ipv4Fragments.setHeaderChecksum(p, 0, 20);
        side(link, 600).send(p, 0, p.length, T0);
        assertEquals(2, link.sent.size());
        assertArrayEquals(Arrays.copyOfRange(p, 20, 1020), reassemble(link.sent, 600, 100, true));
    }

    @Test
    void onlyCopiedOptionsAreRepeatedInLaterFragments() {
        MemoryLink link = new MemoryLink("in0", GW_IN_MAC);
        byte[] base = ipv4(SERVER, A, 1000, false);
        byte[] p = new byte[1012];
        System.arraycopy(base, 0, p, 0, 20);
        // NOP; record route (type 7, not copied, length 7); a copied option (0x82, length 4)
        byte[] options = {1, 7, 7, 4, 0, 0, 0, 0, (byte) 0x82, 4, 0x11, 0x22};
        System.arraycopy(options, 0, p, 20, 12);
        System.arraycopy(base, 20, p, 32, 980);
        p[0] = 0x48;
        Arp.set16(p, 2, 1012);
        Ipv4Fragments.setHeaderChecksum(p, 0, 32);
        side(link, 300).send(p, 0, p.length, T0);
        byte[] first = link.sent.get(0);
        byte[] second = link.sent.get(1);
        assertEquals(32, Ipv4Fragments.headerLength(first, 14));
        assertEquals(24, Ipv4Fragments.headerLength(second, 14));
        assertArrayEquals(new byte[] {(byte) 0x82, 4, 0x11, 0x22}, Arrays.copyOfRange(second, 34, 38));
        assertArrayEquals(Arrays.copyOfRange(p, 32, 1012), reassemble(link.sent, 300, 0, false));
    }

    @Test
    void aFragmentableDatagramWaitingForArpIsFragmentedWhenResolved() {
        MemoryLink link = new MemoryLink("in0", GW_IN_MAC);
        EthernetSide side = new EthernetSide(INSIDE, link, GW_IN, 24, 0, 576, new ArpCache());
        byte[] p = ipv4(SERVER, A, 1200, false);
        assertEquals(GatewayLink.QUEUED, side.send(p, 0, p.length, T0));
        link.take();
        side.receive(Frames.arp(GW_IN_MAC, A_MAC, Arp.OP_REPLY, A_MAC, A, GW_IN_MAC, GW_IN), 42,
                new Frames.Recorder(), T0);
        assertArrayEquals(Arrays.copyOfRange(p, 20, 1200), reassemble(link.take(), 576, 0, false));
    }
}
