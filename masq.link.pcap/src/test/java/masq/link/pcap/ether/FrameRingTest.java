package masq.link.pcap.ether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameRingTest {
    @Test
    void overflowIsCountedAndOrderKeptAcrossWrapAround() {
        FrameRing ring = new FrameRing(4, new FrameRing.Waiter());
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5; i++) {
                assertEquals(i < 4, ring.offer(new byte[] {(byte) i, 0}, 0, 2));
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(i, ring.peek()[0]);
                assertEquals(2, ring.peekLength());
                ring.release();
            }
            assertNull(ring.peek());
        }
        assertEquals(3, ring.overflows());
        assertEquals(12, ring.offered());
    }

    @Test
    void longFramesAreCutToTheSnapLength() {
        FrameRing ring = new FrameRing(2, new FrameRing.Waiter());
        ring.offer(new byte[5000], 0, 5000);
        assertEquals(FrameRing.MAX_FRAME_LENGTH, ring.peekLength());
        assertEquals(FrameRing.MAX_FRAME_LENGTH + FrameRing.HEADROOM, ring.peek().length);
    }

    @Test
    void slotsMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new FrameRing(3, new FrameRing.Waiter()));
    }

    @Test
    void awaitReturnsWhenAnotherThreadOffers() throws Exception {
        FrameRing.Waiter waiter = new FrameRing.Waiter();
        FrameRing ring = new FrameRing(8, waiter);
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            ring.offer(new byte[60], 0, 60);
        });
        producer.start();
        long start = System.nanoTime();
        assertTrue(waiter.await(new FrameRing[] {ring}, 5_000_000_000L));
        assertTrue(System.nanoTime() - start < 2_000_000_000L);
        producer.join();
    }

    @Test
    void awaitTimesOutAndWakeupEndsIt() throws Exception {
        FrameRing.Waiter waiter = new FrameRing.Waiter();
        FrameRing ring = new FrameRing(8, waiter);
        assertFalse(waiter.await(new FrameRing[] {ring}, 10_000_000L));
        waiter.wakeup();
        long start = System.nanoTime();
        assertFalse(waiter.await(new FrameRing[] {ring}, 5_000_000_000L));
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }
}
