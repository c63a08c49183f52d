package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.Test;

import masq.api.Verdict;
import masq.engine.nat.Counter;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;

/** A helper call that edits nothing, and the sequence shift of an adjusted flow, allocate nothing. */
class HelperHotPathAllocationTest {
    private static final int PACKETS = 100_000;

    @Test
    void helperCallsAndSequenceAdjustmentDoNotAllocate() {
        com.sun.management.ThreadMXBean threads = masq.engine.nat.HotPathAllocationTest.allocationMeter();
        HelperGateway g = new HelperGateway();
        g.install(new TestHelpers.Recording((c, p) -> Verdict.ACCEPT) {
            @Override
            public Verdict handle(masq.api.HelperContext context, byte[] payload, int offset, int length) {
                if (payload[offset] == 'P') {
                    context.replace(0, 1, "PP");
                }
                return Verdict.ACCEPT;
            }
        }, "ftp", "tcp", 21);
        g.out(PacketBuilder.tcp(A, 40000, SERVER, 21).seq(999, 0).payload("P").build());
        byte[] out = PacketBuilder.tcp(A, 40000, SERVER, 21).seq(1000, 5000).payload(new byte[10]).build();
        byte[] in = PacketBuilder.tcp(SERVER, 21, OUTSIDE, 61000).seq(5000, 1001).payload(new byte[10]).build();
        PacketBuffer p = new PacketBuffer(2048);
        run(g.translator, p, out, in, PACKETS);
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run(g.translator, p, out, in, PACKETS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(4 * PACKETS + 1, g.count(Counter.HELPER_CALLS));
        assertTrue(g.count(Counter.SEQ_ADJUSTED) >= 4 * PACKETS);
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + 2 * PACKETS + " packets");
    }

    @Test
    void messagesSplitHeldRewrittenAndAcknowledgedDoNotAllocate() {
        com.sun.management.ThreadMXBean threads = masq.engine.nat.HotPathAllocationTest.allocationMeter();
        HelperGateway g = new HelperGateway();
        MessageLayerSupport.Shouting helper = new MessageLayerSupport.Shouting() {
            @Override
            public void prologue(masq.api.HelperContext context, byte[] bytes, int offset, int length) {
            }

            @Override
            public Verdict message(masq.api.HelperContext context, byte[] b, int off, int len) {
                context.replace(len - 1, 0, BANG, 0, 1);
                return Verdict.ACCEPT;
            }
        };
        g.install(helper, "shout", "tcp", 7777);
        g.out(PacketBuilder.tcp(A, 40000, SERVER, 7777).flags(masq.engine.packet.TcpHeader.SYN).seq(999, 0).build());
        // each line "SAY n\n" is sent in two segments ("SAY", " n\n"), held, completed and grown by one byte;
        // the server acknowledges each, so the layer forgets what it remembered
        int lines = 20_000;
        byte[][] out = new byte[2 * lines][];
        byte[][] in = new byte[lines][];
        for (int i = 0; i < lines; i++) {
            int seq = 1000 + 6 * i;
            out[2 * i] = PacketBuilder.tcp(A, 40000, SERVER, 7777).seq(seq, 5000).payload("SAY").build();
            out[2 * i + 1] = PacketBuilder.tcp(A, 40000, SERVER, 7777).seq(seq + 3, 5000).payload(" " + i % 10 + "\n")
                    .build();
            in[i] = PacketBuilder.tcp(SERVER, 7777, OUTSIDE, 61000).seq(5000, 1000 + 7 * (i + 1)).build();
        }
        PacketBuffer p = new PacketBuffer(2048);
        int half = lines / 2;
        lines(g.translator, p, out, in, 0, half);
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        lines(g.translator, p, out, in, half, lines);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(lines, g.count(Counter.HELPER_MESSAGES));
        assertEquals(0, g.dispatch.rememberedChanges());
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + 3 * half + " packets");
    }

    private static final byte[] BANG = { '!' };

    private static void lines(Translator t, PacketBuffer p, byte[][] out, byte[][] in, int from, int to) {
        for (int i = from; i < to; i++) {
            once(t, p, out[2 * i], Translator.INSIDE, Translator.FORWARD_OUTSIDE);
            once(t, p, out[2 * i + 1], Translator.INSIDE, Translator.FORWARD_OUTSIDE);
            once(t, p, in[i], Translator.OUTSIDE, Translator.FORWARD_INSIDE);
        }
    }

    private static void run(Translator t, PacketBuffer p, byte[] out, byte[] in, int n) {
        for (int i = 0; i < n; i++) {
            once(t, p, out, Translator.INSIDE, Translator.FORWARD_OUTSIDE);
            once(t, p, in, Translator.OUTSIDE, Translator.FORWARD_INSIDE);
        }
    }

    private static void once(Translator t, PacketBuffer p, byte[] datagram, int side, int expected) {
        System.arraycopy(datagram, 0, p.data, 0, datagram.length);
        p.offset = 0;
        p.length = datagram.length;
        if (t.process(side, p, 5_000_000_000L) != expected) {
            throw new AssertionError("unexpected verdict");
        }
    }
}
