package masq.engine.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import masq.api.admin.MappingDTO;
import masq.api.admin.StatsDTO;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;
import org.junit.jupiter.api.Test;

class EngineLoopTest {

    @Test
    void packetsAndAdminRequestsRunOnTheEngineThread() throws Exception {
        Translator translator = new Translator(TestGateway.base().build(), 0);
        CopyOnWriteArrayList<String> emitted = new CopyOnWriteArrayList<>();
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        EngineLoop loop = new EngineLoop(translator,
                (verdict, p) -> emitted.add(verdict + " " + Thread.currentThread().getName()), clock::get, 64);
        loop.start();
        try {
            byte[] d = PacketBuilder.udp(TestGateway.A, 1024, TestGateway.SERVER, 53).build();
            PacketBuffer p = new PacketBuffer(2048);
            p.set(d, 0, d.length);
            assertTrue(loop.offer(Translator.INSIDE, p));
            CompletableFuture<java.util.List<MappingDTO>> rows = loop.submit(t -> t.mappings(100, i -> null));
            java.util.List<MappingDTO> table = rows.get(5, TimeUnit.SECONDS);
            assertEquals(1, table.size());
            assertEquals(61000, table.get(0).outsidePort);
            assertEquals("1 masq-engine", emitted.get(0));
            StatsDTO stats = loop.submit(Translator::stats).get(5, TimeUnit.SECONDS);
            assertEquals(1L, stats.counters.get("packets.forwarded.outbound"));
            clock.addAndGet(1000L * 1_000_000_000L);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (loop.submit(Translator::mappingCount).get(5, TimeUnit.SECONDS) != 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, (int) loop.submit(Translator::mappingCount).get(5, TimeUnit.SECONDS));
        } finally {
            loop.stop();
        }
    }

    @Test
    void aFullQueueRefusesInsteadOfBlocking() {
        Translator translator = new Translator(TestGateway.base().build(), 0);
        EngineLoop loop = new EngineLoop(translator, (v, p) -> { }, () -> 0, 1);
        assertTrue(loop.offer(0, new PacketBuffer(64)));
        assertEquals(false, loop.offer(0, new PacketBuffer(64)));
        assertTrue(loop.submit(t -> 1).isCompletedExceptionally());
    }
}
