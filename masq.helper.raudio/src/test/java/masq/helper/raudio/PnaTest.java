package masq.helper.raudio;

import static masq.helper.raudio.RaudioHelperTest.CLIENT;
import static masq.helper.raudio.RaudioHelperTest.GATEWAY;
import static masq.helper.raudio.RaudioHelperTest.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import masq.api.admin.ExpectationDTO;
import masq.helper.raudio.RaudioHelperTest.Rtsp;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * RealAudio PNA through the real engine (protocols.md §5.1): the client's hello on 7070 (or 554), its
 * UDP port options rewritten and expected; hostile hellos refused and counted. Bytes are written as
 * ISO-8859-1 strings, one char per byte.
 */
class PnaTest {
    /** The hello of protocols.md's vector: version 10, option 1 = 6970 (0x1B3A), the terminator. */
    static final String VECTOR = "PNA\0\n" + "\0\u0001\0\u0002\u001b\u003a" + "\0\0";

    private static Rtsp pna() {
        return new Rtsp(61999, 7070);
    }

    /** An option: id, length, value, as bytes. */
    private static String option(int id, String value) {
        return "" + (char) (id >> 8) + (char) (id & 0xff) + (char) (value.length() >> 8) + (char) (value.length() & 0xff)
                + value;
    }

    private static String port(int p) {
        return "" + (char) (p >> 8) + (char) (p & 0xff);
    }

    @Test
    void protocolsVector() {
        Rtsp r = pna();
        assertEquals("PNA\0\n" + "\0\u0001\0\u0002\u00ee\u0048" + "\0\0", r.out(VECTOR));
        ExpectationDTO e = r.expectations().get(0);
        assertEquals("udp", e.transport);
        assertEquals(SERVER, e.remoteAddress);
        assertEquals(61000, e.gatewayPort);
        assertEquals(CLIENT, e.insideAddress);
        assertEquals(6970, e.insidePort);
        HelperStep media = r.gateway.inbound(Packets.udp(SERVER, 30000, GATEWAY, 61000).payload("audio").build());
        assertEquals(6970, Packets.destinationPort(media.output()));
        assertEquals(Map.of(), r.refusals());
    }

    @Test
    void theDataAndTheRobustPortAreBothRewrittenAndOtherOptionsSkipped() {
        Rtsp r = pna();
        String hello = "PNA\0\n" + option(3, "ab\0\u0001\0") + option(1, port(6970)) + option(0x20, "")
                + option(7, port(6972)) + "\0\0" + "trailing";
        // both UDP ports are even: so are their gateway ports (RFC 4787 REQ-4)
        String out = r.out(hello);
        assertEquals("PNA\0\n" + option(3, "ab\0\u0001\0") + option(1, port(61000)) + option(0x20, "")
                + option(7, port(61002)) + "\0\0" + "trailing", out);
        assertEquals(List.of(6970, 6972), r.expectations().stream().map(x -> x.insidePort).sorted().toList());
    }

    @Test
    void theFirstBytesDecideNotThePort() {
        Rtsp onRtspPort = new Rtsp(61999, 554);
        assertEquals("PNA\0\n" + "\0\u0001\0\u0002\u00ee\u0048" + "\0\0", onRtspPort.out(VECTOR), "PNA on 554");
        Rtsp onPnaPort = pna();
        String setup = RaudioHelperTest.setup("RTP/AVP;client_port=5000-5001");
        assertEquals(RaudioHelperTest.setup("RTP/AVP;client_port=61000-61001"), onPnaPort.out(setup), "RTSP on 7070");
    }

    @Test
    void onlyTheHelloIsRead() {
        Rtsp r = pna();
        r.out(VECTOR);
        String again = "PNA\0\n" + option(1, port(7000)) + "\0\0";
        assertEquals(again, r.out(again), "a second hello is data");
        assertEquals(1, r.expectations().size());
    }

    @Test
    void theServersBytesPassUnexamined() {
        Rtsp r = pna();
        r.out(VECTOR);
        String reply = "O\0\u0001\0\u0002\u001b\u003a\0\0PNA\r\n\r\n";
        assertEquals(reply, r.in(reply));
        assertEquals(Map.of(), r.refusals());
    }

    @Test
    void aPortOfZeroIsNoPort() {
        Rtsp r = pna();
        String hello = "PNA\0\n" + option(1, port(0)) + "\0\0";
        assertEquals(hello, r.out(hello));
        assertEquals(List.of(), r.expectations());
        assertEquals(Map.of(), r.refusals());
    }

    // ---- hostile

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("version 256", "PNA\u0001\0" + option(1, port(6970)) + "\0\0", "pna-version"),
                Arguments.of("no version", "PNA\0", "pna-truncated"),
                Arguments.of("no terminator", "PNA\0\n" + option(3, "x"), "pna-truncated"),
                Arguments.of("half an option header", "PNA\0\n\0\u0001\0", "pna-truncated"),
                Arguments.of("option past the segment", "PNA\0\n" + option(1, port(6970)).substring(0, 5), "pna-truncated"),
                Arguments.of("length 65535", "PNA\0\n\0\u0003\u00ff\u00ffabc", "pna-truncated"),
                Arguments.of("port of 4 bytes", "PNA\0\n" + option(1, "\0\0\u001b\u003a") + "\0\0", "malformed"),
                Arguments.of("port of 1 byte", "PNA\0\n" + option(7, "\u001b") + "\0\0", "malformed"),
                Arguments.of("privileged port", "PNA\0\n" + option(1, port(554)) + "\0\0", "port-privileged"),
                Arguments.of("port 1023", "PNA\0\n" + option(7, port(1023)) + "\0\0", "port-privileged"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileHellosAreRefusedCountedAndLeftUnchanged(String name, String hello, String reason) {
        Rtsp r = pna();
        assertEquals(hello, r.out(hello));
        assertEquals(List.of(), r.expectations());
        assertEquals(Map.of(reason, 1L), r.refusals());
    }

    @Test
    void portsBeforeAnInconsistencyAreKept() {
        Rtsp r = pna();
        String out = r.out("PNA\0\n" + option(1, port(6970)) + option(3, "x"));
        assertEquals("PNA\0\n" + option(1, port(61000)) + option(3, "x"), out);
        assertEquals(1, r.expectations().size());
        assertEquals(Map.of("pna-truncated", 1L), r.refusals());
    }

    @Test
    void portOptionsPerHelloAreBounded() {
        Rtsp r = pna();
        StringBuilder hello = new StringBuilder("PNA\0\n");
        for (int k = 0; k < 3 * PnaHello.MAX_PORTS; k++) {
            hello.append(option(1, port(6000 + k)));
        }
        r.out(hello + "\0\0");
        assertEquals(PnaHello.MAX_PORTS, r.expectations().size());
        assertEquals(Map.of(PnaHello.REFUSED_TOO_MANY_PORTS, 1L), r.refusals());
    }

    @Test
    void aHelloCutBeforeItsMagicIsNotPna() {
        Rtsp r = pna();
        assertEquals("", r.out("PN"), "held: it may begin a request");
        String rest = "A\0\n" + option(1, port(6970)) + "\0\0";
        assertEquals("PN" + rest, r.out(rest), "binary where a request should be: given back at once, not held");
        assertEquals(List.of(), r.expectations());
        assertEquals(Map.of("unframed", 1L), r.refusals());
    }

    @Test
    void binaryThatIsNotPnaIsPassedAtOnceAndCounted() {
        Rtsp r = new Rtsp();
        String binary = "\u0016\u0003\u0001\0\u00a5\u0001\0\0\u00a1";
        assertEquals(binary, r.out(binary));
        assertEquals(Map.of("unframed", 1L), r.refusals());
    }

    @Test
    void anRtspRequestNamedPnaIsNoHello() {
        Rtsp r = new Rtsp();
        r.out("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n");
        String block = "PNA rtsp://x RTSP/1.0\r\nCSeq: 2\r\n\r\n";
        assertEquals(block, r.out(block));
        assertEquals(List.of(), r.expectations());
        assertEquals(Map.of(), r.refusals());
    }
}
