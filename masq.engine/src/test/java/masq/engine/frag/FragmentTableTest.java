package masq.engine.frag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import masq.engine.packet.PacketBuffer;
import org.junit.jupiter.api.Test;

class FragmentTableTest {

    @Test
    void recordThenFind() {
        FragmentTable t = new FragmentTable(8, 2, 30);
        assertEquals(FragmentTable.NONE, t.find(1, 2, 17, 5));
        int e = t.cover(1, 2, 17, 5, 0, 8, 0);
        t.record(e, 1, 10, 20);
        assertEquals(e, t.find(1, 2, 17, 5));
        assertTrue(t.resolved(e));
        assertEquals(10, t.newSource(e));
        assertEquals(20, t.newDestination(e));
        assertEquals(FragmentTable.NONE, t.find(1, 2, 6, 5));
        assertEquals(FragmentTable.NONE, t.find(1, 2, 17, 6));
    }

    @Test
    void datagramsAreBoundedAndExpire() {
        FragmentTable t = new FragmentTable(2, 2, 30);
        assertTrue(t.cover(1, 2, 17, 1, 0, 8, 0) >= 0);
        assertTrue(t.cover(1, 2, 17, 2, 0, 8, 0) >= 0);
        assertEquals(FragmentTable.FULL, t.cover(1, 2, 17, 3, 0, 8, 0));
        t.expire(30);
        assertEquals(FragmentTable.NONE, t.find(1, 2, 17, 1));
        assertTrue(t.cover(1, 2, 17, 3, 0, 8, 30) >= 0);
    }

    @Test
    void heldFragmentsWaitForTheirFirst() {
        FragmentTable t = new FragmentTable(4, 2, 30);
        byte[] frag = {1, 2, 3, 4};
        int e = t.cover(1, 2, 17, 9, 8, 12, 0);
        assertTrue(t.hold(e, frag, 0, 4));
        PacketBuffer out = new PacketBuffer(64);
        assertEquals(FragmentTable.NONE, t.pollReleased(out));
        assertEquals(e, t.cover(1, 2, 17, 9, 0, 8, 0));
        t.record(e, 1, 0, 0);
        assertEquals(e, t.pollReleased(out));
        assertEquals(4, out.length);
        assertEquals(FragmentTable.NONE, t.pollReleased(out));
    }

    @Test
    void oversizedFragmentsAreNotHeld() {
        FragmentTable t = new FragmentTable(4, 2, 30);
        int e = t.cover(1, 2, 17, 1, 8, 8 + FragmentTable.MAX_HELD_BYTES + 1, 0);
        assertFalse(t.hold(e, new byte[FragmentTable.MAX_HELD_BYTES + 1], 0, FragmentTable.MAX_HELD_BYTES + 1));
    }

    @Test
    void expiryCountsDroppedHeldFragments() {
        FragmentTable t = new FragmentTable(4, 4, 30);
        t.hold(t.cover(1, 2, 17, 1, 8, 16, 0), new byte[8], 0, 8);
        t.hold(t.cover(1, 2, 17, 1, 16, 24, 0), new byte[8], 0, 8);
        assertEquals(0, t.expire(29));
        assertEquals(2, t.expire(30));
    }
}
