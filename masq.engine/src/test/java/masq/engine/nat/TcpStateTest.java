package masq.engine.nat;

import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.FIN;
import static masq.engine.packet.TcpHeader.RST;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TcpStateTest {
    private static final boolean OUT = true;
    private static final boolean IN = false;

    /** A sequence of (direction, flags) after an outbound creating segment, and the state name after each. */
    static Stream<Arguments> sequences() {
        return Stream.of(
                Arguments.of("three-way handshake", SYN, new Object[] {IN, SYN | ACK, "ESTABLISHED", OUT, ACK,
                    "ESTABLISHED"}),
                Arguments.of("close from inside", SYN, new Object[] {IN, SYN | ACK, "ESTABLISHED", OUT, FIN | ACK,
                    "FIN_WAIT", IN, FIN | ACK, "TIME_WAIT", OUT, ACK, "TIME_WAIT"}),
                Arguments.of("close from outside", SYN, new Object[] {IN, SYN | ACK, "ESTABLISHED", IN, FIN | ACK,
                    "CLOSE_WAIT", OUT, FIN | ACK, "TIME_WAIT"}),
                Arguments.of("reset from outside", SYN, new Object[] {IN, SYN | ACK, "ESTABLISHED", IN, RST, "CLOSE"}),
                Arguments.of("syn unanswered", SYN, new Object[] {OUT, SYN, "SYN_SENT"}),
                Arguments.of("rfc5382_req2 simultaneous open", SYN, new Object[] {IN, SYN, "ESTABLISHED", OUT,
                    SYN | ACK, "ESTABLISHED"}),
                Arguments.of("reopen after time-wait", SYN, new Object[] {IN, SYN | ACK, "ESTABLISHED", OUT, FIN,
                    "FIN_WAIT", IN, FIN, "TIME_WAIT", OUT, SYN, "SYN_SENT"}),
                Arguments.of("reopen after reset", SYN, new Object[] {IN, SYN | ACK, "ESTABLISHED", IN, RST, "CLOSE",
                    OUT, SYN, "SYN_SENT", IN, SYN | ACK, "ESTABLISHED"}),
                Arguments.of("syn on a half-closed session keeps it", SYN, new Object[] {IN, SYN | ACK,
                    "ESTABLISHED", IN, FIN | ACK, "CLOSE_WAIT", OUT, SYN, "CLOSE_WAIT"}),
                Arguments.of("picked up mid-stream", ACK, new Object[] {IN, ACK, "ESTABLISHED"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void transitions(String name, int firstFlags, Object[] steps) {
        int state = TcpState.initial(firstFlags, OUT);
        for (int i = 0; i < steps.length; i += 3) {
            state = TcpState.next(state, (Integer) steps[i + 1], (Boolean) steps[i]);
            assertEquals(steps[i + 2], TcpState.name(state), name + " step " + i / 3);
        }
    }

    @Test
    @DisplayName("RFC 5382 REQ-2: simultaneous open through the gateway reaches the established timeout")
    void rfc5382_req2_simultaneousOpen() {
        TestGateway g = new TestGateway();
        g.out(masq.engine.packet.PacketBuilder.tcp(TestGateway.A, 5000, TestGateway.SERVER, 6000).flags(SYN).build());
        g.in(masq.engine.packet.PacketBuilder.tcp(TestGateway.SERVER, 6000, TestGateway.OUTSIDE, 61000).flags(SYN)
                .build());
        assertEquals(Translator.FORWARD_INSIDE, g.verdict);
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS + 1);
        assertEquals(1, g.translator.mappingCount());
        assertEquals("ESTABLISHED", g.translator.mappings(10, i -> "").get(0).state);
    }

    @Test
    @DisplayName("RFC 7857 §2.2: a reset mapping is kept for the transitory time, then freed")
    void rfc7857_rstKeepsMappingTransitory() {
        TestGateway g = new TestGateway();
        g.out(masq.engine.packet.PacketBuilder.tcp(TestGateway.A, 5000, TestGateway.SERVER, 80).flags(SYN).build());
        g.in(masq.engine.packet.PacketBuilder.tcp(TestGateway.SERVER, 80, TestGateway.OUTSIDE, 61000)
                .flags(SYN | ACK).build());
        g.out(masq.engine.packet.PacketBuilder.tcp(TestGateway.A, 5000, TestGateway.SERVER, 80).flags(RST).build());
        assertEquals(Translator.FORWARD_OUTSIDE, g.verdict);
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS - 1);
        assertEquals(1, g.translator.mappingCount());
        g.advanceSeconds(1);
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    void bothFinsGiveTheTransitoryTimeout() {
        int state = TcpState.initial(SYN, OUT);
        state = TcpState.next(state, SYN | ACK, IN);
        assertEquals(true, TcpState.established(state));
        state = TcpState.next(state, FIN, OUT);
        assertEquals(true, TcpState.established(state));
        state = TcpState.next(state, FIN, IN);
        assertEquals(false, TcpState.established(state));
    }
}
