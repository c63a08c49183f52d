package masq.helper.vdolive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import masq.api.admin.ExpectationDTO;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * The VDOLive helper through the real engine: the client 192.168.0.2:40000 on the server
 * 198.51.100.70:7000, masqueraded from 203.0.113.1 (protocols.md §5.3's vector: UDP port 7001).
 */
class VdoLiveHelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "198.51.100.70";
    static final String GATEWAY = "203.0.113.1";
    static final byte[] INITIAL_7001 = HexFormat.of().parseHex(
            "00000024" + "00000006" + "00112233445566778899aabbccddeeff" + "56444f204c697665" + "00001b59");

    private final HelperHarness gateway = HelperHarness.builder().engine(b -> b.ports(61000, 61999))
            .helper(new VdoLiveHelper(), properties()).build();
    private final int masqPort;
    private long clientSeq = 1000;

    VdoLiveHelperTest() {
        HelperStep syn = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, 7000).flags(Packets.SYN)
                .seq(clientSeq - 1).build());
        masqPort = Packets.sourcePort(syn.output());
        gateway.inbound(Packets.tcp(SERVER, 7000, GATEWAY, masqPort).flags(Packets.SYN | Packets.ACK).seq(4999)
                .ack(clientSeq).build());
    }

    static Map<String, Object> properties() {
        Map<String, Object> p = new java.util.HashMap<>(HelperHarness.properties("vdolive", "tcp", 7000));
        p.put(masq.api.MasqHelper.MAX_EXPECTED, 1);
        return p;
    }

    /** A secondary message (tag 1) naming {@code port}. */
    static byte[] secondary(int port) {
        return ByteBuffer.allocate(20).putInt(20).putInt(1).put("VDO Live".getBytes()).putInt(port).array();
    }

    static byte[] initial(int portWord) {
        byte[] m = INITIAL_7001.clone();
        ByteBuffer.wrap(m).putInt(32, portWord);
        return m;
    }

    HelperStep send(byte[] payload) {
        HelperStep step = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, 7000).flags(Packets.ACK)
                .seq(clientSeq).ack(5000).payload(payload).build());
        clientSeq += payload.length;
        return step;
    }

    Map<String, Long> refusals() {
        return gateway.refusals("vdolive");
    }

    static int portAt(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    @Test
    void protocols5_3_theInitialMessagesPortIsRewrittenAndTheServersUdpExpected() {
        HelperStep step = send(INITIAL_7001);
        byte[] out = step.outputPayload();
        assertEquals(36, out.length);
        int gatewayPort = portAt(out, 34);
        assertTrue(gatewayPort >= 61000 && gatewayPort <= 61999, "a gateway port: " + gatewayPort);
        assertArrayEquals(java.util.Arrays.copyOf(INITIAL_7001, 34), java.util.Arrays.copyOf(out, 34));
        List<ExpectationDTO> pending = gateway.expectations();
        assertEquals(1, pending.size());
        assertEquals(List.of("udp", SERVER, "0", "" + gatewayPort, CLIENT, "7001"), List.of(pending.get(0).transport,
                pending.get(0).remoteAddress, "" + pending.get(0).remotePort, "" + pending.get(0).gatewayPort,
                pending.get(0).insideAddress, "" + pending.get(0).insidePort));
        HelperStep video = gateway.inbound(Packets.udp(SERVER, 9000, GATEWAY, gatewayPort).payload("frame").build());
        assertTrue(video.forwardedInside());
        assertEquals(7001, Packets.destinationPort(video.output()));
    }

    @Test
    void theSecondaryMessageNamesTheSameGatewayPort() {
        int gatewayPort = portAt(send(INITIAL_7001).outputPayload(), 34);
        assertEquals(gatewayPort, portAt(send(secondary(7001)).outputPayload(), 18));
        assertEquals(1, gateway.expectations().size(), "one media port per connection");
    }

    @Test
    void aMessageSplitAcrossSegmentsIsRewrittenWhole() {
        send(java.util.Arrays.copyOfRange(INITIAL_7001, 0, 30));
        HelperStep rest = send(java.util.Arrays.copyOfRange(INITIAL_7001, 30, 36));
        byte[] out = rest.outputPayload();
        assertEquals(36, out.length, "the engine held the first part and sent the message whole");
        assertTrue(portAt(out, 34) >= 61000);
    }

    @Test
    void aDifferentSecondPortIsRefused() {
        send(INITIAL_7001);
        byte[] out = send(secondary(7002)).outputPayload();
        assertEquals(7002, portAt(out, 18));
        assertEquals(Map.of(VdoLiveHelper.REFUSED_PORT_MISMATCH, 1L), refusals());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 80, 1023})
    void aPrivilegedPortIsRefused(int port) {
        byte[] out = send(initial(port)).outputPayload();
        assertEquals(port, portAt(out, 34));
        assertTrue(gateway.expectations().isEmpty());
        assertEquals(Map.of(VdoLiveHelper.REFUSED_PORT_PRIVILEGED, 1L), refusals());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00011b59, 0xffff1b59, 0x80000000})
    void aPortWordWithHighBitsIsRefused(int word) {
        send(initial(word));
        assertTrue(gateway.expectations().isEmpty());
        assertEquals(Map.of(VdoLiveHelper.REFUSED_PORT, 1L), refusals());
    }

    @Test
    void aTag6WithoutTheMagicIsNotRead() {
        byte[] m = INITIAL_7001.clone();
        m[24] = 'X';
        assertArrayEquals(m, send(m).outputPayload());
        assertEquals(Map.of(VdoLiveHelper.REFUSED_SHORT, 1L), refusals());
    }

    @Test
    void aTag6ShorterThan36IsNotRead() {
        byte[] m = ByteBuffer.allocate(28).putInt(28).putInt(6).array();
        assertArrayEquals(m, send(m).outputPayload());
        assertTrue(gateway.expectations().isEmpty());
        assertEquals(Map.of(VdoLiveHelper.REFUSED_SHORT, 1L), refusals());
    }

    @Test
    void otherTagsPassUntouched() {
        byte[] m = ByteBuffer.allocate(40).putInt(40).putInt(9).put("VDO Live".getBytes()).putInt(7001).array();
        assertArrayEquals(m, send(m).outputPayload());
        assertTrue(refusals().isEmpty());
    }

    @Test
    void theServersMessagesAreNeverRead() {
        HelperStep back = gateway.inbound(Packets.tcp(SERVER, 7000, GATEWAY, masqPort).flags(Packets.ACK).seq(5000)
                .ack(clientSeq).payload(INITIAL_7001).build());
        assertArrayEquals(INITIAL_7001, back.outputPayload());
        assertTrue(gateway.expectations().isEmpty());
    }

    @Test
    void aLengthShorterThanAHeaderTakesTheStreamOutOfTheHelpersHands() {
        byte[] bad = HexFormat.of().parseHex("0000000200000006");
        assertArrayEquals(bad, send(bad).outputPayload());
        assertArrayEquals(INITIAL_7001, send(INITIAL_7001).outputPayload(), "the stream passes unexamined");
        assertEquals(1L, refusals().get(masq.api.Framing.REFUSED_UNFRAMED));
    }

    @Test
    void anOverlongRecordIsSkippedAndTheNextMessageStillRead() {
        byte[] big = ByteBuffer.allocate(2000).putInt(2000).putInt(6).array();
        send(java.util.Arrays.copyOfRange(big, 0, 1000));
        send(java.util.Arrays.copyOfRange(big, 1000, 2000));
        assertTrue(portAt(send(INITIAL_7001).outputPayload(), 34) >= 61000);
        assertEquals(1L, refusals().get(masq.api.Framing.REFUSED_RECORD_TOO_LONG));
    }

    @Test
    void randomMessagesNeverThrowAndNeverChangeALength() {
        Random random = new Random(7000);
        for (int i = 0; i < 500; i++) {
            int length = 8 + random.nextInt(60);
            byte[] m = new byte[length];
            random.nextBytes(m);
            ByteBuffer.wrap(m).putInt(0, length).putInt(4, random.nextBoolean() ? 6 : 1);
            if (random.nextBoolean() && length >= 36) {
                System.arraycopy("VDO Live".getBytes(), 0, m, 24, 8);
            }
            assertEquals(length, send(m).outputPayload().length);
        }
        assertEquals(0, gateway.counter("helper.failures"));
        assertTrue(gateway.expectations().size() <= 1);
    }
}
