package masq.engine.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import masq.api.Ipv4;
import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.IcmpHeader;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.Test;

/**
 * Seeded random flows: the reply to what left restores the original tuple, and every checksum
 * verifies in both directions. The seed is in every failure message.
 */
class TranslatorPropertyTest {
    private static final long SEED = Long.getLong("masq.seed", 20261123L);
    private static final int FLOWS = 3000;

    @Test
    void inboundOfOutboundRestoresTheTupleAndChecksumsVerify() {
        Random random = new Random(SEED);
        TestGateway g = new TestGateway(TestGateway.base().limits(FLOWS * 2, FLOWS * 2, 300).build());
        for (int i = 0; i < FLOWS; i++) {
            String context = "seed " + SEED + " flow " + i;
            int kind = random.nextInt(3);
            String inside = "192.168.0." + (2 + random.nextInt(250));
            String remote = "198.51." + random.nextInt(256) + "." + (1 + random.nextInt(254));
            int sport = 1 + random.nextInt(65535);
            int dport = 1 + random.nextInt(65535);
            byte[] payload = new byte[random.nextInt(120)];
            random.nextBytes(payload);
            int ttl = 2 + random.nextInt(254);
            byte[] out = build(kind, inside, sport, remote, dport, payload, ttl, random.nextBoolean(), false);
            byte[] sent = g.out(out);
            assertEquals(Translator.FORWARD_OUTSIDE, g.verdict, context);
            assertValid(sent, context);
            assertEquals(Ipv4.parse(TestGateway.OUTSIDE), Ipv4Header.source(sent, 0), context);
            assertEquals(ttl - 1, Ipv4Header.ttl(sent, 0), context);
            int l4 = Ipv4Header.headerLength(sent, 0);
            int masqPort = kind == 2 ? IcmpHeader.identifier(sent, l4) : Bytes.get16(sent, l4);
            byte[] reply = build(kind, remote, dport, TestGateway.OUTSIDE, masqPort, payload, ttl, false, true);
            byte[] back = g.in(reply);
            assertEquals(Translator.FORWARD_INSIDE, g.verdict, () -> context + " kind " + kind + " " + nonZero(g));
            assertValid(back, context);
            assertEquals(Ipv4.parse(inside), Ipv4Header.destination(back, 0), context);
            assertEquals(Ipv4.parse(remote), Ipv4Header.source(back, 0), context);
            if (kind == 2) {
                assertEquals(sport, IcmpHeader.identifier(back, 20), context);
            } else {
                assertEquals(dport, Bytes.get16(back, 20), context);
                assertEquals(sport, Bytes.get16(back, 22), context);
            }
        }
        assertEquals(0, g.count(Counter.DROP_INTERNAL_ERROR));
    }

    private static String nonZero(TestGateway g) {
        StringBuilder s = new StringBuilder();
        g.translator.counters().snapshot().forEach((k, v) -> {
            if (v != 0) {
                s.append(k).append('=').append(v).append(' ');
            }
        });
        return s.toString();
    }

    /** kind 0 UDP, 1 TCP, 2 ICMP echo (the port is the identifier); a reply swaps roles. */
    private static byte[] build(int kind, String src, int sport, String dst, int dport, byte[] payload, int ttl,
            boolean options, boolean reply) {
        PacketBuilder b;
        if (kind == 0) {
            b = PacketBuilder.udp(src, sport, dst, dport);
        } else if (kind == 1) {
            b = PacketBuilder.tcp(src, sport, dst, dport).flags(reply ? TcpHeader.SYN | TcpHeader.ACK : TcpHeader.SYN);
        } else {
            b = reply ? PacketBuilder.echoReply(src, dst, dport, 1) : PacketBuilder.echo(src, dst, sport, 1);
        }
        if (options) {
            b.ipOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0);
        }
        return b.payload(payload).ttl(ttl).build();
    }

    static void assertValid(byte[] datagram, String context) {
        int ihl = Ipv4Header.headerLength(datagram, 0);
        assertTrue(Checksum.verify(datagram, 0, ihl, 0), "IP checksum " + context);
        int length = datagram.length - ihl;
        int proto = Ipv4Header.protocol(datagram, 0);
        int pseudo = Checksum.pseudoHeader(Ipv4Header.source(datagram, 0), Ipv4Header.destination(datagram, 0), proto,
                length);
        int initial = proto == Ipv4Header.PROTOCOL_ICMP ? 0 : pseudo;
        assertTrue(Checksum.verify(datagram, ihl, length, initial), "transport checksum " + context);
    }
}
