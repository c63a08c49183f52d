package masq.engine.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.api.Framing;
import masq.engine.helper.MessageLayerSupport.Connection;
import masq.engine.helper.MessageLayerSupport.Shouting;
import masq.engine.nat.Counter;

/**
 * Line framing through the real translator: lines split at every byte and over many segments, pipelined
 * lines, both directions at once, overlong lines, the prologue, a helper that throws or drops, and a
 * direction without a framing.
 */
class MessageLayerLinesTest {
    @Test
    void wholeLinesAreRewrittenAndOtherLinesPassUntouched() {
        Connection c = new Connection(new Shouting());
        assertEquals("HELLO\r\nSAY hi!\r\nsay lower!\nSAYING\n", c.out("HELLO\r\nSAY hi\r\nsay lower\nSAYING\n"));
        assertEquals(List.of("SAY hi\r\n", "say lower\n"), c.helper.messages);
        assertEquals(2, c.count(Counter.HELPER_MESSAGES));
    }

    @Test
    void aLineSplitAtEveryBytePositionLeavesWholeWithTheSegmentThatCompletesIt() {
        String stream = "NOOP\r\nSAY split here\r\nQUIT\r\n";
        String expected = "NOOP\r\nSAY split here!\r\nQUIT\r\n";
        for (int cut = 1; cut < stream.length(); cut++) {
            Connection c = new Connection(new Shouting());
            String first = c.out(stream.substring(0, cut));
            String second = c.out(stream.substring(cut));
            assertEquals(expected, first + second, "cut at " + cut);
            assertEquals(expected, c.serverStream(), "cut at " + cut);
            assertEquals(List.of("SAY split here\r\n"), c.helper.messages, "cut at " + cut);
            boolean inLine = cut > 6 && cut < 22;
            assertEquals(inLine ? "NOOP\r\n" : stream.substring(0, Math.min(cut, 6)) + (cut >= 22 ? "SAY split here!\r\n"
                    + stream.substring(22, cut) : ""), first, "cut at " + cut + ": only the candidate line is held");
        }
    }

    @Test
    void aLineOverThreeAndMoreSegmentsEveryWay() {
        String stream = "SAY abcdef\r\n";
        for (int a = 1; a < stream.length(); a++) {
            for (int b = a + 1; b < stream.length(); b++) {
                Connection c = new Connection(new Shouting());
                String out = c.out(stream.substring(0, a)) + c.out(stream.substring(a, b)) + c.out(stream.substring(b));
                assertEquals("SAY abcdef!\r\n", out, "cuts " + a + ", " + b);
                assertEquals("SAY abcdef!\r\n", c.serverStream());
            }
        }
        Connection c = new Connection(new Shouting());
        StringBuilder out = new StringBuilder();
        for (char ch : "SAY one byte at a time\n".toCharArray()) {
            out.append(c.out(String.valueOf(ch)));
        }
        assertEquals("SAY one byte at a time!\n", out.toString());
        assertEquals(List.of("SAY one byte at a time\n"), c.helper.messages);
    }

    @Test
    void fiftyPipelinedLinesInOneSegmentAreAllRewritten() {
        StringBuilder in = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            in.append("SAY ").append(i).append("\r\n");
            expected.append("SAY ").append(i).append("!\r\n");
        }
        Connection c = new Connection(new Shouting());
        c.helper.growth = 20;
        assertEquals(expected.toString().replace("!", "!".repeat(20)), c.out(in.toString()));
        assertEquals(50, c.helper.messages.size());
        assertEquals(0, c.count(Counter.EDIT_REFUSED_GROWTH));
        assertEquals("after\n", c.out("after\n"), "the next segment is shifted, not rewritten");
        assertEquals(expected.toString().replace("!", "!".repeat(20)) + "after\n", c.serverStream());
    }

    @Test
    void bothDirectionsInterleavedKeepTheirOwnLines() {
        Connection c = new Connection(new Shouting());
        assertEquals("", c.out("SAY le"));
        assertEquals("", c.in("ECHO ri"));
        assertEquals("SAY left!\n", c.out("ft\n"));
        assertEquals("ECHO right!\n", c.in("ght\n"));
        assertEquals(List.of("SAY left\n", "ECHO right\n"), c.helper.messages);
    }

    @Test
    void thePrologueIsShownOnceAndIsReadOnly() {
        Shouting h = new Shouting();
        h.outbound = Framing.lines(64, "SAY ").prologue(8);
        Connection c = new Connection(h);
        assertEquals("GET", c.out("GET"));
        assertEquals(" / HTTP/1.1\r\n", c.out(" / HTTP/1.1\r\n"));
        assertEquals(List.of("GET / HT"), h.prologues);
        assertEquals(1, c.count(Counter.EDIT_REFUSED_RANGE), "the prologue's edit was refused");
        Shouting short_ = new Shouting();
        short_.outbound = Framing.lines(64, "SAY ").prologue(8);
        Connection d = new Connection(short_);
        assertEquals("SAY a!\n", d.out("SAY a\n"));
        assertEquals(List.of("SAY a\n"), short_.prologues, "up to the first LF");
    }

    @Test
    void anOverlongLineLeavesUnchangedAndTheNextLineIsFramed() {
        Connection c = new Connection(new Shouting());
        String longLine = "SAY " + "y".repeat(100) + "\n";
        assertEquals(longLine, c.out(longLine));
        assertEquals("", c.out("SAY " + "z".repeat(30)), "held: it may still be a candidate");
        assertEquals("SAY " + "z".repeat(30) + "z".repeat(40) + "\nSAY ok!\n", c.out("z".repeat(40) + "\nSAY ok\n"));
        assertEquals(2, c.count(Counter.MESSAGE_OVERLONG));
        assertEquals(Map.of("line-too-long", 2L), c.gateway.dispatch.refusals("shout"));
        assertEquals(List.of("SAY ok\n"), c.helper.messages);
        assertEquals(longLine + "SAY " + "z".repeat(70) + "\nSAY ok!\n", c.serverStream());
    }

    @Test
    void aHelperThatThrowsLeavesTheMessageUnchangedAndCounted() {
        Shouting h = new Shouting();
        h.throwing = true;
        Connection c = new Connection(h);
        assertEquals("", c.out("SAY bo"));
        assertEquals("SAY boom\n", c.out("om\n"));
        assertEquals(1, c.count(Counter.HELPER_FAILURES));
        assertEquals("SAY boom\n", c.serverStream());
    }

    @Test
    void dropRemovesTheMessageFromTheStream() {
        Shouting h = new Shouting();
        h.dropping = true;
        Connection c = new Connection(h);
        assertEquals("a\nb\n", c.out("a\nSAY secret\nb\n"));
        assertEquals("c\n", c.out("c\n"));
        assertEquals("a\nb\nc\n", c.serverStream());
        assertEquals(1, c.count(Counter.HELPER_VERDICT_DROP));
    }

    @Test
    void aHelperWithoutAFramingForADirectionLeavesItAlone() {
        Shouting h = new Shouting();
        h.inbound = null;
        Connection c = new Connection(h);
        assertEquals("ECHO x\n", c.in("ECHO x\n"));
        assertEquals("SAY y!\n", c.out("SAY y\n"));
    }
}
