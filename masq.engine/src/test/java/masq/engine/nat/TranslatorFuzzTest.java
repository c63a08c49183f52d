package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import masq.engine.packet.Checksum;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutation of valid datagrams of every kind: nothing escapes the engine, no
 * internal error is ever counted (the boundary catch would hide one), and whatever is forwarded
 * carries a valid IP header checksum.
 */
class TranslatorFuzzTest {
    private static final long SEED = Long.getLong("masq.seed", 4787L);
    private static final int ROUNDS = 200_000;

    @Test
    void mutatedDatagramsNeverThrow() {
        fuzz(new TestGateway(TestGateway.base().filtering(Filtering.ENDPOINT_INDEPENDENT).build()));
    }

    /** Without transport checksum verification, mutated headers reach the deeper paths. */
    @Test
    void mutatedDatagramsNeverThrowWithoutTransportChecksums() {
        fuzz(new TestGateway(TestGateway.base().filtering(Filtering.ENDPOINT_INDEPENDENT)
                .verifyTransportChecksums(false).limits(64, 64, 64).fragments(8, 4, 5).build()));
    }

    private static void fuzz(TestGateway g) {
        byte[] sentUdp = g.out(PacketBuilder.udp(A, 1024, SERVER, 53).payload("q").build());
        byte[] sentTcp = g.out(PacketBuilder.tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        List<byte[]> seeds = List.of(
                PacketBuilder.udp(A, 1024, SERVER, 53).payload("query").build(),
                PacketBuilder.udp(SERVER, 53, OUTSIDE, 61000).payload("answer").build(),
                PacketBuilder.tcp(A, 40000, SERVER, 80).tcpOptions(new byte[] {2, 4, 5, (byte) 0xb4, 5, 10, 0, 0, 0, 1,
                    0, 0, 0, 2, 1, 1}).payload("GET").build(),
                PacketBuilder.tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build(),
                PacketBuilder.echo(A, SERVER, 7, 1).payload("ping").build(),
                PacketBuilder.echoReply(SERVER, OUTSIDE, 61000, 1).build(),
                PacketBuilder.echo(A, TestGateway.INSIDE, 7, 1).build(),
                PacketBuilder.error(SERVER, OUTSIDE, 3, 3, sentUdp, 28).build(),
                PacketBuilder.error(SERVER, OUTSIDE, 3, 4, sentTcp, 40).build(),
                PacketBuilder.error(A, SERVER, 3, 3, PacketBuilder.udp(SERVER, 53, A, 1024).build(), 28).build(),
                FragmentsTest.split(PacketBuilder.udp(A, 1, SERVER, 2).payload(new byte[40]).build(), 16)[0],
                FragmentsTest.split(PacketBuilder.udp(A, 1, SERVER, 2).payload(new byte[40]).build(), 16)[1]);
        Random random = new Random(SEED);
        PacketBuffer p = new PacketBuffer(2048);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] datagram = mutate(seeds.get(random.nextInt(seeds.size())), random);
            System.arraycopy(datagram, 0, p.data, 0, datagram.length);
            p.offset = 0;
            p.length = datagram.length;
            int verdict = g.translator.process(random.nextInt(2), p, g.now);
            if (verdict == Translator.FORWARD_INSIDE || verdict == Translator.FORWARD_OUTSIDE
                    || verdict == Translator.REPLY) {
                int ihl = (p.data[0] & 0x0f) * 4;
                assertTrue(Checksum.verify(p.data, 0, ihl, 0), "seed " + SEED + " round " + round);
            }
            while (g.translator.pollReleased(p, g.now) != Translator.NOTHING) {
                p.offset = 0;
            }
            if (round % 5000 == 0) {
                g.advanceSeconds(7);
            }
        }
        assertEquals(0, g.count(Counter.DROP_INTERNAL_ERROR), "seed " + SEED);
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        switch (random.nextInt(4)) {
            case 0:
                return Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 1:
                return Arrays.copyOf(b, b.length + random.nextInt(64));
            default:
                int flips = 1 + random.nextInt(6);
                for (int i = 0; i < flips; i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean() && b.length >= 20 && (b[0] & 0x0f) >= 5 && (b[0] & 0x0f) * 4 <= b.length) {
                    masq.engine.packet.Ipv4Header.updateChecksum(b, 0);
                }
                return b;
        }
    }
}
