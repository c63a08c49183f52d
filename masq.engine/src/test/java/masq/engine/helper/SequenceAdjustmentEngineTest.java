package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.INSIDE;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import masq.engine.nat.Counter;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuilder;

/**
 * TCP sequence adjustment through the whole engine: a helper resizes payload and every later
 * segment, retransmission, acknowledgment and SACK block leaves consistent. Expected datagrams are
 * built from scratch (checksums included), so each step also proves the incremental checksums.
 */
class SequenceAdjustmentEngineTest {
    private static final String PORT_IN = "PORT 192,168,0,2,4,1\r\n";
    private static final String PORT_OUT = "PORT 203,0,113,1,238,72\r\n";
    private static final int OUTSIDE_SIDE = Translator.OUTSIDE;

    /** One packet of a scripted exchange: what goes in on which side, what must come out. */
    record Step(String name, int side, PacketBuilder in, int verdict, PacketBuilder out) {
    }

    private HelperGateway g;
    private TestHelpers.Recording helper;

    @BeforeEach
    void gateway() {
        g = new HelperGateway();
        helper = TestHelpers.replacing("PORT 192,168,0,2,4,1", "PORT 203,0,113,1,238,72", "AB", "ABCD");
        g.install(helper, "ftp", "tcp", 21);
    }

    private static PacketBuilder fromClient(int seq, int ack, String payload) {
        return tcp(A, 40000, SERVER, 21).seq(seq, ack).payload(payload);
    }

    private static PacketBuilder toServer(int seq, int ack, String payload) {
        return tcp(OUTSIDE, 61000, SERVER, 21).seq(seq, ack).payload(payload).ttl(63);
    }

    private static PacketBuilder fromServer(int seq, int ack) {
        return tcp(SERVER, 21, OUTSIDE, 61000).seq(seq, ack);
    }

    private static PacketBuilder toClient(int seq, int ack) {
        return tcp(SERVER, 21, A, 40000).seq(seq, ack).ttl(63);
    }

    private void run(List<Step> steps) {
        for (Step s : steps) {
            g.expect(s.name(), s.side(), s.in().build(), s.verdict(), s.out().build());
        }
    }

    private void handshake() {
        run(List.of(
                new Step("SYN", INSIDE, fromClient(999, 0, "").flags(SYN), FORWARD_OUTSIDE,
                        toServer(999, 0, "").flags(SYN)),
                new Step("SYN-ACK", OUTSIDE_SIDE, fromServer(4999, 1000).flags(SYN | ACK), FORWARD_INSIDE,
                        toClient(4999, 1000).flags(SYN | ACK))));
    }

    @Test
    void protocols2_5_workedExample_rfc9293SequenceSpaceStaysConsistent() {
        handshake();
        run(List.of(
                new Step("the PORT segment: 1000 is not after 1000, +0", INSIDE, fromClient(1000, 5000, PORT_IN),
                        FORWARD_OUTSIDE, toServer(1000, 5000, PORT_OUT)),
                new Step("its retransmission: rewritten again, record unchanged", INSIDE,
                        fromClient(1000, 5000, PORT_IN), FORWARD_OUTSIDE, toServer(1000, 5000, PORT_OUT)),
                new Step("next client segment 1022 -> 1025", INSIDE, fromClient(1022, 5000, "LIST\r\n"),
                        FORWARD_OUTSIDE, toServer(1025, 5000, "LIST\r\n")),
                new Step("server ACK 1025 -> 1022", OUTSIDE_SIDE, fromServer(5000, 1025), FORWARD_INSIDE,
                        toClient(5000, 1022)),
                new Step("server duplicate ACK 1000 stays", OUTSIDE_SIDE, fromServer(5000, 1000), FORWARD_INSIDE,
                        toClient(5000, 1000)),
                new Step("partial ACK inside the rewritten segment -> its start", OUTSIDE_SIDE,
                        fromServer(5000, 1010), FORWARD_INSIDE, toClient(5000, 1000))));
        assertEquals(List.of("OUTBOUND 1000 " + PORT_IN, "OUTBOUND 1000 " + PORT_IN, "OUTBOUND 1022 LIST\r\n"),
                helper.calls, "the helper sees original sequence numbers, retransmissions included");
        assertEquals(2, g.count(Counter.EDITS_APPLIED), "the PORT and its retransmission were both rewritten");
    }

    @Test
    void aSecondResizeKeepsThreeGenerations_unlikeLinux22() {
        handshake();
        String filler = "x".repeat(72);
        run(List.of(
                new Step("PORT", INSIDE, fromClient(1000, 5000, PORT_IN), FORWARD_OUTSIDE,
                        toServer(1000, 5000, PORT_OUT)),
                new Step("LIST", INSIDE, fromClient(1022, 5000, "LIST\r\n"), FORWARD_OUTSIDE,
                        toServer(1025, 5000, "LIST\r\n")),
                new Step("filler", INSIDE, fromClient(1028, 5000, filler), FORWARD_OUTSIDE,
                        toServer(1031, 5000, filler)),
                new Step("second resize +2 at 1100", INSIDE, fromClient(1100, 5000, "AB\r\n"), FORWARD_OUTSIDE,
                        toServer(1103, 5000, "ABCD\r\n")),
                new Step("retransmitted PORT after both changes: +0", INSIDE, fromClient(1000, 5000, PORT_IN),
                        FORWARD_OUTSIDE, toServer(1000, 5000, PORT_OUT)),
                new Step("retransmitted LIST between the changes: +3", INSIDE, fromClient(1022, 5000, "LIST\r\n"),
                        FORWARD_OUTSIDE, toServer(1025, 5000, "LIST\r\n")),
                new Step("next segment 1104 -> 1109", INSIDE, fromClient(1104, 5000, "Z"), FORWARD_OUTSIDE,
                        toServer(1109, 5000, "Z")),
                new Step("ACK 1109 -> 1104", OUTSIDE_SIDE, fromServer(5000, 1109), FORWARD_INSIDE,
                        toClient(5000, 1104)),
                new Step("ACK 1031 (after LIST) -> 1028", OUTSIDE_SIDE, fromServer(5000, 1031), FORWARD_INSIDE,
                        toClient(5000, 1028)),
                new Step("ACK inside the second rewrite -> 1100", OUTSIDE_SIDE, fromServer(5000, 1106),
                        FORWARD_INSIDE, toClient(5000, 1100))));
    }

    @Test
    void rfc2018_sackBlocksAreTranslatedLikeAcknowledgments() {
        handshake();
        run(List.of(
                new Step("PORT", INSIDE, fromClient(1000, 5000, PORT_IN), FORWARD_OUTSIDE,
                        toServer(1000, 5000, PORT_OUT)),
                new Step("filler", INSIDE, fromClient(1022, 5000, "x".repeat(78)), FORWARD_OUTSIDE,
                        toServer(1025, 5000, "x".repeat(78))),
                new Step("second resize", INSIDE, fromClient(1100, 5000, "AB\r\n"), FORWARD_OUTSIDE,
                        toServer(1103, 5000, "ABCD\r\n")),
                new Step("ACK 1025 with SACK [1103,1109)", OUTSIDE_SIDE,
                        fromServer(5000, 1025).tcpOptions(sack(1103, 1109)), FORWARD_INSIDE,
                        toClient(5000, 1022).tcpOptions(sack(1100, 1104)))));
    }

    @Test
    void editsInBothDirectionsShiftEachSidesSeqAndAck() {
        handshake();
        String reply = "227 Entering Passive Mode (AB)\r\n";
        String replyOut = "227 Entering Passive Mode (ABCD)\r\n";
        run(List.of(
                new Step("PORT out (+3)", INSIDE, fromClient(1000, 5000, PORT_IN), FORWARD_OUTSIDE,
                        toServer(1000, 5000, PORT_OUT)),
                new Step("reply in (+2), acking 1025", OUTSIDE_SIDE, fromServer(5000, 1025).payload(reply),
                        FORWARD_INSIDE, toClient(5000, 1022).payload(replyOut)),
                new Step("client data acking 5034 -> 5032", INSIDE, fromClient(1022, 5034, "NOOP\r\n"),
                        FORWARD_OUTSIDE, toServer(1025, 5032, "NOOP\r\n")),
                new Step("server data 5032 -> 5034, acking 1028 -> 1025", OUTSIDE_SIDE,
                        fromServer(5032, 1028).payload("200 OK\r\n"), FORWARD_INSIDE,
                        toClient(5034, 1025).payload("200 OK\r\n")),
                new Step("client SACK for inbound data is translated back", INSIDE,
                        fromClient(1028, 5034, "").tcpOptions(sack(5034, 5042)), FORWARD_OUTSIDE,
                        toServer(1031, 5032, "").tcpOptions(sack(5032, 5040)))));
    }

    @Test
    void shrinkEditsShiftBackwards() {
        g = new HelperGateway();
        g.install(TestHelpers.replacing("PORT 192,168,0,2,4,1", "P"), "ftp", "tcp", 21);
        handshake();
        run(List.of(
                new Step("shrink by 19", INSIDE, fromClient(1000, 5000, PORT_IN), FORWARD_OUTSIDE,
                        toServer(1000, 5000, "P\r\n")),
                new Step("next segment 1022 -> 1003", INSIDE, fromClient(1022, 5000, "Q"), FORWARD_OUTSIDE,
                        toServer(1003, 5000, "Q")),
                new Step("ACK 1004 -> 1023", OUTSIDE_SIDE, fromServer(5000, 1004), FORWARD_INSIDE,
                        toClient(5000, 1023))));
    }

    @Test
    void manyChangesAccumulateAndAcknowledgedOnesCollapse() {
        handshake();
        int seq = 1000;
        int delta = 0;
        for (int i = 0; i < 40; i++) {
            String step = "change " + i;
            g.expect(step, INSIDE, fromClient(seq, 5000, "AB").build(), FORWARD_OUTSIDE,
                    toServer(seq + delta, 5000, "ABCD").build());
            seq += 2;
            delta += 2;
            if (i % 5 == 4) {
                g.expect(step + " ack", OUTSIDE_SIDE, fromServer(5000, seq + delta).build(), FORWARD_INSIDE,
                        toClient(5000, seq).build());
            }
        }
        g.expect("after 40 changes", INSIDE, fromClient(seq, 5000, "Z").build(), FORWARD_OUTSIDE,
                toServer(seq + 80, 5000, "Z").build());
    }

    @Test
    void severalEditsInOnePacketAccumulate() {
        handshake();
        run(List.of(
                new Step("three edits", INSIDE, fromClient(1000, 5000, "AB AB AB\r\n"), FORWARD_OUTSIDE,
                        toServer(1000, 5000, "ABCD ABCD ABCD\r\n")),
                new Step("next segment +6", INSIDE, fromClient(1010, 5000, "Z"), FORWARD_OUTSIDE,
                        toServer(1016, 5000, "Z"))));
    }

    @Test
    void reorderedSegmentFromBeforeAChangeIsNotResized() {
        handshake();
        run(List.of(
                new Step("later segment resized first", INSIDE, fromClient(1010, 5000, "AB"), FORWARD_OUTSIDE,
                        toServer(1010, 5000, "ABCD")),
                new Step("earlier segment arrives late: edit refused, old delta", INSIDE,
                        fromClient(1000, 5000, "ABxxxxxxxx"), FORWARD_OUTSIDE,
                        toServer(1000, 5000, "ABxxxxxxxx")),
                new Step("after the change: +2", INSIDE, fromClient(1012, 5000, "Z"), FORWARD_OUTSIDE,
                        toServer(1014, 5000, "Z"))));
        assertEquals(1, g.count(Counter.EDIT_REFUSED_SEQUENCE));
    }

    @Test
    void pureAcksAreShiftedWithoutCallingTheHelper() {
        handshake();
        run(List.of(
                new Step("PORT", INSIDE, fromClient(1000, 5000, PORT_IN), FORWARD_OUTSIDE,
                        toServer(1000, 5000, PORT_OUT)),
                new Step("client pure ACK carries seq 1022 -> 1025", INSIDE, fromClient(1022, 5000, ""),
                        FORWARD_OUTSIDE, toServer(1025, 5000, ""))));
        assertEquals(1, helper.calls.size());
    }

    @Test
    void rfc9293_dataOnASynStartsOneAfterItsSequenceNumber() {
        run(List.of(
                new Step("SYN with data, resized", INSIDE, fromClient(999, 0, "AB").flags(SYN), FORWARD_OUTSIDE,
                        toServer(999, 0, "ABCD").flags(SYN)),
                new Step("SYN-ACK acknowledging SYN and data", OUTSIDE_SIDE,
                        fromServer(4999, 1004).flags(SYN | ACK), FORWARD_INSIDE, toClient(4999, 1002)
                                .flags(SYN | ACK)),
                new Step("next segment 1002 -> 1004", INSIDE, fromClient(1002, 5000, "Z"), FORWARD_OUTSIDE,
                        toServer(1004, 5000, "Z"))));
        assertEquals(List.of("OUTBOUND 1000 AB", "OUTBOUND 1002 Z"), helper.calls);
    }

    @Test
    void rfc5508_anIcmpErrorQuotingAShiftedSegmentQuotesTheClientsNumbers() {
        handshake();
        run(List.of(
                new Step("PORT", INSIDE, fromClient(1000, 5000, PORT_IN), FORWARD_OUTSIDE,
                        toServer(1000, 5000, PORT_OUT)),
                new Step("reply in (+2)", OUTSIDE_SIDE, fromServer(5000, 1025).payload("AB"), FORWARD_INSIDE,
                        toClient(5000, 1022).payload("ABCD"))));
        byte[] sent = g.out(fromClient(1022, 5004, "LIST\r\n").build());
        assertEquals(1025, masq.engine.packet.TcpHeader.sequence(sent, 20));
        assertEquals(5002, masq.engine.packet.TcpHeader.acknowledgment(sent, 20));
        byte[] asSent = fromClient(1022, 5004, "LIST\r\n").ttl(63).build();
        for (int quoted : new int[] {28, 40}) {
            g.expect("fragmentation needed quoting " + quoted + " bytes", OUTSIDE_SIDE,
                    PacketBuilder.error("198.51.100.1", OUTSIDE, 3, 4, sent, quoted).build(), FORWARD_INSIDE,
                    PacketBuilder.error("198.51.100.1", A, 3, 4, asSent, quoted).ttl(63).build());
        }
    }

    /** A SACK option with one block, padded with two NOPs to a multiple of four bytes. */
    static byte[] sack(int left, int right) {
        byte[] o = new byte[12];
        o[0] = 1;
        o[1] = 1;
        o[2] = 5;
        o[3] = 10;
        masq.engine.packet.Bytes.set32(o, 4, left);
        masq.engine.packet.Bytes.set32(o, 8, right);
        return o;
    }
}
