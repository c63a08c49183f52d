package masq.engine.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sequence records of one direction, alone: protocols.md §2.4 and §2.5 in numbers. */
class SequenceRecordsTest {

    /** seq (original) → seq (translated), and ack (translated) → ack (original), after the changes given. */
    private static void check(SequenceRecords r, int[][] seqs, int[][] acks) {
        for (int[] s : seqs) {
            assertEquals(s[1], s[0] + r.delta(s[0]), "seq " + Integer.toUnsignedString(s[0]) + " with " + r);
        }
        for (int[] a : acks) {
            assertEquals(a[1], r.toOriginal(a[0]), "ack " + Integer.toUnsignedString(a[0]) + " with " + r);
        }
    }

    @Test
    void protocols2_5_workedExample() {
        SequenceRecords r = new SequenceRecords();
        assertTrue(r.record(1000, 22, 25));
        assertTrue(r.record(1000, 22, 25), "the retransmission repeats the change");
        check(r, new int[][] {{1000, 1000}, {999, 999}, {1022, 1025}, {1050, 1053}},
                new int[][] {{1025, 1022}, {1000, 1000}, {1001, 1000}, {1024, 1000}, {1030, 1027}});
        assertTrue(r.record(1100, 10, 12));
        assertEquals(2, r.count());
        check(r, new int[][] {{1000, 1000}, {1022, 1025}, {1099, 1102}, {1100, 1103}, {1110, 1115}},
                new int[][] {{1025, 1022}, {1102, 1099}, {1103, 1100}, {1104, 1100}, {1115, 1110}});
    }

    @Test
    void aDifferentChangeToAnEarlierSegmentIsRefused() {
        SequenceRecords r = new SequenceRecords();
        r.record(1000, 22, 25);
        assertFalse(r.accepts(1000, 22, 4), "same segment, different change");
        assertFalse(r.record(1000, 22, 26));
        assertFalse(r.accepts(990, 5, 1), "reordered segment from before the change");
        assertTrue(r.accepts(990, 5, 0), "a change of length zero never matters");
        assertTrue(r.accepts(1022, 5, 1), "a later segment");
        check(r, new int[][] {{1022, 1025}}, new int[][] {{1025, 1022}});
    }

    @Test
    void rfc1982_comparisonsWrapAroundZero() {
        SequenceRecords r = new SequenceRecords();
        int start = 0xFFFFFFF0;
        r.record(start, 0x20, 0x23);
        check(r, new int[][] {{start, start}, {0x10, 0x13}, {0xFFFFFFFF, 0xFFFFFFFF}},
                new int[][] {{0x13, 0x10}, {start, start}, {0x14, 0x11}});
        r.record(0x10, 4, 2);
        check(r, new int[][] {{0x14, 0x15}}, new int[][] {{0x15, 0x14}});
    }

    @Test
    void atTheBoundAFurtherChangeWaitsForTheOldestToBeAcknowledged() {
        SequenceRecords r = new SequenceRecords();
        for (int i = 0; i < SequenceRecords.MAX_CHANGES; i++) {
            assertTrue(r.record(1000 + 10 * i, 10, 11));
        }
        int next = 1000 + 10 * SequenceRecords.MAX_CHANGES;
        assertFalse(r.accepts(next, 10, 1));
        assertFalse(r.record(next, 10, 11), "sixteen unacknowledged changes: refused, not forgotten");
        assertTrue(r.accepts(next, 10, 0));
        r.acknowledged(1010);
        assertTrue(r.record(next, 10, 11));
        assertEquals(1, r.floorDelta());
    }

    @Test
    void theOldestChangesCollapseIntoTheFloorBeyondTheBound() {
        SequenceRecords r = new SequenceRecords();
        for (int i = 0; i < SequenceRecords.MAX_CHANGES + 4; i++) {
            r.acknowledged(1000 + 10 * i);
            assertTrue(r.record(1000 + 10 * i, 10, 11));
        }
        assertEquals(SequenceRecords.MAX_CHANGES, r.count());
        assertEquals(4, r.floorDelta());
        int last = 1000 + 10 * (SequenceRecords.MAX_CHANGES + 4);
        check(r, new int[][] {{last, last + SequenceRecords.MAX_CHANGES + 4}}, new int[][] {});
    }

    @Test
    void changesFarBehindTheAcknowledgmentCollapse() {
        SequenceRecords r = new SequenceRecords();
        r.record(1000, 10, 13);
        r.acknowledged(1010);
        assertEquals(1, r.count(), "kept for late duplicates");
        r.acknowledged(1010 + SequenceRecords.ACK_HORIZON);
        assertEquals(0, r.count());
        assertEquals(3, r.floorDelta());
        assertFalse(r.accepts(1000, 10, 3), "a retransmission of acknowledged data is not rewritten again");
        int later = 1010 + SequenceRecords.ACK_HORIZON + 100;
        assertTrue(r.record(later, 4, 2));
        check(r, new int[][] {{later, later + 3}, {later + 4, later + 5}}, new int[][] {{later + 5, later + 4}});
    }
}
