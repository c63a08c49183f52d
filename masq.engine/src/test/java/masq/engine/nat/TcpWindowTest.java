package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.FIN;
import static masq.engine.packet.TcpHeader.PSH;
import static masq.engine.packet.TcpHeader.RST;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import masq.engine.packet.PacketBuilder;

/**
 * RST and FIN outside the window (RFC 9293 §3.10.7.4, RFC 5961 §3, RFC 7857 §2): a blind reset or
 * close is dropped and counted and the mapping goes on; the segments of the connection itself,
 * retransmissions, window scaling, sequence wrap, SYN-SENT resets and retried connects pass.
 */
class TcpWindowTest {
    private static final int CLIENT_ISN = 1000;
    private static final int SERVER_ISN = 500_000;
    private static final int WINDOW = 65535;
    /** Window scale option, shift 7, after a NOP: kind 3, length 3. */
    private static final byte[] SCALE_7 = {1, 3, 3, 7};

    private final TestGateway g = new TestGateway();
    /** The next sequence number each side sends. */
    private int clientNext = CLIENT_ISN + 1;
    private int serverNext = SERVER_ISN + 1;

    private static PacketBuilder fromClient(int flags, int seq, int ack) {
        return tcp(A, 40000, SERVER, 80).flags(flags).seq(seq, ack);
    }

    private static PacketBuilder fromServer(int flags, int seq, int ack) {
        return tcp(SERVER, 80, OUTSIDE, 61000).flags(flags).seq(seq, ack);
    }

    /** The three-way handshake and one exchange of data each way, without window scaling. */
    private void establish() {
        establish(new byte[0], new byte[0]);
    }

    private void establish(byte[] clientOptions, byte[] serverOptions) {
        g.out(fromClient(SYN, CLIENT_ISN, 0).tcpOptions(clientOptions).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict, "SYN");
        g.in(fromServer(SYN | ACK, SERVER_ISN, clientNext).tcpOptions(serverOptions).build());
        assertEquals(FORWARD_INSIDE, g.verdict, "SYN+ACK");
        g.out(fromClient(ACK, clientNext, serverNext).build());
        clientData("GET / HTTP/1.0\r\n\r\n");
        serverData("HTTP/1.0 200 OK\r\n\r\n");
        assertEquals("ESTABLISHED", state());
    }

    private void clientData(String text) {
        g.out(fromClient(ACK | PSH, clientNext, serverNext).payload(text).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict, "client data");
        clientNext += text.length();
    }

    private void serverData(String text) {
        g.in(fromServer(ACK | PSH, serverNext, clientNext).payload(text).build());
        assertEquals(FORWARD_INSIDE, g.verdict, "server data");
        serverNext += text.length();
    }

    private String state() {
        return g.translator.mappings(10, i -> "").get(0).state;
    }

    private long outOfWindow() {
        return g.count(Counter.DROP_TCP_WINDOW);
    }

    // ---- blind segments are dropped, the connection goes on

    @ParameterizedTest(name = "offset {0}")
    @ValueSource(ints = {WINDOW + 1, -WINDOW - 1, 1 << 20, -(1 << 20), Integer.MAX_VALUE, Integer.MIN_VALUE})
    @DisplayName("a blind RST from outside at any offset beyond the window is dropped; the mapping goes on")
    void aBlindResetFromOutsideIsDropped(int offset) {
        establish();
        g.expectDrop(Translator.OUTSIDE, fromServer(RST, serverNext + offset, 0).build(), Counter.DROP_TCP_WINDOW);
        g.expectDrop(Translator.OUTSIDE, fromServer(RST | ACK, serverNext + offset, clientNext).build(),
                Counter.DROP_TCP_WINDOW);
        assertEquals("ESTABLISHED", state());
        clientData("more");
        serverData("still here");
    }

    @ParameterizedTest(name = "offset {0}")
    @ValueSource(ints = {WINDOW + 1, -WINDOW - 1, 1 << 24, Integer.MIN_VALUE})
    @DisplayName("a blind FIN from outside is dropped: the session stays established, not half-closed")
    void aBlindFinFromOutsideIsDropped(int offset) {
        establish();
        g.expectDrop(Translator.OUTSIDE, fromServer(FIN | ACK, serverNext + offset, clientNext).build(),
                Counter.DROP_TCP_WINDOW);
        g.expectDrop(Translator.OUTSIDE, fromServer(FIN | ACK | PSH, serverNext + offset, clientNext)
                .payload("forged").build(), Counter.DROP_TCP_WINDOW);
        assertEquals("ESTABLISHED", state());
        serverData("still here");
    }

    @Test
    @DisplayName("a forged RST or FIN from the inside is judged the same way")
    void aBlindResetOrFinFromInsideIsDropped() {
        establish();
        long forwarded = g.count(Counter.FORWARDED_OUTBOUND);
        g.expectDrop(Translator.INSIDE, fromClient(RST, clientNext + 3 * WINDOW, 0).build(), Counter.DROP_TCP_WINDOW);
        g.expectDrop(Translator.INSIDE, fromClient(FIN | ACK, clientNext - 3 * WINDOW, serverNext).build(),
                Counter.DROP_TCP_WINDOW);
        assertEquals(forwarded, g.count(Counter.FORWARDED_OUTBOUND));
        assertEquals("ESTABLISHED", state());
        clientData("more");
    }

    @Test
    @DisplayName("a dropped RST neither ends nor refreshes the mapping: it expires when it would have")
    void aDroppedResetLeavesTheExpiryAlone() {
        establish();
        g.advanceSeconds(Timeouts.TCP_ESTABLISHED_SECONDS - 10);
        for (int i = 0; i < 5; i++) {
            g.in(fromServer(RST, serverNext + (i + 1) * 1_000_000, 0).build());
        }
        assertEquals(5, outOfWindow());
        assertEquals(1, g.translator.mappingCount());
        g.advanceSeconds(10);
        assertEquals(0, g.translator.mappingCount(), "expired on time: the forged RSTs kept nothing alive");
    }

    @Test
    @DisplayName("forged data far ahead is passed to the end host but does not move the window for a forged RST")
    void forgedDataDoesNotOpenTheWayForAForgedReset() {
        establish();
        int far = serverNext + 10 * WINDOW;
        g.in(fromServer(ACK | PSH, far, clientNext).payload("forged").build());
        assertEquals(FORWARD_INSIDE, g.verdict, "data is the end host's to judge");
        g.expectDrop(Translator.OUTSIDE, fromServer(RST, far + 6, 0).build(), Counter.DROP_TCP_WINDOW);
        g.expectDrop(Translator.OUTSIDE, fromServer(ACK | FIN, far + 6, clientNext).build(), Counter.DROP_TCP_WINDOW);
        assertEquals("ESTABLISHED", state());
    }

    // ---- what the connection itself sends passes

    @Test
    @DisplayName("the peer's own RST, at the next sequence number, closes the session")
    void anInWindowResetCloses() {
        establish();
        g.in(fromServer(RST, serverNext, 0).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals("CLOSE", state());
        assertEquals(0, outOfWindow());
    }

    @ParameterizedTest(name = "offset {0}")
    @ValueSource(ints = {0, -1, -19, 1, WINDOW, -WINDOW})
    @DisplayName("an RST anywhere in the window passes (a retransmitted FIN's or a keepalive's number among them)")
    void aResetInTheWindowPasses(int offset) {
        establish();
        g.in(fromServer(RST | ACK, serverNext + offset, clientNext).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals("CLOSE", state());
    }

    @Test
    @DisplayName("an orderly close from both sides, with a retransmitted FIN, passes")
    void anOrderlyClosePasses() {
        establish();
        g.out(fromClient(FIN | ACK, clientNext, serverNext).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        g.out(fromClient(FIN | ACK, clientNext, serverNext).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict, "retransmitted FIN");
        g.in(fromServer(FIN | ACK, serverNext, clientNext + 1).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals("TIME_WAIT", state());
        g.out(fromClient(ACK, clientNext + 1, serverNext + 1).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(0, outOfWindow());
    }

    @Test
    @DisplayName("a FIN after a long transfer is in the window, which moved with the data")
    void theWindowFollowsTheData() {
        establish();
        String chunk = "x".repeat(1400);
        for (int i = 0; i < 200; i++) { // 280 kB, over four windows
            serverData(chunk);
        }
        g.in(fromServer(FIN | ACK, serverNext, clientNext).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals("CLOSE_WAIT", state());
    }

    @Test
    @DisplayName("sequence numbers that wrap past 2^32 are compared modulo 2^32")
    void sequenceNumbersWrap() {
        g.out(fromClient(SYN, 0xffff_ff00, 0).build());
        g.in(fromServer(SYN | ACK, SERVER_ISN, 0xffff_ff01).build());
        int seq = 0xffff_ff01;
        for (int i = 0; i < 4; i++) {
            g.out(fromClient(ACK | PSH, seq, SERVER_ISN + 1).payload("y".repeat(100)).build());
            seq += 100;
        }
        g.out(fromClient(FIN | ACK, seq, SERVER_ISN + 1).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict, "FIN at " + Integer.toUnsignedString(seq));
        assertEquals("FIN_WAIT", state());
        g.expectDrop(Translator.INSIDE, fromClient(RST, seq + 0x8000_0000, 0).build(), Counter.DROP_TCP_WINDOW);
    }

    // ---- window scaling

    @Test
    @DisplayName("RFC 7323: with both SYNs offering a scale, the receiver's window is scaled")
    void aScaledWindowIsHonoured() {
        establish(SCALE_7, SCALE_7);
        g.out(fromClient(ACK, clientNext, serverNext).window(4000).build()); // 4000 << 7 = 512000 bytes
        g.in(fromServer(RST | ACK, serverNext + 400_000, clientNext).build());
        assertEquals(FORWARD_INSIDE, g.verdict, "400 kB ahead is inside a 512 kB window");
        assertEquals("CLOSE", state());
    }

    @Test
    @DisplayName("RFC 7323 §2.2: a scale offered by one SYN only is not applied")
    void aScaleOfferedByOneSideOnlyIsNotApplied() {
        establish(SCALE_7, new byte[0]);
        g.out(fromClient(ACK, clientNext, serverNext).window(4000).build());
        g.expectDrop(Translator.OUTSIDE, fromServer(RST | ACK, serverNext + 400_000, clientNext).build(),
                Counter.DROP_TCP_WINDOW);
        assertEquals("ESTABLISHED", state());
    }

    @Test
    @DisplayName("a shift above 14 counts as 14, and a window-scale option of the wrong length as none")
    void hostileScaleOptions() {
        establish(new byte[] {1, 3, 3, (byte) 200}, new byte[] {1, 3, 3, (byte) 255});
        g.out(fromClient(ACK, clientNext, serverNext).window(1).build()); // 1 << 14 = 16384: less than the SYN's
        g.in(fromServer(RST | ACK, serverNext + WINDOW, clientNext).build());
        assertEquals(FORWARD_INSIDE, g.verdict, "the SYN's own 65535 still bounds it");

        TestGateway other = new TestGateway();
        other.out(fromClient(SYN, CLIENT_ISN, 0).tcpOptions(new byte[] {3, 4, 7, 0}).build());
        other.in(fromServer(SYN | ACK, SERVER_ISN, CLIENT_ISN + 1).tcpOptions(SCALE_7).build());
        other.out(fromClient(ACK, CLIENT_ISN + 1, SERVER_ISN + 1).window(4000).build());
        other.expectDrop(Translator.OUTSIDE, fromServer(RST | ACK, SERVER_ISN + 1 + 400_000, CLIENT_ISN + 1).build(),
                Counter.DROP_TCP_WINDOW);
    }

    // ---- before the connection is established

    @Test
    @DisplayName("RFC 9293 §3.10.7.3: in SYN-SENT an RST counts only if it acknowledges the SYN")
    void aResetInSynSentMustAcknowledgeTheSyn() {
        g.out(fromClient(SYN, CLIENT_ISN, 0).build());
        g.expectDrop(Translator.OUTSIDE, fromServer(RST, 0, 0).build(), Counter.DROP_TCP_WINDOW);
        g.expectDrop(Translator.OUTSIDE, fromServer(RST | ACK, 0, CLIENT_ISN).build(), Counter.DROP_TCP_WINDOW);
        g.expectDrop(Translator.OUTSIDE, fromServer(RST | ACK, 0, CLIENT_ISN + 2).build(), Counter.DROP_TCP_WINDOW);
        assertEquals("SYN_SENT", state());
        g.in(fromServer(RST | ACK, 0, CLIENT_ISN + 1).build());
        assertEquals(FORWARD_INSIDE, g.verdict, "connection refused");
        assertEquals("CLOSE", state());
    }

    @Test
    @DisplayName("a server's socket in TIME_WAIT answers a reused four-tuple's SYN with an ACK: the client's RST clears it")
    void theResetAnsweringAChallengeAckPasses() {
        int stale = 77_000_000; // what the old connection's server socket expects next
        g.out(fromClient(SYN, CLIENT_ISN, 0).build());
        g.in(fromServer(ACK, SERVER_ISN, stale).build());
        assertEquals(FORWARD_INSIDE, g.verdict, "the challenge ACK reaches the client");
        g.out(fromClient(RST, stale, 0).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict, "its RST reaches the server's stale socket");
        assertEquals("CLOSE", state());
        g.out(fromClient(SYN, CLIENT_ISN, 0).build()); // the retransmitted SYN
        g.in(fromServer(SYN | ACK, SERVER_ISN, clientNext).build());
        g.out(fromClient(ACK, clientNext, serverNext).build());
        clientData("GET / HTTP/1.0\r\n\r\n");
        assertEquals("ESTABLISHED", state());
        assertEquals(0, outOfWindow());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1, 1 << 30})
    @DisplayName("after a challenge ACK only the RST carrying its acknowledgment number passes")
    void onlyTheAnswerToTheChallengePasses(int off) {
        int stale = 77_000_000;
        g.out(fromClient(SYN, CLIENT_ISN, 0).build());
        g.in(fromServer(ACK, SERVER_ISN, stale).build());
        g.expectDrop(Translator.INSIDE, fromClient(RST, stale + off, 0).build(), Counter.DROP_TCP_WINDOW);
        g.expectDrop(Translator.INSIDE, fromClient(RST, CLIENT_ISN + 1, 0).build(), Counter.DROP_TCP_WINDOW);
        assertEquals("SYN_SENT", state());
    }

    @Test
    @DisplayName("without a bare ACK first, or after a FIN instead, the connecting side's RST is judged by the window")
    void noChallengeNoPass() {
        int stale = 77_000_000;
        g.out(fromClient(SYN, CLIENT_ISN, 0).build());
        g.expectDrop(Translator.INSIDE, fromClient(RST, stale, 0).build(), Counter.DROP_TCP_WINDOW);
        g.in(fromServer(ACK | FIN, SERVER_ISN, stale).build());
        g.expectDrop(Translator.INSIDE, fromClient(RST, stale, 0).build(), Counter.DROP_TCP_WINDOW);
        g.in(fromServer(RST | ACK, 0, 12345).build()); // dropped: acknowledges no SYN, records nothing
        g.expectDrop(Translator.INSIDE, fromClient(RST, 12345, 0).build(), Counter.DROP_TCP_WINDOW);
        assertEquals(4, outOfWindow(), "three of the client's RSTs and the server's");
    }

    @Test
    @DisplayName("a challenge recorded before the server's SYN+ACK is forgotten once the server answers properly")
    void aChallengeIsForgottenByTheHandshake() {
        int stale = 77_000_000;
        g.out(fromClient(SYN, CLIENT_ISN, 0).build());
        g.in(fromServer(ACK, SERVER_ISN, stale).build());
        g.in(fromServer(SYN | ACK, SERVER_ISN, clientNext).build());
        g.out(fromClient(ACK, clientNext, serverNext).build());
        g.expectDrop(Translator.INSIDE, fromClient(RST, stale, 0).build(), Counter.DROP_TCP_WINDOW);
        assertEquals("ESTABLISHED", state());
    }

    @Test
    @DisplayName("a connect retried with a new initial sequence number before any answer is tracked from it")
    void aRetriedConnectStartsAfresh() {
        g.out(fromClient(SYN, CLIENT_ISN, 0).build());
        int isn = CLIENT_ISN + 3_000_000;
        g.out(fromClient(SYN, isn, 0).build());
        g.in(fromServer(SYN | ACK, SERVER_ISN, isn + 1).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        g.out(fromClient(ACK, isn + 1, SERVER_ISN + 1).build());
        g.out(fromClient(FIN | ACK, isn + 1, SERVER_ISN + 1).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals("FIN_WAIT", state());
    }

    @Test
    @DisplayName("a connection reopened on a closed session is tracked from its own numbers")
    void aReopenedConnectionIsTrackedAfresh() {
        establish();
        g.in(fromServer(RST, serverNext, 0).build());
        assertEquals("CLOSE", state());
        int isn = CLIENT_ISN + 2_000_000_000;
        g.out(fromClient(SYN, isn, 0).build());
        g.in(fromServer(SYN | ACK, SERVER_ISN + 2_000_000_000, isn + 1).build());
        g.out(fromClient(FIN | ACK, isn + 1, SERVER_ISN + 2_000_000_001).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals("FIN_WAIT", state());
        g.expectDrop(Translator.OUTSIDE, fromServer(RST, serverNext, 0).build(), Counter.DROP_TCP_WINDOW);
    }

    @Test
    @DisplayName("a connection picked up mid-stream (no SYN seen, scale unknown) is not window-checked, as in Linux")
    void aMidstreamPickupIsLiberal() {
        g.out(fromClient(ACK, 7, 9).payload("mid").build());
        g.in(fromServer(ACK, 9, 10).build());
        g.in(fromServer(RST, 9 + 1_000_000_000, 0).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals("CLOSE", state());
        assertEquals(0, outOfWindow());
    }

    @Test
    @DisplayName("an out-of-window segment that is neither RST nor FIN is forwarded: the end host judges it")
    void otherSegmentsOutsideTheWindowPass() {
        establish();
        g.in(fromServer(ACK, serverNext - 5 * WINDOW, clientNext).payload("old").build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        g.in(fromServer(SYN | ACK, SERVER_ISN + 77_777_777, clientNext).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals(0, outOfWindow());
    }
}
