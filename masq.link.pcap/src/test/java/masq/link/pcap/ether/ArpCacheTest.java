package masq.link.pcap.ether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The open-addressing table against a map, with the seed in every failure message. */
class ArpCacheTest {
    @Test
    void randomAddsAndRemovesAgreeWithAMap() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ArpCache cache = new ArpCache(64, 16);
        Map<Integer, Long> model = new HashMap<>();
        for (int n = 0; n < 20_000; n++) {
            int ip = 0x0a000000 | random.nextInt(200);
            int i = cache.find(ip);
            assertEquals(model.containsKey(ip), i >= 0, "seed " + seed + " step " + n);
            if (i >= 0 && random.nextBoolean()) {
                assertEquals((long) model.remove(ip), cache.mac(i), "seed " + seed);
                cache.remove(i);
            } else if (i < 0) {
                long mac = random.nextLong() & Ethernet.BROADCAST;
                int added = cache.add(ip, ArpCache.REACHABLE, mac, 0);
                assertEquals(model.size() < 64, added >= 0, "seed " + seed);
                if (added >= 0) {
                    model.put(ip, mac);
                }
            }
            assertEquals(model.size(), cache.size(), "seed " + seed);
        }
    }

    @Test
    void pendingQueuesKeepOrderAndReturnBuffersToThePool() {
        ArpCache cache = new ArpCache(4, 2);
        int i = cache.add(1, ArpCache.INCOMPLETE, 0, 0);
        assertTrue(cache.enqueue(i, new byte[] {1, 2, 3}, 1, 2));
        assertTrue(cache.enqueue(i, new byte[] {9}, 0, 1));
        assertEquals(false, cache.enqueue(i, new byte[] {9}, 0, 1), "pool of 2");
        int p = cache.dequeue(i);
        assertEquals(2, cache.bufferLength(p));
        assertEquals(3, cache.buffer(p)[1]);
        cache.free(p);
        assertTrue(cache.enqueue(i, new byte[] {7}, 0, 1), "freed buffer reused");
        assertEquals(false, cache.enqueue(i, new byte[ArpCache.PENDING_BYTES + 1], 0, ArpCache.PENDING_BYTES + 1));
        assertEquals(2, cache.pending(i));
    }

    @Test
    void addressZeroIsNeverCached() {
        ArpCache cache = new ArpCache();
        assertEquals(-1, cache.add(0, ArpCache.REACHABLE, 1, 0));
        assertEquals(-1, cache.find(0));
    }
}
