package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static masq.engine.helper.MessageLayerSupport.PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import masq.engine.helper.MessageLayerSupport.Connection;
import masq.engine.helper.MessageLayerSupport.Shouting;
import masq.engine.nat.Counter;
import masq.engine.nat.Translator;
import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;

/**
 * The message layer under retransmissions and held bytes, through the real translator: retransmissions
 * whole and cut differently, gaps, a helper removed mid-message, FIN after held bytes, deferral when the
 * packet has no room, and the acknowledgments each end sees.
 */
class MessageLayerRetransmissionTest {
    @Test
    void aWholeRetransmissionLeavesIdenticallyAndIsNotShownAgain() {
        Connection c = new Connection(new Shouting());
        String first = c.out("SAY a\nSAY b\n");
        assertEquals(first, c.outAt(1000, "SAY a\nSAY b\n", TcpHeader.ACK));
        assertEquals(first, c.outAt(1000, "SAY a\nSAY b\n", TcpHeader.ACK));
        assertEquals(2, c.helper.messages.size());
        assertEquals("x\n", c.out("x\n"));
        assertEquals("SAY a!\nSAY b!\nx\n", c.serverStream());
    }

    @Test
    void retransmissionsCutDifferentlyGiveEveryByteTheSameValue() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] pieces = { "SAY hello\r\n", "NOOP\r\n", "SAY x\n", "SA", "Y\n", "plain text\n", "\n" };
        for (int round = 0; round < 200; round++) {
            StringBuilder stream = new StringBuilder();
            for (int n = 1 + random.nextInt(10); n > 0; n--) {
                stream.append(pieces[random.nextInt(pieces.length)]);
            }
            Connection whole = new Connection(new Shouting());
            String expected = whole.out(stream.toString());
            Connection c = new Connection(new Shouting());
            int sent = 0;
            while (sent < stream.length()) {
                int n = 1 + random.nextInt(Math.min(12, stream.length() - sent));
                c.out(stream.substring(sent, sent + n));
                sent += n;
                if (random.nextInt(3) == 0) {
                    int from = random.nextInt(sent);
                    int to = from + 1 + random.nextInt(sent - from);
                    c.outAt(1000 + from, stream.substring(from, to), TcpHeader.ACK);
                }
            }
            assertEquals(expected, c.serverStream(), "seed " + seed + " stream " + stream);
            assertEquals(whole.helper.messages, c.helper.messages, "seed " + seed);
        }
    }

    @Test
    void aSegmentBeyondAGapIsDroppedAndCountedUntilTheGapIsFilled() {
        Connection c = new Connection(new Shouting());
        c.out("one\n");
        assertEquals(null, c.outAt(1000 + 4 + 5, "SAY b\n", TcpHeader.ACK));
        assertEquals(1, c.count(Counter.STREAM_GAP));
        assertEquals(Map.of("out-of-order", 1L), c.gateway.dispatch.refusals("shout"));
        assertEquals("SAY a!\n", c.out("SAY a\n"));
        assertEquals("SAY b!\n", c.out("SAY b\n"));
        assertEquals("one\nSAY a!\nSAY b!\n", c.serverStream());
    }

    @Test
    void aHelperRemovedMidMessageReleasesTheHeldBytesUnchanged() {
        Connection c = new Connection(new Shouting());
        assertEquals("", c.out("SAY hal"));
        c.gateway.registry.remove(c.serviceId);
        assertEquals("SAY half a line\n", c.out("f a line\n"));
        assertEquals("SAY x\n", c.out("SAY x\n"), "plain NAT now");
        assertEquals("SAY half a line\nSAY x\n", c.serverStream());
        assertEquals(1, c.count(Counter.STREAM_RELEASED));
        assertEquals(List.of(), c.helper.messages);
    }

    @Test
    void heldBytesOfAWithdrawnHelperAreStillAcknowledgedWhenTheSenderRetransmitsThem() {
        Connection c = new Connection(new Shouting());
        c.out("NOOP\n");
        c.in("ok\n");
        assertEquals("", c.out("SAY ha"));
        masq.engine.packet.PacketBuffer reply = new masq.engine.packet.PacketBuffer(2048);
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now));
        c.gateway.registry.remove(c.serviceId);
        assertEquals("", c.outAt(1005, "SAY ha", TcpHeader.ACK), "our acknowledgment was lost: the sender retransmits");
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now), "acknowledged again");
        assertEquals("SAY half\n", c.out("lf\n"));
        assertEquals("NOOP\nSAY half\n", c.serverStream());
    }

    @Test
    void aFinAfterHeldBytesCarriesThem() {
        Connection c = new Connection(new Shouting());
        assertEquals("", c.out("SAY never ends"));
        assertEquals("SAY never ends", c.outAt(c.clientSeq, "", TcpHeader.ACK | TcpHeader.FIN));
        assertEquals("SAY never ends", c.serverStream());
        int tcp = Ipv4Header.headerLength(c.last, 0);
        assertEquals(TcpHeader.FIN, TcpHeader.flags(c.last, tcp) & TcpHeader.FIN);
        assertEquals("SAY never ends", c.outAt(c.clientSeq, "", TcpHeader.ACK | TcpHeader.FIN), "retransmitted FIN");
        Connection d = new Connection(new Shouting());
        assertEquals("", d.out("SAY a"));
        assertEquals("SAY abc", d.outAt(d.clientSeq, "bc", TcpHeader.ACK | TcpHeader.FIN), "FIN with data");
    }

    @Test
    void aSegmentWhoseEditsWouldNotFitIsCutAndTheRestComesAgain() {
        Shouting h = new Shouting();
        h.growth = 200;
        Connection c = new Connection(h);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            lines.append("SAY ").append((char) ('a' + i)).append('\n');
        }
        String sent = c.outAt(c.clientSeq, lines.toString(), TcpHeader.ACK | TcpHeader.FIN);
        int tcp = Ipv4Header.headerLength(c.last, 0);
        assertEquals(0, TcpHeader.flags(c.last, tcp) & TcpHeader.FIN, "the FIN goes with the rest");
        assertEquals(1, c.count(Counter.STREAM_DEFERRED));
        int taken = sent.length() / 206;
        assertTrue(taken > 0 && taken < 12, "taken " + taken);
        assertEquals(taken, h.messages.size());
        String rest = lines.substring(6 * taken);
        String second = c.outAt(c.clientSeq + 6 * taken, rest, TcpHeader.ACK | TcpHeader.FIN);
        assertEquals(12, h.messages.size());
        assertEquals((12 - taken) * 206, second.length());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            expected.append("SAY ").append((char) ('a' + i)).append("!".repeat(200)).append('\n');
        }
        assertEquals(expected.toString(), c.serverStream());
    }

    @Test
    void theServersAcknowledgmentsAreTranslatedBackAcrossHeldAndGrownBytes() {
        Connection c = new Connection(new Shouting());
        c.out("SAY a");
        c.out("b\n");
        c.out("end\n");
        assertEquals("SAY ab!\nend\n", c.serverStream());
        int tcp = 20;
        byte[] partial = c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq,
                1000 + 3).build());
        assertEquals(1000 + 5, TcpHeader.acknowledgment(partial, tcp),
                "inside the rewritten line: the held bytes count as delivered, the segment that completed it does not");
        assertEquals("SAY ab!\n", c.outAt(1000 + 5, "b\n", TcpHeader.ACK), "whose retransmission brings it all again");
        byte[] ack = c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq,
                (int) c.serverEnd).build());
        assertEquals(c.clientSeq, TcpHeader.acknowledgment(ack, tcp), "the client sees all it sent acknowledged");
        assertEquals(0, c.gateway.dispatch.rememberedChanges(), "and the gateway forgets what it remembered for it");
    }

    @Test
    void heldBytesAreAcknowledgedToTheSenderWhenTheReceiverHasNothingLeftToAcknowledge() {
        Connection c = new Connection(new Shouting());
        c.out("NOOP\n");
        c.in("200 ok\n");                        // acknowledges the client's NOOP
        assertEquals("", c.out("SAY he"));         // all held: the server gets an empty segment, nothing to ack
        masq.engine.packet.PacketBuffer reply = new masq.engine.packet.PacketBuffer(2048);
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now));
        byte[] ack = java.util.Arrays.copyOfRange(reply.data, reply.offset, reply.offset + reply.length);
        assertEquals(PacketBuilder.ip(SERVER), Bytes.get32(ack, 12));
        assertEquals(PacketBuilder.ip(A), Bytes.get32(ack, 16));
        assertEquals(PORT, Bytes.get16(ack, 20));
        assertEquals(40000, Bytes.get16(ack, 22));
        assertEquals(c.serverSeq, TcpHeader.sequence(ack, 20), "the sequence number the client expects");
        assertEquals(c.clientSeq, TcpHeader.acknowledgment(ack, 20), "everything it sent, the held bytes included");
        assertEquals(TcpHeader.ACK, TcpHeader.flags(ack, 20));
        assertTrue(masq.engine.packet.Checksum.verify(ack, 0, 20, 0), "IP checksum");
        assertTrue(masq.engine.packet.Checksum.verify(ack, 20, 20, masq.engine.packet.Checksum.pseudoHeader(
                PacketBuilder.ip(SERVER), PacketBuilder.ip(A), 6, 20)), "TCP checksum");
        assertEquals(Translator.NOTHING, c.gateway.translator.pollReleased(reply, c.gateway.now));
        assertEquals(1, c.count(Counter.STREAM_HELD_ACKED));
        // bytes the server has not acknowledged come before the held ones: its own ACK will cover them
        assertEquals("x\n", c.out("llo\nx\nSAY y").substring("SAY hello!\n".length()));
        assertEquals(Translator.NOTHING, c.gateway.translator.pollReleased(reply, c.gateway.now));
        byte[] serverAck = c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq,
                (int) c.serverEnd).build());
        assertEquals(c.clientSeq, TcpHeader.acknowledgment(serverAck, 20), "which maps past the held bytes");
    }

    @Test
    void theAcknowledgmentOfHeldBytesCarriesTimestampsWhenBothEndsUseThem() {
        Connection c = new Connection(new Shouting());
        byte[] stampsServer = { 1, 1, 8, 10, 0, 0, 3, 9, 0, 0, 0, 5 };      // TSval 777, TSecr 5
        byte[] stampsClient = { 1, 1, 8, 10, 0, 0, 2, 43, 0, 0, 3, 9 };     // TSval 555, TSecr 777
        c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq, c.clientSeq)
                .tcpOptions(stampsServer).build());
        c.gateway.out(PacketBuilder.tcp(A, 40000, SERVER, PORT).seq(c.clientSeq, c.serverSeq).tcpOptions(stampsClient)
                .payload("SAY x").build());
        masq.engine.packet.PacketBuffer reply = new masq.engine.packet.PacketBuffer(2048);
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now));
        byte[] ack = java.util.Arrays.copyOfRange(reply.data, reply.offset, reply.offset + reply.length);
        assertEquals(52, ack.length);
        int ts = masq.engine.packet.TcpOptions.timestamps(ack, 20);
        assertEquals(777, Bytes.get32(ack, ts), "the server's last TSval");
        assertEquals(555, Bytes.get32(ack, ts + 4), "echoing the client's");
        assertEquals(c.clientSeq + 5, TcpHeader.acknowledgment(ack, 20));
        assertTrue(masq.engine.packet.Checksum.verify(ack, 20, 32, masq.engine.packet.Checksum.pseudoHeader(
                PacketBuilder.ip(SERVER), PacketBuilder.ip(A), 6, 32)), "TCP checksum");
    }
}
