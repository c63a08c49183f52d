package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.MessageLayerSupport.PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.api.Framing;
import masq.engine.helper.MessageLayerSupport.Connection;
import masq.engine.helper.MessageLayerSupport.Shouting;
import masq.engine.nat.Counter;

/**
 * Record and header-block framing through the real translator: records cut by their length field, lying,
 * overlong and too short, header blocks with bodies and interleaved frames, overlong blocks and lying
 * Content-Lengths, and the framings' own validation.
 */
class MessageLayerRecordsTest {
    @Test
    void recordsAreCutByTheirLengthField() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 64);
        Connection c = new Connection(h);
        String r1 = "\0\u0007abcde";
        String r2 = "\0\u0005xyz";
        assertEquals("\0\u0007ABCDE\0\u0005XYZ", c.out(r1 + r2));
        assertEquals("", c.out("\0"));
        assertEquals("", c.out("\u0006ab"));
        assertEquals("\0\u0006ABCD", c.out("cd"));
        assertEquals(List.of(r1, r2, "\0\u0006abcd"), h.messages);
    }

    @Test
    void aRecordWhoseLengthIsShorterThanItsHeaderTakesTheDirectionAway() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 64);
        Connection c = new Connection(h);
        assertEquals("", c.out("\0"));
        assertEquals("\0\u0001abc\0\u0005xyz", c.out("\u0001abc\0\u0005xyz"));
        assertEquals("\0\u0005xyz", c.out("\0\u0005xyz"), "no longer framed");
        assertEquals(List.of(), h.messages);
        assertEquals(1, c.count(Counter.STREAM_UNFRAMED));
        assertEquals(Map.of("unframed", 1L), c.gateway.dispatch.refusals("shout"));
    }

    @Test
    void anOverlongRecordIsSkippedByItsLength() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 16);
        Connection c = new Connection(h);
        String big = "\0\u0020" + "q".repeat(30);
        assertEquals(big.substring(0, 10), c.out(big.substring(0, 10)));
        assertEquals(big.substring(10) + "\0\u0004AB", c.out(big.substring(10) + "\0\u0004ab"));
        assertEquals(List.of("\0\u0004ab"), h.messages);
        assertEquals(Map.of("record-too-long", 1L), c.gateway.dispatch.refusals("shout"));
    }

    @Test
    void aRecordLyingAboutItsLengthCannotSwallowTheStream() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 64);
        Connection c = new Connection(h);
        // claims 60 bytes, sends 10 and then what looks like a new record: all of it is the first record
        assertEquals("", c.out("\0\u003c12345678"));
        assertEquals("", c.out("\0\u0004ab"));
        String rest = "r".repeat(60 - 14);
        String out = c.out(rest);
        assertEquals(List.of("\0\u003c12345678\0\u0004ab" + rest), h.messages);
        assertEquals(60, out.length());
    }

    @Test
    void headerBlocksAreDeliveredWholeAndTheirBodiesPassUnseen() {
        Shouting h = new Shouting();
        h.outbound = Framing.headers(256);
        Connection c = new Connection(h);
        String setup = "SETUP rtsp://x/a RTSP/1.0\r\nCSeq: 3\r\n\r\n";
        String announce = "ANNOUNCE rtsp://x/a RTSP/1.0\r\nContent-Length: 24\r\n\r\n"
                + "SAY a\r\nTransport: x\r\n\r\n";
        String stream = setup + announce + "\r\n" + setup;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < stream.length(); i += 7) {
            out.append(c.out(stream.substring(i, Math.min(stream.length(), i + 7))));
        }
        String seen = setup.replace("CSeq: 3\r\n", "CSeq: 3\r\nSeen: yes\r\n");
        assertEquals(seen + announce.replace("Length: 24\r\n", "Length: 24\r\nSeen: yes\r\n") + "\r\n" + seen,
                out.toString());
        assertEquals(3, h.messages.size(), "the body was never shown");
        assertEquals(c.serverStream(), out.toString());
    }

    @Test
    void interleavedFramesAreSkippedByTheirLength() {
        Shouting h = new Shouting();
        h.outbound = Framing.headers(256);
        Connection c = new Connection(h);
        String frame = "$\u0001\u0000\u0006OPTION";
        assertEquals("", c.out("$\u0001"));
        assertEquals(frame.substring(0, 2) + frame.substring(2) + "PLAY x RTSP/1.0\r\nSeen: yes\r\n\r\n",
                c.out(frame.substring(2) + "PLAY x RTSP/1.0\r\n\r\n"));
        assertEquals(List.of("PLAY x RTSP/1.0\r\n\r\n"), h.messages);
    }

    @Test
    void anOverlongHeaderBlockOrALyingContentLengthTakesTheDirectionAway() {
        Shouting h = new Shouting();
        h.outbound = Framing.headers(64);
        Connection c = new Connection(h);
        String big = "SETUP x RTSP/1.0\r\nX: " + "y".repeat(80) + "\r\n\r\n";
        assertEquals("", c.out(big.substring(0, 30)));
        assertEquals(big, c.out(big.substring(30)), "the held start given back with the rest");
        assertEquals(Map.of("headers-too-long", 1L), c.gateway.dispatch.refusals("shout"));
        assertEquals("SETUP y RTSP/1.0\r\n\r\n", c.out("SETUP y RTSP/1.0\r\n\r\n"), "no longer framed");
        for (String length : List.of("x", "-1", "99999999999", "5 5", "")) {
            Shouting l = new Shouting();
            l.outbound = Framing.headers(256);
            Connection d = new Connection(l);
            String block = "ANNOUNCE x RTSP/1.0\r\nContent-Length: " + length + "\r\n\r\nSETUP y RTSP/1.0\r\n\r\n";
            assertEquals(block, d.out(block), length);
            assertEquals(Map.of("unframed", 1L), d.gateway.dispatch.refusals("shout"), length);
            assertEquals(List.of(), l.messages, length);
        }
    }

    @Test
    void theLayerValidatesItsFramings() {
        for (Runnable bad : List.<Runnable>of(() -> Framing.lines(1, "A"), () -> Framing.lines(64),
                () -> Framing.lines(64, ""), () -> Framing.lines(64, "é"), () -> Framing.lines(Framing.MAX_LENGTH + 1, "A"),
                () -> Framing.lines(4, "ABCD"), () -> Framing.lines(64, "A\nB"), () -> Framing.records(0, 3, true, 0, 64),
                () -> Framing.records(-1, 2, true, 0, 64), () -> Framing.records(4, 2, true, 0, 5),
                () -> Framing.lines(64, "A").prologue(0), () -> Framing.lines(64, "A").prologue(65))) {
            try {
                bad.run();
                throw new AssertionError("accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().length() > 10);
            }
        }
        assertEquals("lines(\"PORT \" max 64 prologue 8)", Framing.lines(64, "port ").prologue(8).toString());
        assertTrue(Arrays.asList(Framing.records(0, 2, true, 0, 256).toString().split(" ")).contains("BE"));
    }
}
