package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.Test;

/** Established flows are translated, both ways, without allocating. */
public class HotPathAllocationTest {
    private static final int PACKETS = 200_000;

    @Test
    void establishedTranslationDoesNotAllocate() {
        com.sun.management.ThreadMXBean threads = allocationMeter();
        TestGateway g = new TestGateway();
        byte[] out = PacketBuilder.tcp(A, 40000, SERVER, 80).payload(new byte[10]).build();
        byte[] in = PacketBuilder.tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.ACK).payload(new byte[10]).build();
        byte[] udpOut = PacketBuilder.udp(A, 1024, SERVER, 53).payload(new byte[18]).build();
        byte[] udpIn = PacketBuilder.udp(SERVER, 53, OUTSIDE, 61000).payload(new byte[18]).build();
        PacketBuffer p = new PacketBuffer(2048);
        Translator t = g.translator;
        run(t, p, out, in, udpOut, udpIn, PACKETS);
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run(t, p, out, in, udpOut, udpIn, PACKETS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(2, t.mappingCount());
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + 4 * PACKETS + " packets");
    }

    /** The same with the hosts' offloads on: partial checksums completed, a super-frame cut into segments. */
    @Test
    void offloadedTrafficDoesNotAllocate() {
        com.sun.management.ThreadMXBean threads = allocationMeter();
        TestGateway g = new TestGateway();
        byte[] out = PacketBuilder.partial(PacketBuilder.tcp(A, 40000, SERVER, 80).payload(new byte[10]).build());
        byte[] in = PacketBuilder.partial(PacketBuilder.tcp(SERVER, 80, OUTSIDE, 61000).payload(new byte[1400]).build());
        byte[] udpOut = PacketBuilder.partial(PacketBuilder.udp(A, 1024, SERVER, 53).payload(new byte[18]).build());
        byte[] udpIn = PacketBuilder.partial(PacketBuilder.udp(SERVER, 53, OUTSIDE, 61000).payload(new byte[18]).build());
        byte[] superFrame = PacketBuilder.partial(PacketBuilder.tcp(SERVER, 80, OUTSIDE, 61000)
                .payload(new byte[20000]).build());
        PacketBuffer p = new PacketBuffer(65535 + 256);
        PacketBuffer segment = new PacketBuffer(2048);
        Translator t = g.translator;
        int rounds = PACKETS / 10;
        runOffloaded(t, p, segment, out, in, udpOut, udpIn, superFrame, rounds);
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        runOffloaded(t, p, segment, out, in, udpOut, udpIn, superFrame, rounds);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(2 * rounds * 5, t.counters().get(Counter.RX_CSUM_PARTIAL));
        assertEquals(2 * rounds, t.counters().get(Counter.RX_GSO_SEGMENTED));
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + 5 * rounds + " packets");
    }

    private static void runOffloaded(Translator t, PacketBuffer p, PacketBuffer segment, byte[] out, byte[] in,
            byte[] udpOut, byte[] udpIn, byte[] superFrame, int n) {
        for (int i = 0; i < n; i++) {
            once(t, p, out, Translator.INSIDE, Translator.FORWARD_OUTSIDE);
            once(t, p, in, Translator.OUTSIDE, Translator.FORWARD_INSIDE);
            once(t, p, udpOut, Translator.INSIDE, Translator.FORWARD_OUTSIDE);
            once(t, p, udpIn, Translator.OUTSIDE, Translator.FORWARD_INSIDE);
            once(t, p, superFrame, Translator.OUTSIDE, Translator.FORWARD_INSIDE);
            int segments = t.superFrame(p, 1500);
            for (int k = 0; k < segments; k++) {
                t.segment(p, 1500, k, segment);
            }
        }
    }

    /** The JVM's per-thread allocation counter; the test is skipped (assumption) where there is none. */
    public static com.sun.management.ThreadMXBean allocationMeter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        return threads;
    }

    private static void run(Translator t, PacketBuffer p, byte[] out, byte[] in, byte[] udpOut, byte[] udpIn, int n) {
        for (int i = 0; i < n; i++) {
            once(t, p, out, Translator.INSIDE, Translator.FORWARD_OUTSIDE);
            once(t, p, in, Translator.OUTSIDE, Translator.FORWARD_INSIDE);
            once(t, p, udpOut, Translator.INSIDE, Translator.FORWARD_OUTSIDE);
            once(t, p, udpIn, Translator.OUTSIDE, Translator.FORWARD_INSIDE);
        }
    }

    private static void once(Translator t, PacketBuffer p, byte[] datagram, int side, int expected) {
        System.arraycopy(datagram, 0, p.data, 0, datagram.length);
        p.offset = 0;
        p.length = datagram.length;
        if (t.process(side, p, 1_000_000_000L) != expected) {
            throw new AssertionError("unexpected verdict");
        }
    }
}
