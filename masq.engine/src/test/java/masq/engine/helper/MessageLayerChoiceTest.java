package masq.engine.helper;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.Verdict;
import masq.engine.helper.MessageLayerSupport.Connection;
import masq.engine.helper.MessageLayerSupport.Shouting;
import masq.engine.nat.Counter;
import masq.engine.packet.TcpHeader;

/**
 * Segment framing, the choice of a framing by a direction's first bytes, and header blocks that turn
 * out to be binary, through the real translator.
 */
class MessageLayerChoiceTest {
    /** Upper-cases every message it is given, whatever the framing. */
    static final class Upper extends Shouting {
        @Override
        public Verdict message(HelperContext context, byte[] b, int off, int len) {
            String text = new String(b, off, len, ISO_8859_1);
            messages.add(text);
            context.replace(0, len, text.toUpperCase());
            return Verdict.ACCEPT;
        }
    }

    private static Upper upper(Framing outbound) {
        Upper h = new Upper();
        h.outbound = outbound;
        return h;
    }

    @Test
    void segmentsAreMessagesInPiecesOfTheMaximumAndNothingIsHeld() {
        Upper h = upper(Framing.segments(8));
        Connection c = new Connection(h);
        assertEquals("ABCDEFGHIJKL", c.out("abcdefghijkl"));
        assertEquals("X", c.out("x"), "a single byte leaves at once");
        assertEquals(List.of("abcdefgh", "ijkl", "x"), h.messages);
        assertEquals(0, c.count(Counter.STREAM_DEFERRED));
    }

    @Test
    void aRetransmittedSegmentLeavesAsBeforeAndIsNotShownAgain() {
        Upper h = upper(Framing.segments(64));
        Connection c = new Connection(h);
        int seq = c.clientSeq;
        assertEquals("HELLO", c.out("hello"));
        assertEquals("HELLO", c.outAt(seq, "hello", TcpHeader.ACK));
        assertEquals("LLO WORLD", c.outAt(seq + 2, "llo world", TcpHeader.ACK), "old bytes repeated, new ones framed");
        assertEquals(List.of("hello", " world"), h.messages);
    }

    @Test
    void aSegmentBeyondAGapIsDroppedAsForEveryFraming() {
        Upper h = upper(Framing.segments(64));
        Connection c = new Connection(h);
        assertEquals("AB", c.out("ab"));
        assertEquals(null, c.outAt(c.clientSeq + 10, "later", TcpHeader.ACK));
        assertEquals(1, c.count(Counter.STREAM_GAP));
        assertEquals(List.of("ab"), h.messages);
    }

    @Test
    void theFirstBytesChooseThenForGood() {
        Upper h = upper(Framing.byStart("PNA", Framing.segments(64), Framing.lines(64, "SAY ")));
        Connection c = new Connection(h);
        assertEquals("PNA\0\u0001HELLO", c.out("PNA\0\u0001hello"));
        assertEquals("SAY HI\n", c.out("say hi\n"), "still segments: every byte is a message");
        assertEquals(List.of("PNA\0\u0001hello", "say hi\n"), h.messages);
    }

    @Test
    void otherFirstBytesChooseOtherwiseForGood() {
        Upper h = upper(Framing.byStart("PNA", Framing.segments(64), Framing.lines(64, "SAY ")));
        Connection c = new Connection(h);
        assertEquals("hello\nSAY HI\n", c.out("hello\nsay hi\n"));
        assertEquals("PNA later\n", c.out("PNA later\n"), "lines now: a PNA later is not a line start");
        assertEquals(List.of("say hi\n"), h.messages);
    }

    @Test
    void theStartIsComparedExactlyCaseIncluded() {
        Upper h = upper(Framing.byStart("PNA", Framing.segments(64), null));
        Connection c = new Connection(h);
        assertEquals("pna\0\u0001x", c.out("pna\0\u0001x"));
        assertEquals(List.of(), h.messages);
    }

    @Test
    void aNullBranchPassesTheDirectionUnexamined() {
        Upper h = upper(Framing.byStart("PNA", Framing.segments(64), null));
        Connection c = new Connection(h);
        assertEquals("GET / HTTP/1.0\r\n\r\n", c.out("GET / HTTP/1.0\r\n\r\n"));
        assertEquals("PNA\0\u0001x", c.out("PNA\0\u0001x"), "decided by the first segment, not a later one");
        assertEquals(List.of(), h.messages);
    }

    @Test
    void aFirstSegmentShorterThanTheStartTakesTheOtherBranch() {
        Upper h = upper(Framing.byStart("PNA", Framing.segments(64), Framing.lines(64, "SAY ")));
        Connection c = new Connection(h);
        assertEquals("PN", c.out("PN"));
        assertEquals("A\0\u0001x", c.out("A\0\u0001x"));
        assertEquals(List.of(), h.messages);
    }

    @Test
    void aChoiceOfHeaderBlocksFramesRequestsAcrossSegments() {
        Upper h = upper(Framing.byStart("PNA", Framing.segments(64), Framing.headers(256)));
        Connection c = new Connection(h);
        assertEquals("", c.out("OPTIONS * RTSP/1.0\r\n"));
        assertEquals("OPTIONS * RTSP/1.0\r\nCSEQ: 1\r\n\r\n", c.out("CSeq: 1\r\n\r\n"));
        assertEquals(List.of("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"), h.messages);
    }

    @Test
    void binaryBytesWhereAHeaderBlockShouldBeAreNotHeldButPassedForGood() {
        Upper h = upper(Framing.headers(4096));
        Connection c = new Connection(h);
        String hello = "PNA\0\n\0\u0001\0\u0002\u001b\u003a\0\0";
        assertEquals(hello, c.out(hello), "passed at once: its sender waits for an answer");
        assertEquals("DESCRIBE x RTSP/1.0\r\n\r\n", c.out("DESCRIBE x RTSP/1.0\r\n\r\n"));
        assertEquals(List.of(), h.messages);
        assertEquals(1, c.count(Counter.STREAM_UNFRAMED));
        assertEquals(Map.of("unframed", 1L), c.gateway.dispatch.refusals("shout"));
    }

    @Test
    void aControlCharacterInAHeldBlockReleasesItUnchanged() {
        Upper h = upper(Framing.headers(4096));
        Connection c = new Connection(h);
        assertEquals("", c.out("SETUP x RTSP/1.0\r\n"));
        assertEquals("SETUP x RTSP/1.0\r\nA: \u0000\r\n\r\n", c.out("A: \u0000\r\n\r\n"));
        assertEquals(List.of(), h.messages);
        assertEquals(1, c.count(Counter.STREAM_UNFRAMED));
    }

    @Test
    void tabsAndBytesAboveAsciiAreTextInAHeaderBlock() {
        Upper h = upper(Framing.headers(4096));
        Connection c = new Connection(h);
        c.out("SETUP x RTSP/1.0\r\nA:\t\u00e9\r\n\r\n");
        assertEquals(List.of("SETUP x RTSP/1.0\r\nA:\t\u00e9\r\n\r\n"), h.messages);
        assertEquals(0, c.count(Counter.STREAM_UNFRAMED));
    }

    @Test
    void choicesAndSegmentsAreValidated() {
        Framing lines = Framing.lines(64, "SAY ");
        assertThrows(IllegalArgumentException.class, () -> Framing.segments(0));
        assertThrows(IllegalArgumentException.class, () -> Framing.segments(Framing.MAX_LENGTH + 1));
        assertThrows(IllegalArgumentException.class, () -> Framing.byStart(null, lines, null));
        assertThrows(IllegalArgumentException.class, () -> Framing.byStart("", lines, null));
        assertThrows(IllegalArgumentException.class, () -> Framing.byStart("x".repeat(Framing.MAX_PROLOGUE + 1), lines,
                null));
        assertThrows(IllegalArgumentException.class, () -> Framing.byStart("é", lines, null));
        assertThrows(IllegalArgumentException.class, () -> Framing.byStart("PNA", null, null));
        Framing choice = Framing.byStart("PNA", Framing.segments(16), lines);
        assertThrows(IllegalArgumentException.class, () -> Framing.byStart("X", choice, null));
        assertThrows(IllegalArgumentException.class, () -> Framing.byStart("X", lines.prologue(4), null));
        assertThrows(IllegalArgumentException.class, () -> choice.prologue(4));
        assertEquals(64, choice.maxLength());
        assertEquals(choice, Framing.byStart("PNA", Framing.segments(16), lines));
        assertNotEquals(choice, Framing.byStart("PNA", Framing.segments(16), null));
        assertEquals("byStart(\"PNA\" segments(max 16) else lines(\"SAY \" max 64))", choice.toString());
        assertTrue(choice.choosesThen("PNA!".getBytes(ISO_8859_1), 0, 4));
        assertTrue(!choice.choosesThen("PN".getBytes(ISO_8859_1), 0, 2));
        assertTrue(!lines.choosesThen("SAY ".getBytes(ISO_8859_1), 0, 4), "only a choice chooses");
        assertTrue(!Framing.records(0, 2, true, 0, 64).choosesThen(new byte[4], 0, 4));
    }
}
