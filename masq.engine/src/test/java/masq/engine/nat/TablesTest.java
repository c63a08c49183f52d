package masq.engine.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The primitive-array tables against java.util references, under seeded random churn. */
class TablesTest {
    private static final long SEED = 5382L;

    @Test
    void bindingsMatchAReferenceMapUnderChurn() {
        Random random = new Random(SEED);
        Bindings bindings = new Bindings(512, 0xcb007101, 61000, 65095, PortAllocation.SEQUENTIAL, new Counters());
        Map<Long, Integer> reference = new HashMap<>();
        for (int round = 0; round < 50_000; round++) {
            int proto = random.nextInt(3);
            int address = 0xc0a80000 | random.nextInt(64);
            int port = random.nextInt(16);
            long key = ((long) proto << 48) | ((long) (address & 0xffff) << 16) | port;
            int found = bindings.findInside(proto, address, port);
            Integer expected = reference.get(key);
            assertEquals(expected == null ? Bindings.NONE : expected, found, "seed " + SEED + " round " + round);
            if (found == Bindings.NONE && reference.size() < 512) {
                int b = bindings.create(proto, address, port, -1);
                assertTrue(b >= 0, "seed " + SEED + " round " + round);
                assertEquals(b, bindings.findByPort(proto, bindings.masqPort[b]));
                reference.put(key, b);
            } else if (found != Bindings.NONE && random.nextBoolean()) {
                int gatewayPort = bindings.masqPort[found];
                bindings.remove(found);
                assertEquals(Bindings.NONE, bindings.findByPort(proto, gatewayPort));
                reference.remove(key);
            }
        }
        assertEquals(reference.size(), bindings.count());
    }

    @Test
    void portAllocatorHandsOutEachPortOnceAndCyclesThroughTheRange() {
        PortAllocator ports = new PortAllocator(1024, 1024 + 99);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertTrue(seen.add(ports.allocate()));
        }
        assertEquals(-1, ports.allocate());
        ports.release(1050);
        ports.release(1030);
        assertEquals(1030, ports.allocate());
        assertEquals(1050, ports.allocate());
        assertEquals(0, ports.free());
    }

    @Test
    void portAllocatorDoesNotReuseAFreedPortBeforeTheCursorWraps() {
        PortAllocator ports = new PortAllocator(2000, 2009);
        int first = ports.allocate();
        ports.release(first);
        assertEquals(2001, ports.allocate());
        assertTrue(ports.claim(2005));
        assertFalse(ports.claim(2005));
        assertEquals(2002, ports.allocate());
    }

    @Test
    void portAllocatorSpansWordBoundaries() {
        PortAllocator ports = new PortAllocator(61000, 65095);
        for (int i = 0; i < 4096; i++) {
            assertEquals(61000 + i, ports.allocate());
        }
        assertEquals(-1, ports.allocate());
        ports.release(65095);
        assertEquals(65095, ports.allocate());
    }

    @Test
    void timerWheelExpiresInTimeOrderAndHonoursRefreshes() {
        Random random = new Random(SEED);
        TimerWheel wheel = new TimerWheel(1000, 0);
        int[] expiry = new int[1000];
        for (int e = 0; e < 1000; e++) {
            expiry[e] = 1 + random.nextInt(20000);
            wheel.schedule(e, expiry[e]);
        }
        for (int e = 0; e < 1000; e += 3) {
            expiry[e] = expiry[e] + random.nextInt(100) - 50;
            expiry[e] = Math.max(1, expiry[e]);
            wheel.touch(e, expiry[e]);
        }
        for (int e = 1; e < 1000; e += 7) {
            wheel.cancel(e);
            expiry[e] = -1;
        }
        List<Integer> expired = new ArrayList<>();
        for (int t = 1; t <= 20100; t++) {
            final int now = t;
            wheel.advance(t, e -> {
                assertEquals(now, expiry[e], "entry " + e);
                expired.add(e);
            });
        }
        long live = java.util.Arrays.stream(expiry).filter(x -> x > 0).count();
        assertEquals(live, expired.size());
    }

    @Test
    void hostCountsTrackAndForget() {
        HostCounts hosts = new HostCounts(2);
        assertTrue(hosts.canTrack(1));
        hosts.increment(1);
        hosts.increment(1);
        hosts.increment(2);
        assertFalse(hosts.canTrack(3));
        assertTrue(hosts.canTrack(1));
        assertEquals(2, hosts.sessions(1));
        hosts.decrement(2);
        assertTrue(hosts.canTrack(3));
        assertEquals(0, hosts.sessions(2));
    }

    @Test
    void openIndexSurvivesCollidingHashes() {
        OpenIndex index = new OpenIndex(16);
        for (int e = 0; e < 16; e++) {
            index.insert(e % 3, e);
        }
        for (int e = 0; e < 16; e += 2) {
            index.remove(e % 3, e);
        }
        Set<Integer> present = new HashSet<>();
        for (int h = 0; h < 3; h++) {
            for (int i = index.first(h); index.entryAt(i) >= 0; i = index.next(i)) {
                present.add(index.entryAt(i));
            }
        }
        for (int e = 0; e < 16; e++) {
            assertEquals(e % 2 == 1, present.contains(e), "entry " + e);
        }
    }
}
