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
        int e = t.record(1, 2, 17, 5, 1, 10, 20, 0);
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
        assertTrue(t.record(1, 2, 17, 1, 1, 0, 0, 0) >= 0);
        assertTrue(t.record(1, 2, 17, 2, 1, 0, 0, 0) >= 0);
        assertEquals(FragmentTable.NONE, t.record(1, 2, 17, 3, 1, 0, 0, 0));
        t.expire(30);
        assertEquals(FragmentTable.NONE, t.find(1, 2, 17, 1));
        assertTrue(t.record(1, 2, 17, 3, 1, 0, 0, 30) >= 0);
    }

    @Test
    void heldFragmentsWaitForTheirFirst() {
        FragmentTable t = new FragmentTable(4, 2, 30);
        byte[] frag = {1, 2, 3, 4};
        assertTrue(t.hold(frag, 0, 4, 1, 2, 17, 9, 0));
        PacketBuffer out = new PacketBuffer(64);
        assertEquals(FragmentTable.NONE, t.pollReleased(out));
        int e = t.record(1, 2, 17, 9, 1, 0, 0, 0);
        assertEquals(e, t.pollReleased(out));
        assertEquals(4, out.length);
        assertEquals(FragmentTable.NONE, t.pollReleased(out));
    }

    @Test
    void oversizedFragmentsAreNotHeld() {
        FragmentTable t = new FragmentTable(4, 2, 30);
        assertFalse(t.hold(new byte[FragmentTable.MAX_HELD_BYTES + 1], 0, FragmentTable.MAX_HELD_BYTES + 1, 1, 2, 17, 1,
                0));
    }

    @Test
    void expiryCountsDroppedHeldFragments() {
        FragmentTable t = new FragmentTable(4, 4, 30);
        t.hold(new byte[8], 0, 8, 1, 2, 17, 1, 0);
        t.hold(new byte[8], 0, 8, 1, 2, 17, 1, 0);
        assertEquals(0, t.expire(29));
        assertEquals(2, t.expire(30));
    }
}
