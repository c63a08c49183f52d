package masq.helper.ftp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import masq.api.Ipv4;
import masq.helper.ftp.FtpSyntax.HostPort;

class FtpSyntaxTest {
    private static final int INSIDE = Ipv4.parse("192.168.0.2");

    /** A parser under test, over a slice of an array. */
    private interface Parser {
        Object parse(byte[] buf, int off, int len);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(ISO_8859_1);
    }

    private static HostPort parse(Parser parser, String line) {
        byte[] b = bytes(line);
        return (HostPort) parser.parse(b, 0, b.length);
    }

    /** Replaces a result's span in the line. */
    private static String replaceSpan(String line, HostPort hostPort, String text) {
        return line.substring(0, hostPort.start()) + text + line.substring(hostPort.end());
    }

    @Test
    void vectorsOfProtocols36() {
        assertEquals(new HostPort(INSIDE, 1025, 5, 20), parse(FtpSyntax::parsePort, "PORT 192,168,0,2,4,1"));
        assertEquals(new HostPort(INSIDE, 1025, 5, 25), parse(FtpSyntax::parseEprt, "EPRT |1|192.168.0.2|1025|"));
        // the server-inside vectors: the spans a later rewrite replaces give exactly the expected lines
        String reply227 = "227 Entering Passive Mode (192,168,0,2,4,1)";
        HostPort passive = parse(FtpSyntax::parse227, reply227);
        assertEquals(new HostPort(INSIDE, 1025, 27, 42), passive);
        assertEquals("227 Entering Passive Mode (203,0,113,1,238,72)",
                replaceSpan(reply227, passive, "203,0,113,1,238,72"));
        String reply229 = "229 Entering Extended Passive Mode (|||1025|)";
        HostPort extended = parse(FtpSyntax::parse229, reply229);
        assertEquals(new HostPort(0, 1025, 36, 44), extended);
        assertEquals("229 Entering Extended Passive Mode (|||61000|)", replaceSpan(reply229, extended, "|||61000|"));
        assertEquals(new HostPort(Ipv4.parse("198.51.100.5"), 5001, 27, 46),
                parse(FtpSyntax::parse227, "227 Entering Passive Mode (198,51,100,5,19,137)"));
    }

    @Test
    void limits() {
        assertEquals(65535, parse(FtpSyntax::parsePort, "PORT 255,255,255,255,255,255").port());
        assertEquals(-1, parse(FtpSyntax::parsePort, "PORT 255,255,255,255,255,255").address());
        assertNull(parse(FtpSyntax::parsePort, "PORT 255,255,255,255,255,256"));
        assertEquals(65535, parse(FtpSyntax::parseEprt, "EPRT |1|0.0.0.0|65535|").port());
        assertNull(parse(FtpSyntax::parseEprt, "EPRT |1|0.0.0.0|65536|"));
        assertNull(parse(FtpSyntax::parseEprt, "EPRT |1|0.0.0.0|99999|"));
        assertEquals(65535, parse(FtpSyntax::parse229, "229 (|||65535|)").port());
        assertNull(parse(FtpSyntax::parse229, "229 (|||65536|)"));
        assertEquals(0x0506, parse(FtpSyntax::parse227, "227 (1,2,3,4,5,6").port(), "parentheses are not required");
        assertNull(parse(FtpSyntax::parse227, "227 1,2,3,4,5,6,"));
        assertEquals(new HostPort(0x01020304, 0x0506, 4, 15), parse(FtpSyntax::parse227, "227 1,2,3,4,5,6"));
    }

    @Test
    void everyPrefixOfAValidLineIsNoMatch() {
        String[] lines = { "PORT 192,168,0,2,4,10", "EPRT |1|192.168.0.2|1025|", "229 x (|||6446|)" };
        Parser[] parsers = { FtpSyntax::parsePort, FtpSyntax::parseEprt, FtpSyntax::parse229 };
        for (int k = 0; k < lines.length; k++) {
            byte[] line = bytes(lines[k]);
            for (int len = 0; len < line.length; len++) {
                byte[] prefix = Arrays.copyOf(line, len);
                Object result = parsers[k].parse(prefix, 0, len);
                if (k == 0 && len == line.length - 1) {
                    assertEquals(1025, ((HostPort) result).port(), "PORT ...,4,1 is itself valid");
                } else {
                    assertNull(result, lines[k] + " cut to " + len);
                }
            }
        }
    }

    @Test
    void httpRequestsAndKeywords() {
        for (String yes : new String[] { "GET /", "post /x", "HEAD ", "PUT a", "CONNECT h:1", "OPTIONS *", "DELETE /",
            "TRACE /", "PATCH /" }) {
            byte[] b = bytes(yes);
            assertTrue(FtpSyntax.isHttpRequest(b, 0, b.length), yes);
        }
        for (String no : new String[] { "GET", "GETS /", "USER a", "OPTS UTF8 ON", "PORT 1", "", " GET /" }) {
            byte[] b = bytes(no);
            assertFalse(FtpSyntax.isHttpRequest(b, 0, b.length), no);
        }
        assertTrue(FtpSyntax.mayStartWith(bytes("po"), 0, 2, FtpSyntax.PORT));
        assertFalse(FtpSyntax.mayStartWith(bytes("pa"), 0, 2, FtpSyntax.PORT));
        assertFalse(FtpSyntax.startsWith(bytes("PORT"), 0, 4, FtpSyntax.PORT));
        assertFalse(FtpSyntax.startsWith(bytes("PORT\0"), 0, 5, FtpSyntax.PORT), "NUL is no space");
        assertFalse(FtpSyntax.startsWith(bytes("\u00d0ORT "), 0, 5, FtpSyntax.PORT), "only ASCII letters fold");
        assertTrue(FtpSyntax.isEprtIpv6(bytes("EPRT |2|::1|5|"), 0, 14));
        assertFalse(FtpSyntax.isEprtIpv6(bytes("EPRT |1|::1|5|"), 0, 14));
        assertFalse(FtpSyntax.isEprtIpv6(bytes("EPRT |2"), 0, 7));
    }

    // Independent oracles for the mutation test: the same syntaxes as regular expressions.
    private static final Pattern PORT = Pattern.compile(
            "(?i:PORT )(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");
    private static final Pattern EPRT = Pattern.compile(
            "(?i:EPRT )([!-/:-~])1\\1(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\1(\\d{1,5})\\1");
    private static final Pattern REPLY_227 = Pattern.compile(
            "(?s)227 [^0-9]*((\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}))(?![0-9,]).*");
    private static final Pattern REPLY_229 = Pattern.compile("(?s)229 [^(]*\\((([!-/:-~])\\2\\2(\\d{1,5})\\2)\\).*");
    private static final Pattern HTTP = Pattern.compile(
            "(?i:GET|POST|HEAD|PUT|CONNECT|OPTIONS|DELETE|TRACE|PATCH) ");

    private static HostPort oracle(Pattern pattern, String line, int firstOctet, int portGroup, int spanGroup) {
        Matcher m = pattern.matcher(line);
        if (!m.matches()) {
            return null;
        }
        int address = 0;
        for (int g = firstOctet; g < firstOctet + 4 && firstOctet > 0; g++) {
            int octet = Integer.parseInt(m.group(g));
            if (octet > 255) {
                return null;
            }
            address = address << 8 | octet;
        }
        int port;
        if (pattern == PORT || pattern == REPLY_227) {
            int p1 = Integer.parseInt(m.group(firstOctet + 4));
            int p2 = Integer.parseInt(m.group(firstOctet + 5));
            if (p1 > 255 || p2 > 255) {
                return null;
            }
            port = p1 << 8 | p2;
        } else {
            port = Integer.parseInt(m.group(portGroup));
        }
        if (port > 65535) {
            return null;
        }
        return spanGroup == 0 ? new HostPort(address, port, 5, line.length())
                : new HostPort(address, port, m.start(spanGroup), m.end(spanGroup));
    }

    private static final String[] CORPUS = { "PORT 192,168,0,2,4,1", "port 10,0,0,1,255,255",
        "EPRT |1|192.168.0.2|1025|", "eprt !1!1.2.3.4!65535!", "EPRT |2|::1|5|",
        "227 Entering Passive Mode (198,51,100,5,19,137)", "227 =1,2,3,4,5,6",
        "229 Entering Extended Passive Mode (|||6446|)", "229 (!!!1!)", "GET / HTTP/1.1", "CONNECT x:443 HTTP/1.1",
        "OPTIONS * HTTP/1.1" };
    private static final byte[] INTERESTING = bytes("0123456789,.|!()( \r\n\0\377PORTEPRTport2279GET");

    /** Applies one to three random edits: overwrite, insert, delete, truncate, insert a digit. */
    private static byte[] mutate(byte[] line, Random random) {
        byte[] b = line.clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int at = random.nextInt(b.length + 1);
            byte value = random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)]
                    : (byte) random.nextInt();
            switch (random.nextInt(5)) {
                case 0 -> b = at < b.length ? overwrite(b, at, value) : b;
                case 1 -> b = insert(b, at, value);
                case 2 -> b = at < b.length ? delete(b, at) : b;
                case 3 -> b = Arrays.copyOf(b, at);
                default -> b = insert(b, at, (byte) ('0' + random.nextInt(10)));
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte value) {
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = value;
        System.arraycopy(b, at, c, at + 1, b.length - at);
        return c;
    }

    private static byte[] overwrite(byte[] b, int at, byte value) {
        b[at] = value;
        return b;
    }

    private static byte[] delete(byte[] b, int at) {
        byte[] c = new byte[b.length - 1];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
        return c;
    }

    /** Puts the line into an array of random bytes, sometimes flush with its end; returns the offset. */
    private static byte[] embed(byte[] line, int before, int after, Random random) {
        byte[] buf = new byte[before + line.length + after];
        random.nextBytes(buf);
        System.arraycopy(line, 0, buf, before, line.length);
        return buf;
    }

    @Test
    void seededMutationAgainstOraclesNeverThrowsNorReadsOutsideTheSlice() {
        long seed = Long.getLong("masq.seed", System.nanoTime());
        Random random = new Random(seed);
        Parser[] parsers = { FtpSyntax::parsePort, FtpSyntax::parseEprt, FtpSyntax::parse227, FtpSyntax::parse229,
            FtpSyntax::isHttpRequest, FtpSyntax::isEprtIpv6 };
        int matched = 0;
        for (int round = 0; round < 40_000; round++) {
            byte[] line = mutate(bytes(CORPUS[random.nextInt(CORPUS.length)]), random);
            String text = new String(line, ISO_8859_1);
            Object[] expected = { oracle(PORT, text, 1, 0, 0), oracle(EPRT, text, 2, 6, 0),
                oracle(REPLY_227, text, 2, 0, 1), oracle(REPLY_229, text, 0, 3, 1), HTTP.matcher(text).lookingAt(),
                null };
            int before = random.nextInt(8);
            int after = random.nextBoolean() ? 0 : random.nextInt(8);
            byte[] one = embed(line, before, after, random);
            byte[] two = embed(line, before, after, random);
            for (int p = 0; p < parsers.length; p++) {
                String where = "seed " + seed + " round " + round + " parser " + p + " line '" + text + "'";
                Object result;
                try {
                    result = parsers[p].parse(one, before, line.length);
                } catch (RuntimeException e) {
                    throw new AssertionError(where, e);
                }
                assertEquals(result, parsers[p].parse(two, before, line.length), "depends on bytes outside: " + where);
                if (p < expected.length - 1) {
                    assertEquals(expected[p], result, where);
                }
                matched += result instanceof HostPort ? 1 : 0;
            }
        }
        assertTrue(matched > 1000, "the mutations keep enough lines valid to test both outcomes, seed " + seed);
    }
}
