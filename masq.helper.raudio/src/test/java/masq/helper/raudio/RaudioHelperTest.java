package masq.helper.raudio;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import masq.api.admin.ExpectationDTO;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * The RTSP helper through the real engine: the client 192.168.0.2:40000 on the server
 * 198.51.100.5:554; its media ports are UDP, counted apart from TCP, so the first pair is 61000-61001.
 */
class RaudioHelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "198.51.100.5";
    static final String GATEWAY = "203.0.113.1";

    /** One RTSP control connection through the gateway. */
    static final class Rtsp {
        final HelperHarness gateway;
        final int masqPort;
        final int serverPort;
        long clientSeq = 1000;
        long serverSeq = 5000;

        Rtsp() {
            this(61999);
        }

        Rtsp(int high) {
            this(high, 554);
        }

        Rtsp(int high, int serverPort) {
            this.serverPort = serverPort;
            Map<String, Object> p = new java.util.HashMap<>(HelperHarness.properties("raudio", "tcp", 554, 7070));
            p.put(masq.api.MasqHelper.MAX_EXPECTED, RaudioHelper.MAX_STREAMS);
            gateway = HelperHarness.builder().engine(b -> b.ports(61000, high)).helper(new RaudioHelper(), p).build();
            HelperStep syn = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, serverPort).flags(Packets.SYN)
                    .seq(clientSeq - 1).build());
            masqPort = Packets.sourcePort(syn.output());
            gateway.inbound(Packets.tcp(SERVER, serverPort, GATEWAY, masqPort).flags(Packets.SYN | Packets.ACK)
                    .seq(serverSeq - 1).ack(clientSeq).build());
        }

        String out(String text) {
            HelperStep s = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, serverPort).flags(Packets.ACK).seq(clientSeq)
                    .ack(serverSeq).payload(text.getBytes(ISO_8859_1)).build());
            clientSeq += text.length();
            return new String(Packets.payload(s.output()), ISO_8859_1);
        }

        String in(String text) {
            HelperStep s = gateway.inbound(Packets.tcp(SERVER, serverPort, GATEWAY, masqPort).flags(Packets.ACK)
                    .seq(serverSeq).ack(clientSeq).payload(text.getBytes(ISO_8859_1)).build());
            serverSeq += text.length();
            return new String(Packets.payload(s.output()), ISO_8859_1);
        }

        List<ExpectationDTO> expectations() {
            return gateway.expectations();
        }

        Map<String, Long> refusals() {
            return gateway.refusals("raudio");
        }
    }

    static String setup(String transport) {
        return "SETUP rtsp://198.51.100.5/a/trackID=1 RTSP/1.0\r\nCSeq: 3\r\nTransport: " + transport + "\r\n\r\n";
    }

    @Test
    void protocolsVectorRealRdtPair() {
        Rtsp r = new Rtsp();
        assertEquals(setup("x-real-rdt/udp;client_port=61000-61001;mode=play"),
                r.out(setup("x-real-rdt/udp;client_port=6970-6971;mode=play")));
        ExpectationDTO e = r.expectations().get(0);
        assertEquals("udp", e.transport);
        assertEquals(SERVER, e.remoteAddress, "from the server");
        assertEquals(CLIENT, e.insideAddress);
        assertEquals(6970, e.insidePort);
        HelperStep rtp = r.gateway.inbound(Packets.udp(SERVER, 30000, GATEWAY, 61000).payload("rtp").build());
        assertEquals(6970, Packets.destinationPort(rtp.output()));
        HelperStep rtcp = r.gateway.inbound(Packets.udp(SERVER, 30001, GATEWAY, 61001).payload("rtcp").build());
        assertEquals(6971, Packets.destinationPort(rtcp.output()));
    }

    static Stream<Arguments> transports() {
        return Stream.of(
                Arguments.of("RTP/AVP pair", "RTP/AVP;unicast;client_port=5000-5001", "RTP/AVP;unicast;client_port=61000-61001"),
                Arguments.of("RTP/AVP/UDP", "RTP/AVP/UDP;unicast;client_port=5000-5001",
                        "RTP/AVP/UDP;unicast;client_port=61000-61001"),
                Arguments.of("x-pn-tng/udp single port", "x-pn-tng/udp;client_port=6970", "x-pn-tng/udp;client_port=61000"),
                Arguments.of("lower case, spaces", "rtp/avp; Client_Port = 5000-5001 ;mode=play",
                        "rtp/avp; Client_Port = 61000-61001 ;mode=play"),
                Arguments.of("TCP left alone", "RTP/AVP/TCP;unicast;interleaved=0-1", "RTP/AVP/TCP;unicast;interleaved=0-1"),
                Arguments.of("interleaved left alone", "RTP/AVP;interleaved=0-1;client_port=5000-5001",
                        "RTP/AVP;interleaved=0-1;client_port=5000-5001"),
                Arguments.of("destination the client itself", "RTP/AVP;destination=192.168.0.2;client_port=5000-5001",
                        "RTP/AVP;destination=192.168.0.2;client_port=61000-61001"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void everyTransportVariant(String name, String before, String after) {
        Rtsp r = new Rtsp();
        assertEquals(setup(after), r.out(setup(before)));
        assertEquals(Map.of(), r.refusals());
    }

    @Test
    void severalSpecsAreEachRewritten() {
        Rtsp r = new Rtsp();
        String out = r.out(setup("RTP/AVP/TCP;interleaved=0-1,RTP/AVP;client_port=5000-5001,x-real-rdt/udp;client_port=6970"));
        assertEquals(setup("RTP/AVP/TCP;interleaved=0-1,RTP/AVP;client_port=61000-61001,x-real-rdt/udp;client_port=61002"),
                out);
        assertEquals(2, r.expectations().size());
    }

    @Test
    void aSetupSplitAtEveryByteAndPipelinedWithABody() {
        String body = "SETUP rtsp://x RTSP/1.0\r\nTransport: RTP/AVP;client_port=2000\r\n";
        String announce = "ANNOUNCE rtsp://x/a RTSP/1.0\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        String stream = announce + setup("RTP/AVP;client_port=5000-5001");
        String expected = announce + setup("RTP/AVP;client_port=61000-61001");
        for (int cut = 1; cut < stream.length(); cut += 3) {
            Rtsp r = new Rtsp();
            assertEquals(expected, r.out(stream.substring(0, cut)) + r.out(stream.substring(cut)), "cut " + cut);
            assertEquals(1, r.expectations().size(), "the body's SETUP is no request: cut " + cut);
        }
    }

    @Test
    void teardownCancelsThePendingMediaPorts() {
        Rtsp r = new Rtsp();
        r.out(setup("RTP/AVP;client_port=5000-5001"));
        assertEquals(1, r.expectations().size());
        r.out("TEARDOWN rtsp://198.51.100.5/a RTSP/1.0\r\nCSeq: 9\r\n\r\n");
        assertEquals(List.of(), r.expectations());
    }

    // ---- hostile

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("privileged", "RTP/AVP;client_port=554-555", "port-privileged"),
                Arguments.of("port 0", "RTP/AVP;client_port=0", "port-privileged"),
                Arguments.of("not a pair", "RTP/AVP;client_port=5000-5003", "not-a-pair"),
                Arguments.of("reversed", "RTP/AVP;client_port=5001-5000", "not-a-pair"),
                Arguments.of("too big", "RTP/AVP;client_port=65536", "malformed"),
                Arguments.of("six digits", "RTP/AVP;client_port=050000", "malformed"),
                Arguments.of("letters", "RTP/AVP;client_port=50a0", "malformed"),
                Arguments.of("empty", "RTP/AVP;client_port=", "malformed"),
                Arguments.of("dash only", "RTP/AVP;client_port=5000-", "malformed"),
                Arguments.of("twice", "RTP/AVP;client_port=5000-5001;client_port=6000-6001", "malformed"),
                Arguments.of("empty spec", ";client_port=5000", "malformed"),
                Arguments.of("media elsewhere", "RTP/AVP;destination=192.168.0.3;client_port=5000-5001", "destination"),
                Arguments.of("media to a remote host", "RTP/AVP;destination=198.51.100.66;client_port=5000-5001",
                        "destination"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void hostileTransportsAreRefusedCountedAndLeftUnchanged(String name, String transport, String reason) {
        Rtsp r = new Rtsp();
        assertEquals(setup(transport), r.out(setup(transport)));
        assertEquals(List.of(), r.expectations());
        assertEquals(Map.of(reason, 1L), r.refusals());
    }

    @Test
    void aTransportHeaderOutsideASetupOrInABodyOpensNothing() {
        Rtsp r = new Rtsp();
        String play = "PLAY rtsp://x RTSP/1.0\r\nTransport: RTP/AVP;client_port=5000-5001\r\n\r\n";
        assertEquals(play, r.out(play));
        String body = "SET_PARAMETER rtsp://x RTSP/1.0\r\nContent-Length: 44\r\n\r\nTransport: RTP/AVP;client_port=5000-5001\r\n\r\n";
        assertEquals(body, r.out(body));
        String folded = "SETUP rtsp://x RTSP/1.0\r\nX-Note: Transport: RTP/AVP;client_port=5000-5001\r\n\r\n";
        assertEquals(folded, r.out(folded));
        assertEquals(List.of(), r.expectations());
    }

    @Test
    void aServerReplyNeverOpensAnythingAndAForeignSourceIsCounted() {
        Rtsp r = new Rtsp();
        r.out(setup("RTP/AVP;client_port=5000-5001"));
        String reply = "RTSP/1.0 200 OK\r\nCSeq: 3\r\nTransport: RTP/AVP;client_port=61000-61001;server_port=7000-7001;"
                + "source=198.51.100.99\r\nSession: 1\r\n\r\n";
        assertEquals(reply, r.in(reply));
        assertEquals(1, r.expectations().size());
        assertEquals(Map.of("source-elsewhere", 1L), r.refusals());
        String setupFromServer = setup("RTP/AVP;client_port=5002-5003");
        assertEquals(setupFromServer, r.in(setupFromServer), "a request from the server is not the client's");
    }

    @Test
    void anOverlongHeaderBlockIsNotParsed() {
        Rtsp r = new Rtsp();
        String big = "SETUP rtsp://x RTSP/1.0\r\nX: " + "y".repeat(5000) + "\r\nTransport: RTP/AVP;client_port=5000-5001\r\n\r\n";
        assertEquals(big, r.out(big));
        assertEquals(List.of(), r.expectations());
        assertEquals(Map.of("headers-too-long", 1L), r.refusals());
    }

    @Test
    void streamsPerConnectionAreBounded() {
        Rtsp r = new Rtsp();
        for (int k = 0; k < 3 * RaudioHelper.MAX_STREAMS; k++) {
            r.out(setup("RTP/AVP;client_port=" + (5000 + 2 * k) + "-" + (5001 + 2 * k)));
        }
        assertEquals(RaudioHelper.MAX_STREAMS, r.expectations().size());
    }

    @Test
    void noGatewayPortsLeftLeavesTheSetupUnchanged() {
        Rtsp r = new Rtsp(61000);
        String s = setup("RTP/AVP;client_port=5000-5001");
        assertEquals(s, r.out(s));
        assertTrue(r.refusals().containsKey("no-port"));
    }
}
