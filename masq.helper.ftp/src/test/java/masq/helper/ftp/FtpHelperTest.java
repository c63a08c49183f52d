package masq.helper.ftp;

import static masq.helper.ftp.Session.INSIDE;
import static masq.helper.ftp.Session.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import masq.api.Direction;
import masq.api.Ipv4;
import masq.api.Transport;
import masq.api.Verdict;
import masq.helper.ftp.Session.Expectation;

class FtpHelperTest {
    static final String PORT = "PORT 192,168,0,2,4,1\r\n";
    static final String PORT_OUT = "PORT 203,0,113,1,238,72\r\n";
    static final List<String> NONE = List.of();

    /** The active data connection a PORT/EPRT for inside port {@code insidePort} must open. */
    static Expectation active(int insidePort, int gatewayPort) {
        return new Expectation(Transport.TCP, false, SERVER, -1, INSIDE, insidePort, gatewayPort);
    }

    /** The passive data connection a 227/229 naming the server's port {@code port} must link. */
    static Expectation passive(int port) {
        return new Expectation(Transport.TCP, true, SERVER, port, INSIDE, 0, 0);
    }

    static Stream<Arguments> outboundSegments() {
        return Stream.of(
                // protocols.md §3.6
                Arguments.of("3.6 PORT", PORT, PORT_OUT, NONE, List.of(active(1025, 61000))),
                Arguments.of("3.6 EPRT", "EPRT |1|192.168.0.2|1025|\r\n", "EPRT |1|203.0.113.1|61000|\r\n", NONE,
                        List.of(active(1025, 61000))),
                // spellings and line ends
                Arguments.of("lower case", "port 192,168,0,2,4,1\r\n", "port 203,0,113,1,238,72\r\n", NONE,
                        List.of(active(1025, 61000))),
                Arguments.of("mixed case", "Port 192,168,0,2,4,1\r\n", "Port 203,0,113,1,238,72\r\n", NONE,
                        List.of(active(1025, 61000))),
                Arguments.of("bare LF", "PORT 192,168,0,2,4,1\n", "PORT 203,0,113,1,238,72\n", NONE,
                        List.of(active(1025, 61000))),
                Arguments.of("leading zeros", "PORT 192,168,000,002,004,001\r\n", PORT_OUT, NONE,
                        List.of(active(1025, 61000))),
                Arguments.of("lowest data port", "PORT 192,168,0,2,4,0\r\n", PORT_OUT, NONE,
                        List.of(active(1024, 61000))),
                Arguments.of("highest port", "PORT 192,168,0,2,255,255\r\n", PORT_OUT, NONE,
                        List.of(active(65535, 61000))),
                Arguments.of("EPRT other delimiter", "eprt !1!192.168.0.2!1025!\r\n", "eprt !1!203.0.113.1!61000!\r\n",
                        NONE, List.of(active(1025, 61000))),
                Arguments.of("EPRT highest port", "EPRT |1|192.168.0.2|65535|\r\n", "EPRT |1|203.0.113.1|61000|\r\n",
                        NONE, List.of(active(65535, 61000))),
                Arguments.of("empty lines before", "\r\n\n\r\n" + PORT, "\r\n\n\r\n" + PORT_OUT, NONE,
                        List.of(active(1025, 61000))),
                // several commands in one segment (libalias lost the ones after PORT)
                Arguments.of("issue4 commands after PORT kept", "TYPE I\r\n" + PORT + "LIST -la\r\nQUIT\r\n",
                        "TYPE I\r\n" + PORT_OUT + "LIST -la\r\nQUIT\r\n", NONE, List.of(active(1025, 61000))),
                // both rewritten; one data connection at a time (the helper's limit): the later one is pending
                Arguments.of("two PORTs", PORT + "PORT 192,168,0,2,4,2\r\n",
                        PORT_OUT + "PORT 203,0,113,1,238,73\r\n", NONE, List.of(active(1026, 61001))),
                Arguments.of("PORT and EPRT", PORT + "EPRT |1|192.168.0.2|1026|\r\n",
                        PORT_OUT + "EPRT |1|203.0.113.1|61001|\r\n", NONE, List.of(active(1026, 61001))),
                // not at the start of a line: ignored, not refused
                unchanged("leading space", " PORT 192,168,0,2,4,1\r\n"),
                unchanged("leading tab", "\tPORT 192,168,0,2,4,1\r\n"),
                Arguments.of("inside a line", "NOOP PORT 192,168,0,2,4,1\r\n", "NOOP PORT 192,168,0,2,4,1\r\n", NONE,
                        List.of()),
                Arguments.of("after a CR", "NOOP\rPORT 192,168,0,2,4,1\r\n", "NOOP\rPORT 192,168,0,2,4,1\r\n", NONE,
                        List.of()),
                Arguments.of("a reply sent by the client", "227 Entering Passive Mode (192,168,0,2,4,1)\r\n",
                        "227 Entering Passive Mode (192,168,0,2,4,1)\r\n", NONE, List.of()),
                unchanged("PASV, EPSV", "PASV\r\nEPSV\r\nEPSV ALL\r\n"),
                Arguments.of("EPRT IPv6 left alone", "EPRT |2|::1|1025|\r\n", "EPRT |2|::1|1025|\r\n", NONE, List.of()),
                Arguments.of("no line end yet, not a command", "LIST", "LIST", NONE, List.of()),
                Arguments.of("keyword without argument", "PORT\r\n", "PORT\r\n", NONE, List.of()),
                // forged addresses
                Arguments.of("another inside host", "PORT 192,168,0,3,4,1\r\n", "PORT 192,168,0,3,4,1\r\n",
                        List.of("address-mismatch"), List.of()),
                Arguments.of("the gateway", "PORT 203,0,113,1,4,1\r\n", "PORT 203,0,113,1,4,1\r\n",
                        List.of("address-mismatch"), List.of()),
                Arguments.of("the server (FXP)", "PORT 198,51,100,5,4,1\r\n", "PORT 198,51,100,5,4,1\r\n",
                        List.of("address-mismatch"), List.of()),
                Arguments.of("EPRT forged", "EPRT |1|192.168.0.3|1025|\r\n", "EPRT |1|192.168.0.3|1025|\r\n",
                        List.of("address-mismatch"), List.of()),
                // privileged ports
                Arguments.of("port 21", "PORT 192,168,0,2,0,21\r\n", "PORT 192,168,0,2,0,21\r\n",
                        List.of("port-privileged"), List.of()),
                Arguments.of("port 1023", "PORT 192,168,0,2,3,255\r\n", "PORT 192,168,0,2,3,255\r\n",
                        List.of("port-privileged"), List.of()),
                Arguments.of("port 0", "PORT 192,168,0,2,0,0\r\n", "PORT 192,168,0,2,0,0\r\n",
                        List.of("port-privileged"), List.of()),
                Arguments.of("EPRT port 0", "EPRT |1|192.168.0.2|0|\r\n", "EPRT |1|192.168.0.2|0|\r\n",
                        List.of("port-privileged"), List.of()),
                Arguments.of("EPRT port 22", "EPRT |1|192.168.0.2|22|\r\n", "EPRT |1|192.168.0.2|22|\r\n",
                        List.of("port-privileged"), List.of()),
                // malformed numbers and fields
                malformed("octet 256", "PORT 192,168,0,256,4,1\r\n"),
                malformed("port 65536 (p1 256)", "PORT 192,168,0,2,256,0\r\n"),
                malformed("octet 448 wraps to 192 in 2.2", "PORT 448,168,0,2,4,1\r\n"),
                malformed("four digits", "PORT 0192,168,0,2,4,1\r\n"),
                malformed("many digits", "PORT 192,168,0,2,4,000000000000000000001\r\n"),
                malformed("missing comma", "PORT 192,168,0,2,4 1\r\n"),
                malformed("five numbers", "PORT 192,168,0,2,41\r\n"),
                malformed("extra field", "PORT 192,168,0,2,4,1,7\r\n"),
                malformed("trailing space", "PORT 192,168,0,2,4,1 \r\n"),
                malformed("two spaces", "PORT  192,168,0,2,4,1\r\n"),
                malformed("empty number", "PORT 192,,0,2,4,1\r\n"),
                malformed("sign", "PORT +192,168,0,2,4,1\r\n"),
                malformed("CR without LF inside", "PORT 192,168,0,2,4,1\rLIST\r\n"),
                malformed("NUL", "PORT 192,168,0,2,4,1\0\r\n"),
                malformed("EPRT port 65536", "EPRT |1|192.168.0.2|65536|\r\n"),
                malformed("EPRT six-digit port", "EPRT |1|192.168.0.2|001025|\r\n"),
                malformed("EPRT octet 256", "EPRT |1|192.168.0.256|1025|\r\n"),
                malformed("EPRT mixed delimiters", "EPRT |1!192.168.0.2|1025|\r\n"),
                malformed("EPRT digit delimiter", "EPRT 515192.168.0.2510255\r\n"),
                malformed("EPRT space delimiter", "EPRT  1 192.168.0.2 1025 \r\n"),
                malformed("EPRT family 3", "EPRT |3|192.168.0.2|1025|\r\n"),
                malformed("EPRT three octets", "EPRT |1|192.168.0|1025|\r\n"),
                malformed("EPRT no final delimiter", "EPRT |1|192.168.0.2|1025\r\n"),
                malformed("EPRT truncated", "EPRT |1\r\n"),
                malformed("EPRT empty", "EPRT \r\n"));
    }

    private static Arguments unchanged(String name, String line) {
        return Arguments.of(name, line, line, NONE, List.of());
    }

    private static Arguments malformed(String name, String line) {
        return Arguments.of(name, line, line, List.of("malformed"), List.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outboundSegments")
    void outboundSegment(String name, String input, String output, List<String> refusals, List<Expectation> expected) {
        Session session = new Session();
        assertEquals(output, session.out(input));
        assertEquals(Verdict.ACCEPT, session.verdict);
        assertEquals(refusals, session.flow.refusals);
        assertEquals(expected, session.flow.expectations);
    }

    static Stream<Arguments> inboundSegments() {
        String vector227 = "227 Entering Passive Mode (198,51,100,5,19,137)\r\n";
        return Stream.of(
                // protocols.md §3.6, 227 to the inside client: unchanged, the data connection linked
                Arguments.of("3.6 227 to inside client", vector227, NONE, List.of(passive(5001))),
                Arguments.of("227 without parentheses", "227 =198,51,100,5,19,137\r\n", NONE, List.of(passive(5001))),
                Arguments.of("227 text after", "227 Entering Passive Mode 198,51,100,5,19,137. Go\r\n", NONE,
                        List.of(passive(5001))),
                Arguments.of("229", "229 Entering Extended Passive Mode (|||6446|)\r\n", NONE, List.of(passive(6446))),
                Arguments.of("229 other delimiter", "229 ok (!!!6446!)\r\n", NONE, List.of(passive(6446))),
                Arguments.of("229 after other replies", "150 ok\r\n226 done\r\n229 x (|||50000|)\r\n", NONE,
                        List.of(passive(50000))),
                // protocols.md §3.6, 227/229 from an inside server: the server-inside case is a later
                // issue; on a client-inside flow these lines name the wrong address or are just read
                Arguments.of("3.6 227 from inside server, on a client-inside flow",
                        "227 Entering Passive Mode (192,168,0,2,4,1)\r\n", List.of("pasv-address"), List.of()),
                Arguments.of("3.6 229 from inside server, on a client-inside flow",
                        "229 Entering Extended Passive Mode (|||1025|)\r\n", NONE, List.of(passive(1025))),
                Arguments.of("227 forged address", "227 Entering Passive Mode (10,0,0,1,19,137)\r\n",
                        List.of("pasv-address"), List.of()),
                Arguments.of("227 pointing at the client", "227 Entering Passive Mode (192,168,0,2,19,137)\r\n",
                        List.of("pasv-address"), List.of()),
                Arguments.of("227 privileged port", "227 Entering Passive Mode (198,51,100,5,0,22)\r\n",
                        List.of("port-privileged"), List.of()),
                Arguments.of("227 octet 256", "227 Entering Passive Mode (198,51,100,256,19,137)\r\n",
                        List.of("malformed"), List.of()),
                Arguments.of("227 five numbers", "227 Entering Passive Mode (198,51,100,5,19)\r\n",
                        List.of("malformed"), List.of()),
                Arguments.of("227 seven numbers", "227 Entering Passive Mode (198,51,100,5,19,137,1)\r\n",
                        List.of("malformed"), List.of()),
                Arguments.of("227 digit in text first", "227 Mode 2 (198,51,100,5,19,137)\r\n", List.of("malformed"),
                        List.of()),
                Arguments.of("227 no numbers", "227 Entering Passive Mode\r\n", List.of("malformed"), List.of()),
                Arguments.of("229 port 0", "229 x (|||0|)\r\n", List.of("port-privileged"), List.of()),
                Arguments.of("229 port 65536", "229 x (|||65536|)\r\n", List.of("malformed"), List.of()),
                Arguments.of("229 two delimiters", "229 x (||6446|)\r\n", List.of("malformed"), List.of()),
                Arguments.of("229 mixed delimiters", "229 x (|!|6446|)\r\n", List.of("malformed"), List.of()),
                Arguments.of("229 no closing parenthesis", "229 x (|||6446|\r\n", List.of("malformed"), List.of()),
                Arguments.of("229 no parenthesis", "229 x |||6446|\r\n", List.of("malformed"), List.of()),
                Arguments.of("229 with an address", "229 x (|1|10.0.0.1|6446|)\r\n", List.of("malformed"), List.of()),
                Arguments.of("229 no port", "229 x (||||)\r\n", List.of("malformed"), List.of()),
                Arguments.of("multi-line 227- not a reply line", "227-198,51,100,5,19,137\r\n", NONE, List.of()),
                Arguments.of("227 not at line start", "200 227 198,51,100,5,19,137\r\n", NONE, List.of()),
                Arguments.of("PORT from the server ignored", PORT, NONE, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inboundSegments")
    void inboundSegment(String name, String input, List<String> refusals, List<Expectation> expected) {
        Session session = new Session();
        assertEquals(input, session.in(input), "replies are never rewritten in the client-inside case");
        assertEquals(refusals, session.flow.refusals);
        assertEquals(expected, session.flow.expectations);
    }

    @Test
    void noGatewayPortLeavesTheLineUnchanged() {
        Session session = new Session();
        session.flow.nextGatewayPort = -1;
        assertEquals(PORT, session.out(PORT));
        assertEquals(List.of("engine:no-port", "no-port"), session.flow.refusals);
    }

    @Test
    void overlongPortLineInOneSegmentIsRefused() {
        Session session = new Session();
        String line = "PORT 192,168,0,2,4,1" + " ".repeat(600) + "\r\n";
        assertEquals(line, session.out(line));
        assertEquals(List.of("line-too-long"), session.flow.refusals);
    }

    @Test
    void overlongSplitPortLineIsGivenBackAndSkippedToItsEnd() {
        Session session = new Session();
        String head = "PORT 192,168,0,2,";
        String body = "9".repeat(100);
        String out = session.out(head) + session.out(body) + session.out("1\r\n" + PORT);
        assertEquals(head + body + "1\r\n" + PORT_OUT, out);
        assertEquals(List.of("line-too-long"), session.flow.refusals);
        assertEquals(List.of(active(1025, 61000)), session.flow.expectations);
    }

    @Test
    void longLinesThatAreNoCommandsPassWithoutBuffering() {
        Session session = new Session();
        String name = "x".repeat(5000);
        String out = session.out("RETR " + name.substring(0, 2000)) + session.out(name.substring(2000))
                + session.out("\r\n" + PORT);
        assertEquals("RETR " + name + "\r\n" + PORT_OUT, out);
        assertEquals(NONE, session.flow.refusals);
    }

    @Test
    void portHiddenInALongFileNameIsNotACommand() {
        // the "extended FTP ALG" attack: a crafted name puts PORT at the start of a segment, not of a line
        Session session = new Session();
        String out = session.out("RETR " + "a".repeat(1400)) + session.out("PORT 192,168,0,2,23,112\r\n");
        assertEquals("RETR " + "a".repeat(1400) + "PORT 192,168,0,2,23,112\r\n", out);
        assertEquals(List.of(), session.flow.expectations);
    }

    @Test
    void httpRequestOnTheControlPortIsIgnoredForGood() {
        Session session = new Session();
        String post = "POST /upload HTTP/1.1\r\nHost: x\r\n\r\n" + PORT;
        assertEquals(post, session.out(post));
        assertEquals(PORT, session.out(PORT));
        String reply = "227 Entering Passive Mode (198,51,100,5,19,137)\r\n";
        assertEquals(reply, session.in(reply));
        assertEquals(List.of("http"), session.flow.refusals);
        assertEquals(List.of(), session.flow.expectations);
    }

    @Test
    void httpRequestSplitInTheMethodIsDetectedAndHeldBytesGivenBack() {
        for (String method : List.of("GET", "POST", "PUT", "HEAD", "CONNECT", "OPTIONS", "DELETE", "TRACE", "PATCH",
                "get")) {
            String request = method + " / HTTP/1.1\r\n\r\n" + PORT;
            for (int cut = 1; cut < 10; cut++) {
                Session session = new Session();
                String out = session.out(request.substring(0, cut)) + session.out(request.substring(cut));
                assertEquals(request, out, method + " cut at " + cut);
                assertEquals(List.of("http"), session.flow.refusals, method + " cut at " + cut);
                assertEquals(List.of(), session.flow.expectations);
            }
        }
    }

    @Test
    void httpMethodAfterTheFirstLineIsNoReasonToIgnore() {
        Session session = new Session();
        assertEquals("USER a\r\nPOST x\r\n", session.out("USER a\r\nPOST x\r\n"));
        assertEquals(PORT_OUT, session.out(PORT));
        assertEquals(NONE, session.flow.refusals);
    }

    @Test
    void shortFirstLineIsJudgedAtItsEnd() {
        Session session = new Session();
        assertEquals("PWD\r\n", session.out("PWD\r\n"));
        assertEquals("OPTS\r\n" + PORT_OUT, session.out("OPTS\r\n" + PORT));
    }

    @Test
    void binaryGarbageIsLeftAlone() {
        String garbage = "\0\377\r\r\n\n\001PORT\0\r\n\377\376PORT 1,2\r\nPORT 1,2\r\nEPRT |\r\n\0\0\0";
        Session session = new Session();
        assertEquals(garbage, session.out(garbage));
        assertEquals(List.of("malformed", "malformed"), session.flow.refusals);
        assertEquals(List.of(), session.flow.expectations);
    }

    @Test
    void randomSegmentationGivesTheSameStreamAsOneSegment() {
        long seed = Long.getLong("masq.seed", System.nanoTime());
        Random random = new Random(seed);
        String[] lines = { PORT, "port 192,168,0,2,200,7\r\n", "EPRT |1|192.168.0.2|1025|\r\n", "LIST\r\n", "\r\n",
            "PORT 192,168,0,9,4,1\r\n", "PORT 1,2\r\n", "EPRT |2|::1|5|\r\n", "NOOP PORT 192,168,0,2,4,1\r\n",
            "PO\rRT\r\n", "\0\377\n" };
        for (int round = 0; round < 300; round++) {
            StringBuilder stream = new StringBuilder("USER a\r\n");
            for (int n = random.nextInt(12); n > 0; n--) {
                stream.append(lines[random.nextInt(lines.length)]);
            }
            Session whole = new Session();
            String expected = whole.out(stream.toString());
            Session split = new Session();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < stream.length();) {
                int n = 1 + random.nextInt(Math.min(40, stream.length() - i));
                String segment = stream.substring(i, i + n);
                String sent = split.out(segment);
                if (random.nextInt(4) == 0) {
                    assertEquals(sent, split.sendAt(Direction.OUTBOUND, split.outboundSeq - n, segment),
                            "retransmission, seed " + seed);
                }
                out.append(sent);
                i += n;
            }
            assertEquals(expected, out.toString(), "seed " + seed + " stream " + stream);
            assertEquals(whole.pending(), split.pending(), "seed " + seed);
            assertTrue(split.flow.refusals.stream().noneMatch(r -> r.equals("edit-refused")), "seed " + seed);
        }
    }

    @Test
    void seededGarbageInBothDirectionsNeverThrowsAndLastSegmentRetransmitsIdentically() {
        long seed = Long.getLong("masq.seed", System.nanoTime());
        Random random = new Random(seed);
        String alphabet = "PORTEPRTport227 229,.|()0123456789\r\n\0\377GETPOST";
        for (int round = 0; round < 2000; round++) {
            Session session = new Session(random.nextInt() & 0xFFFF_FFFFL, random.nextInt() & 0xFFFF_FFFFL);
            boolean[] started = new boolean[2];
            for (int packet = 0; packet < 20; packet++) {
                StringBuilder payload = new StringBuilder();
                for (int n = 1 + random.nextInt(60); n > 0; n--) {
                    payload.append(random.nextInt(3) == 0 ? (char) random.nextInt(256)
                            : alphabet.charAt(random.nextInt(alphabet.length())));
                }
                boolean outbound = random.nextBoolean();
                Direction direction = outbound ? Direction.OUTBOUND : Direction.INBOUND;
                String where = "seed " + seed + " round " + round + " packet " + packet;
                try {
                    if (started[outbound ? 0 : 1] && random.nextInt(10) == 0) {
                        session.sendAt(direction, (outbound ? session.outboundSeq : session.inboundSeq)
                                + 1 + random.nextInt(100), payload.toString());
                        assertTrue(session.verdict == Verdict.DROP || session.flow.refusals.contains("http"), where);
                        continue;
                    }
                    started[outbound ? 0 : 1] = true;
                    long seq = outbound ? session.outboundSeq : session.inboundSeq;
                    String sent = outbound ? session.out(payload.toString()) : session.in(payload.toString());
                    assertEquals(sent, session.sendAt(direction, seq, payload.toString()), where);
                } catch (RuntimeException e) {
                    throw new AssertionError(where, e);
                }
                assertTrue(session.flow.refusals.stream().noneMatch(r -> r.equals("edit-refused")), where);
            }
        }
    }

    @Test
    void gatewayAddressAndPortFormatting() {
        Session session = new Session();
        session.flow.nextGatewayPort = 65535;
        assertEquals("PORT 203,0,113,1,255,255\r\n", session.out(PORT));
    }
}
