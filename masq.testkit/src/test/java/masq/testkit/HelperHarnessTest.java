package masq.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.MessageHelper;
import masq.api.Transport;
import masq.api.Verdict;
import masq.api.admin.ExpectationDTO;
import masq.engine.helper.HelperEntry.State;
import org.junit.jupiter.api.Test;

/**
 * The harness drives the real engine: a tiny "call" helper (one line {@code CALL <port>\n} per
 * segment, rewritten to the gateway port, with an expectation for the callback) shows edits,
 * sequence adjustment, expectations, refusals, the clock, withdrawal and failures as a third-party
 * helper author would see them; its message-layer twin shows a {@link MessageHelper} given whole lines
 * however the segments cut them. (The FTP helper's tests check the Javadoc example.)
 */
class HelperHarnessTest {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "198.51.100.5";
    static final String OUTSIDE = "203.0.113.1";

    /** {@code CALL <port>\n} alone in a segment, outbound: rewritten to the gateway port, callback expected. */
    static final class CallHelper implements MasqHelper {
        @Override
        public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
            String line = new String(payload, offset, length, StandardCharsets.US_ASCII);
            if (context.direction() != masq.api.Direction.OUTBOUND || !line.matches("CALL \\d{1,5}\n")) {
                return Verdict.ACCEPT;
            }
            int port = Integer.parseInt(line.substring(5, line.length() - 1));
            if (port < 1024) {
                context.refused("port-privileged");
                return Verdict.ACCEPT;
            }
            int masqPort = context.expect(Transport.TCP).insideTarget(context.flow().insideAddress(), port)
                    .timeoutSeconds(30).register();
            context.replace(5, line.length() - 6, Integer.toString(masqPort));
            return Verdict.ACCEPT;
        }
    }

    /** The same protocol as {@link CallHelper}, on the message layer: lines, wherever segments cut them. */
    static final class MessageCallHelper implements MessageHelper {
        private static final Framing CALLS = Framing.lines(32, "CALL ");

        @Override
        public Framing framing(masq.api.Direction direction) {
            return direction == masq.api.Direction.OUTBOUND ? CALLS : null;
        }

        @Override
        public Verdict message(HelperContext context, byte[] line, int offset, int length) {
            String text = new String(line, offset, length, StandardCharsets.US_ASCII);
            if (!text.matches("CALL \\d{1,5}\n")) {
                context.refused("malformed");
                return Verdict.ACCEPT;
            }
            int port = Integer.parseInt(text.substring(5, length - 1));
            int masqPort = context.expect(Transport.TCP).insideTarget(context.flow().insideAddress(), port).register();
            context.replace(5, length - 6, Integer.toString(masqPort));
            return Verdict.ACCEPT;
        }
    }

    @Test
    void aMessageHelperGetsWholeLinesHoweverTheSegmentsCutThem() {
        HelperHarness m = HelperHarness.builder().helper(new MessageCallHelper(), "mcall", "tcp", 7000).build();
        m.outbound(out(999, 0).flags(Packets.SYN).build());
        assertEquals("HELLO\n", m.outbound(out(1000, 1).payload("HELLO\nCA").build()).outputText());
        assertEquals("", m.outbound(out(1008, 1).payload("LL 40").build()).outputText(), "held back");
        HelperStep last = m.outbound(out(1013, 1).payload("01\n").build());
        int gatewayPort = last.newExpectations().get(0).gatewayPort;
        assertEquals("CALL " + gatewayPort + "\n", last.outputText());
        assertEquals(1, m.counter("helper.messages"));
        assertEquals(Map.of(), m.refusals("mcall"));
        assertEquals("CALL x\n", m.outbound(out(1016, 1).payload("CALL x\n").build()).outputText());
        assertEquals(Map.of("malformed", 1L), m.refusals("mcall"));
    }

    private final HelperHarness gw = HelperHarness.builder().helper(new CallHelper(), "call", "tcp", 7000).build();

    private static TcpBuilder out(long seq, long ack) {
        return Packets.tcp(CLIENT, 40000, SERVER, 7000).seq(seq).ack(ack);
    }

    private static TcpBuilder in(long seq, long ack) {
        return Packets.tcp(SERVER, 7000, OUTSIDE, 61000).seq(seq).ack(ack);
    }

    private void handshake() {
        assertTrue(gw.outbound(out(999, 0).flags(Packets.SYN).build()).forwardedOutside());
        assertTrue(gw.inbound(in(5000, 1000).flags(Packets.SYN | Packets.ACK).build()).forwardedInside());
        gw.outbound(out(1000, 5001).build());
    }

    @Test
    void showsTheEditTheExpectationAndTheSequenceShift() {
        handshake();
        HelperStep call = gw.outbound(out(1000, 5001).payload("CALL 2000\n").build());

        assertEquals(new HelperStep.Change(5, "2000", "61001"), call.change());
        assertEquals("CALL 61001\n", call.outputText());
        assertTrue(Packets.checksumsValid(call.output()));
        assertEquals(1, call.counter("helper.edits.applied"));
        ExpectationDTO e = call.newExpectations().get(0);
        assertEquals(List.of("tcp", SERVER, 61001, CLIENT, 2000, "call"),
                List.of(e.transport, e.remoteAddress, e.gatewayPort, e.insideAddress, e.insidePort, e.helper));
        assertEquals(call.newExpectations().toString(), gw.expectations().toString(), "DTOs have no equals");

        HelperStep next = gw.outbound(out(1010, 5001).payload("BYE\n").build());
        assertEquals(1011, Packets.seq(next.output()), "one byte more on the wire before it");
        HelperStep ack = gw.inbound(in(5001, 1015).build());
        assertEquals(1014, Packets.ack(ack.output()), "the server's ack maps back to the client's numbering");
        assertTrue(Packets.checksumsValid(ack.output()));

        HelperStep callback = gw.inbound(Packets.tcp(SERVER, 7001, OUTSIDE, 61001).flags(Packets.SYN).build());
        assertEquals(Tuple.of(Packets.tcp(SERVER, 7001, CLIENT, 2000).build()), Tuple.of(callback.output()));
        assertEquals(1, callback.counter("expect.matched"));
        assertEquals(List.of(), gw.expectations());
        assertEquals(List.of(1L), gw.mappings().stream().filter(m -> m.insidePort == 40000).map(m -> m.id).toList());
        assertEquals(1L, e.masterId, "the expectation names the control connection's mapping as master");
        assertEquals(1, gw.mappings().stream().filter(m -> m.insidePort == 2000 && m.outsidePort == 61001).count());
    }

    @Test
    void countsRefusalsAndLeavesThePayload() {
        handshake();
        HelperStep call = gw.outbound(out(1000, 5001).payload("CALL 80\n").build());
        assertFalse(call.edited());
        assertNull(call.change());
        assertEquals(1, call.counter("helper.refusals"));
        assertEquals(Map.of("port-privileged", 1L), gw.refusals("call"));
        assertEquals(List.of(), call.newExpectations());
    }

    @Test
    void theClockExpiresExpectations() {
        handshake();
        gw.outbound(out(1000, 5001).payload("CALL 2000\n").build());
        gw.advanceSeconds(29);
        assertEquals(1, gw.expectations().size());
        assertEquals(1, gw.expectations().get(0).secondsLeft);
        gw.advanceSeconds(1);
        assertEquals(List.of(), gw.expectations());
        assertEquals(1, gw.counter("expect.expired"));
        assertTrue(gw.inbound(Packets.tcp(SERVER, 7001, OUTSIDE, 61001).flags(Packets.SYN).build()).dropped());
        assertThrows(IllegalArgumentException.class, () -> gw.advanceNanos(-1));
    }

    @Test
    void uninstallPurgesExpectationsAndKeepsTheShift() {
        handshake();
        gw.outbound(out(1000, 5001).payload("CALL 2000\n").build());
        gw.uninstall("call");
        HelperStep later = gw.outbound(out(1010, 5001).payload("CALL 3000\n").build());
        assertFalse(later.edited(), "no longer called");
        assertEquals(1011, Packets.seq(later.output()), "the earlier edit's shift stays");
        assertEquals(List.of(), gw.expectations());
        assertEquals(1, gw.counter("expect.purged"));
        assertNull(gw.helper("call"));
        assertThrows(IllegalArgumentException.class, () -> gw.uninstall("call"));
    }

    @Test
    void aDuplicateIsRefusedAndABadPropertyDisables() {
        assertEquals(State.REFUSED, gw.install(new CallHelper(), "other", "tcp", 7000).state());
        assertEquals(State.REFUSED, gw.install(new CallHelper(), "call", "tcp", 7001).state());
        assertEquals(State.DISABLED, gw.install(new CallHelper(), "late", "sctp", 7002).state());
        assertEquals(State.ACTIVE, gw.helper("call").state());
    }

    @Test
    void aHelperThatThrowsIsCountedAndThePacketGoesOn() {
        HelperHarness failing = HelperHarness.builder().helper((c, b, o, l) -> {
            throw new IllegalStateException("boom");
        }, "bad", "tcp", 7000).build();
        failing.outbound(out(999, 0).flags(Packets.SYN).build());
        HelperStep data = failing.outbound(out(1000, 0).payload("CALL 2000\n").build());
        assertTrue(data.forwardedOutside());
        assertFalse(data.edited());
        assertEquals(1, data.counter("helper.failures"));
        assertEquals(1, failing.helper("bad").failures());
    }

    @Test
    void withoutHelpersItIsPlainNat() {
        HelperHarness plain = HelperHarness.builder().build();
        HelperStep s = plain.outbound(out(1000, 0).payload("CALL 2000\n").build());
        assertEquals("CALL 2000\n", s.outputText());
        assertEquals(OUTSIDE, Packets.source(s.output()));
        assertEquals(0, s.counter("helper.calls"));
    }
}
