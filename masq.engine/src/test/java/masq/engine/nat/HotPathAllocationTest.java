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
class HotPathAllocationTest {
    private static final int PACKETS = 200_000;

    @Test
    void establishedTranslationDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        TestGateway g = new TestGateway();
        byte[] out = PacketBuilder.tcp(A, 40000, SERVER, 80).payload(new byte[10]).build();
        byte[] in = PacketBuilder.tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.ACK).payload(new byte[10]).build();
        byte[] udpOut = PacketBuilder.udp(A, 1025, SERVER, 53).payload(new byte[18]).build();
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
