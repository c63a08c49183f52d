package masq.helper.quake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import masq.api.admin.ExpectationDTO;
import masq.engine.nat.Mapping;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * The Quake helper through the real engine: the client 192.168.0.2:27001 connects to the NetQuake
 * server 198.51.100.26:26000 through 203.0.113.1; the server accepts on its new port 26001
 * (protocols.md §5.4's vector {@code 80 00 00 09 81 91 65 00 00}).
 */
class QuakeHelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "198.51.100.26";
    static final String GATEWAY = "203.0.113.1";
    static final byte[] CONNECT = hex("8000000c015155414b450003");
    static final byte[] ACCEPT_26001 = hex("8000000981916500" + "00");
    static final byte[] REJECT = hex("8000000a8266756c6c00");

    /** One client's flow to the server through the gateway. */
    static final class Quake {
        final HelperHarness gateway;
        final int masqPort;

        Quake(Mapping mapping) {
            gateway = HelperHarness.builder().engine(b -> b.mapping(mapping))
                    .helper(new QuakeHelper(), properties()).build();
            masqPort = Packets.sourcePort(clientTo(26000, CONNECT).output());
        }

        HelperStep clientTo(int serverPort, byte[] payload) {
            return gateway.outbound(Packets.udp(CLIENT, 27001, SERVER, serverPort).payload(payload).build());
        }

        HelperStep serverFrom(int serverPort, byte[] payload) {
            return gateway.inbound(Packets.udp(SERVER, serverPort, GATEWAY, masqPort).payload(payload).build());
        }

        long refusals(String reason) {
            return gateway.refusals("quake").getOrDefault(reason, 0L);
        }

        /** The accepted client's traffic on the new port, both ways, on the connect's gateway port. */
        void assertTheNewPortWorks() {
            HelperStep first = serverFrom(26001, hex("00090000000000010a"));
            assertTrue(first.forwardedInside(), "the server's first packet from its new port: " + first);
            assertEquals(27001, Packets.destinationPort(first.output()));
            HelperStep answer = clientTo(26001, hex("000a00000000000101"));
            assertTrue(answer.forwardedOutside());
            assertEquals(masqPort, Packets.sourcePort(answer.output()), "the same gateway port: no forged packet");
        }
    }

    static Map<String, Object> properties() {
        Map<String, Object> p = new java.util.HashMap<>(HelperHarness.properties("quake", "udp", 26000));
        p.put(masq.api.MasqHelper.MAX_EXPECTED, 1);
        p.put(masq.api.MasqHelper.EXPECT_TIMEOUT_SECONDS, QuakeHelper.ACCEPT_TIMEOUT_SECONDS);
        return p;
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    private final Quake q = new Quake(Mapping.ENDPOINT_INDEPENDENT);

    @Test
    void protocols5_4_anAcceptOpensTheNewServerPortOnTheSameGatewayPortAndChangesNothing() {
        HelperStep accept = q.serverFrom(26000, ACCEPT_26001);
        assertTrue(accept.forwardedInside());
        assertArrayEquals(ACCEPT_26001, accept.outputPayload(), "the client-inside accept is not edited");
        List<ExpectationDTO> pending = q.gateway.expectations();
        assertEquals(1, pending.size());
        assertEquals(List.of(SERVER, "26001", "" + q.masqPort, CLIENT, "27001"), List.of(pending.get(0).remoteAddress,
                "" + pending.get(0).remotePort, "" + pending.get(0).gatewayPort, pending.get(0).insideAddress,
                "" + pending.get(0).insidePort));
        q.assertTheNewPortWorks();
        assertTrue(q.gateway.expectations().isEmpty());
    }

    @Test
    void underPortDependentMappingTheClientsFirstPacketToTheNewPortKeepsTheGatewayPort() {
        Quake linux22 = new Quake(Mapping.ADDRESS_AND_PORT_DEPENDENT);
        linux22.serverFrom(26000, ACCEPT_26001);
        HelperStep first = linux22.clientTo(26001, hex("000a00000000000101"));
        assertEquals(linux22.masqPort, Packets.sourcePort(first.output()));
        assertTrue(linux22.serverFrom(26001, hex("00090000000000010a")).forwardedInside());
    }

    @Test
    void underPortDependentMappingWithoutTheHelperTheClientMovesToAnotherPort() {
        HelperHarness plain = HelperHarness.builder().engine(b -> b.mapping(Mapping.ADDRESS_AND_PORT_DEPENDENT)).build();
        int first = Packets.sourcePort(plain.outbound(Packets.udp(CLIENT, 27001, SERVER, 26000).payload(CONNECT).build())
                .output());
        plain.inbound(Packets.udp(SERVER, 26000, GATEWAY, first).payload(ACCEPT_26001).build());
        int second = Packets.sourcePort(plain.outbound(Packets.udp(CLIENT, 27001, SERVER, 26001).payload("x").build())
                .output());
        assertTrue(second != first, "the server would see a forged packet from " + second);
    }

    @Test
    void aRejectEndsTheConnectAndALaterAcceptIsUnsolicited() {
        q.serverFrom(26000, REJECT);
        q.serverFrom(26000, ACCEPT_26001);
        assertTrue(q.gateway.expectations().isEmpty());
        assertEquals(1, q.refusals(QuakeHelper.REFUSED_UNSOLICITED));
    }

    @Test
    void anAcceptWithoutAConnectOpensNothing() {
        HelperHarness g = HelperHarness.builder().helper(new QuakeHelper(), properties()).build();
        int port = Packets.sourcePort(g.outbound(Packets.udp(CLIENT, 27001, SERVER, 26000).payload("hello").build())
                .output());
        g.inbound(Packets.udp(SERVER, 26000, GATEWAY, port).payload(ACCEPT_26001).build());
        assertTrue(g.expectations().isEmpty());
        assertEquals(1, g.refusals("quake").get(QuakeHelper.REFUSED_UNSOLICITED));
    }

    @Test
    void oneAcceptPerConnect() {
        q.serverFrom(26000, ACCEPT_26001);
        q.serverFrom(26000, hex("8000000981936500" + "00"));
        assertEquals(1, q.gateway.expectations().size());
        assertEquals(26001, q.gateway.expectations().get(0).remotePort);
        assertEquals(1, q.refusals(QuakeHelper.REFUSED_UNSOLICITED));
    }

    @Test
    void aRetriedConnectIsAcceptedAgain() {
        q.serverFrom(26000, ACCEPT_26001);
        q.clientTo(26000, CONNECT);
        q.serverFrom(26000, ACCEPT_26001);
        assertEquals(1, q.gateway.expectations().size(), "the helper's limit of 1: the second replaced the first");
        q.assertTheNewPortWorks();
    }

    @Test
    void anAcceptKeepingTheServersPortNeedsNothing() {
        q.serverFrom(26000, hex("8000000981906500" + "00"));
        assertTrue(q.gateway.expectations().isEmpty());
        assertTrue(q.gateway.refusals("quake").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8000000981000000" + "00", "8000000981ff0300" + "00", "8000000981150000" + "00"})
    void aPrivilegedPortIsRefused(String accept) {
        q.serverFrom(26000, hex(accept));
        assertTrue(q.gateway.expectations().isEmpty());
        assertEquals(1, q.refusals(QuakeHelper.REFUSED_PORT_PRIVILEGED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8000000981916501" + "00", "8000000981916500" + "01", "80000008819165" + "00"})
    void aPortWordWithHighBitsOrTooShortIsRefused(String accept) {
        q.serverFrom(26000, hex(accept));
        assertTrue(q.gateway.expectations().isEmpty());
        assertEquals(1, q.refusals(QuakeHelper.REFUSED_PORT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8000000881916500" + "00", "8000000a81916500" + "00", "8000ffff8191650000",
        "80000000819165000000"})
    void aLengthFieldThatIsNotTheDatagramsIsRefused(String accept) {
        q.serverFrom(26000, hex(accept));
        assertTrue(q.gateway.expectations().isEmpty());
        assertEquals(1, q.refusals(QuakeHelper.REFUSED_LENGTH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8000000c01515541424500" + "03", "8000000c015155414b4500" + "02",
        "8000000b015155414b4500", "8000000501"})
    void aConnectForAnotherGameOrVersionArmsNothing(String connect) {
        HelperHarness g = HelperHarness.builder().helper(new QuakeHelper(), properties()).build();
        int port = Packets.sourcePort(g.outbound(Packets.udp(CLIENT, 27001, SERVER, 26000).payload(hex(connect)).build())
                .output());
        g.inbound(Packets.udp(SERVER, 26000, GATEWAY, port).payload(ACCEPT_26001).build());
        assertTrue(g.expectations().isEmpty());
        assertEquals(Map.of(QuakeHelper.REFUSED_GAME, 1L, QuakeHelper.REFUSED_UNSOLICITED, 1L), g.refusals("quake"));
    }

    @Test
    void anAcceptFromTheClientIsIgnored() {
        HelperStep step = q.clientTo(26000, ACCEPT_26001);
        assertTrue(step.forwardedOutside());
        q.serverFrom(26000, REJECT);
        assertTrue(q.gateway.expectations().isEmpty());
    }

    @Test
    void theServerNamingAnotherPortDoesNotLetOthersIn() {
        q.serverFrom(26000, ACCEPT_26001);
        HelperStep forged = q.serverFrom(26002, hex("0009000000000001ff"));
        assertTrue(forged.dropped(), "another server port is still filtered");
        HelperStep otherHost = q.gateway.inbound(Packets.udp("198.51.100.27", 26001, GATEWAY, q.masqPort)
                .payload(hex("0009000000000001ff")).build());
        assertTrue(otherHost.dropped(), "another address is still filtered");
        assertEquals(1, q.gateway.expectations().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffffffff676574636861", "ffffffff636f6e6e656374", "80", "8000", "800000", "80000005"})
    void quakeWorldAndTruncatedPacketsPassUntouched(String payload) {
        HelperStep step = q.clientTo(26000, hex(payload));
        assertTrue(step.forwardedOutside());
        assertArrayEquals(hex(payload), step.outputPayload());
        HelperStep back = q.serverFrom(26000, hex(payload));
        assertTrue(back.forwardedInside());
        assertTrue(q.gateway.expectations().isEmpty());
    }

    @Test
    void aMappingsTimeoutEndsAnUnusedAccept() {
        q.serverFrom(26000, ACCEPT_26001);
        q.gateway.advanceSeconds(QuakeHelper.ACCEPT_TIMEOUT_SECONDS + 1);
        assertTrue(q.gateway.expectations().isEmpty());
        assertTrue(q.serverFrom(26001, hex("00090000000000010a")).dropped());
    }

    @ParameterizedTest
    @EnumSource(Mapping.class)
    void randomDatagramsNeverThrowAndNeverChangeAByte(Mapping mapping) {
        Quake t = new Quake(mapping);
        Random random = new Random(26000);
        for (int i = 0; i < 2000; i++) {
            byte[] payload = new byte[1 + random.nextInt(40)];
            random.nextBytes(payload);
            if (random.nextBoolean()) {
                payload[0] = (byte) 0x80;
                if (payload.length > 1) {
                    payload[1] = 0;
                }
            }
            HelperStep step = random.nextBoolean() ? t.clientTo(26000, payload) : t.serverFrom(26000, payload);
            assertArrayEquals(payload, step.outputPayload());
        }
        assertEquals(0, t.gateway.counter("helper.failures"), "the helper never threw");
        assertTrue(t.gateway.expectations().size() <= 1, "bounded: one pending accept");
    }
}
