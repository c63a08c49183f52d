package masq.helper.icq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.admin.ExpectationDTO;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * The ICQ v5 helper through the real engine: the client 192.168.0.2:3000 logs in to the server
 * 198.51.100.5:4000, masqueraded from 203.0.113.1; protocols.md §6.1's login, then every way a
 * login can be wrong or hostile.
 */
class IcqHelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String OTHER = "192.168.0.3";
    static final String SERVER = "198.51.100.5";
    static final String PEER = "198.51.100.77";
    static final String PEER2 = "198.51.100.78";
    static final String GATEWAY = "203.0.113.1";
    /** The vector's bytes after the mode byte: status, TCP version and constants. */
    static final byte[] TAIL = Arrays.copyOfRange(V5CryptTest.PLAIN, 50, V5CryptTest.PLAIN.length);

    private final HelperHarness gateway = HelperHarness.builder().engine(b -> b.ports(61000, 61999))
            .helper(new IcqHelper(), properties()).build();

    static Map<String, Object> properties() {
        Map<String, Object> p = new java.util.HashMap<>(HelperHarness.properties("icq", "udp", 4000));
        p.put(MasqHelper.MAX_EXPECTED, 1);
        return p;
    }

    /** A plaintext LOGIN as protocols.md §6.1 lays it out. */
    static byte[] login(long port, String password, String address, int passwordLengthField) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(HexFormat.of().parseHex("0500" + "00000000" + "40e20100" + "0df0ad0b" + "e803" + "3412" + "0100"
                + "00000000" + "4d3c2b3a"));
        b.writeBytes(le32((int) port));
        b.writeBytes(new byte[] {(byte) passwordLengthField, (byte) (passwordLengthField >>> 8)});
        b.writeBytes((password + "\0").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(le32(0x98));
        int a = Ipv4.parse(address);
        b.writeBytes(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a, 4});
        b.writeBytes(TAIL);
        return b.toByteArray();
    }

    static byte[] login(long port, String address) {
        return login(port, "secret", address, 7);
    }

    static byte[] scrambled(byte[] plain) {
        byte[] b = plain.clone();
        V5Crypt.encrypt(b, 0, b.length, 30, 0x42);
        return b;
    }

    private HelperStep send(byte[] payload) {
        return gateway.outbound(Packets.udp(CLIENT, 3000, SERVER, 4000).payload(payload).build());
    }

    /** The datagram's payload as it left, unscrambled (its checkcode must fit). */
    private static byte[] unscrambledOutput(HelperStep step) {
        byte[] b = step.outputPayload();
        assertTrue(V5Crypt.decrypt(b, 0, b.length) >= 0, "the checkcode that left fits its plaintext");
        return b;
    }

    private Map<String, Long> refusals() {
        return gateway.refusals("icq");
    }

    private void assertUnchanged(HelperStep step, String refusal) {
        assertTrue(step.forwardedOutside(), "forwarded");
        assertArrayEquals(step.inputPayload(), step.outputPayload(), "left unchanged");
        assertEquals(List.of(), gateway.expectations(), "nothing expected");
        assertEquals(refusal == null ? Map.of() : Map.of(refusal, 1L), refusals());
    }

    private void peerReachesTheClient(String peer, int peerPort, int gatewayPort, int clientPort) {
        HelperStep syn = gateway.inbound(Packets.tcp(peer, peerPort, GATEWAY, gatewayPort).flags(Packets.SYN).build());
        assertTrue(syn.forwardedInside(), peer + " reaches the client: " + syn);
        assertEquals(CLIENT, Packets.destination(syn.output()));
        assertEquals(clientPort, Packets.destinationPort(syn.output()));
    }

    // ---- the happy cases

    @Test
    void theVectorsLoginNamesTheGatewayAndAGatewayPortOpenToEveryPeer() {
        HelperStep step = send(V5CryptTest.SCRAMBLED);
        byte[] plain = unscrambledOutput(step);
        byte[] want = login(61000, GATEWAY);
        assertArrayEquals(want, plain, "port 2000 became tcp 61000, 192.168.0.2 became 203.0.113.1, nothing else");
        assertEquals(V5CryptTest.SCRAMBLED.length, step.outputPayload().length);
        ExpectationDTO e = gateway.expectations().get(0);
        assertEquals("tcp", e.transport);
        assertEquals("*", e.remoteAddress, "the peers are other users");
        assertEquals(61000, e.gatewayPort);
        assertEquals(2000, e.insidePort);
        assertEquals(-1, e.secondsLeft, "open while the login flow lives");
        peerReachesTheClient(PEER, 50000, 61000, 2000);
        peerReachesTheClient(PEER2, 50001, 61000, 2000);
        peerReachesTheClient(PEER, 50002, 61000, 2000);
        assertEquals(Map.of(), refusals());
    }

    @Test
    void aRetransmittedLoginLeavesAsTheFirstDidWithOneExpectation() {
        byte[] first = send(V5CryptTest.SCRAMBLED).outputPayload();
        byte[] again = send(V5CryptTest.SCRAMBLED).outputPayload();
        assertArrayEquals(first, again);
        assertEquals(1, gateway.expectations().size());
    }

    @Test
    void aLoginWithAnotherPortMovesTheOpening() {
        send(V5CryptTest.SCRAMBLED);
        send(scrambled(login(3456, CLIENT)));
        assertEquals(1, gateway.expectations().size(), "the helper keeps one per login flow");
        assertEquals(3456, gateway.expectations().get(0).insidePort);
    }

    @Test
    void otherCommandsAndServerPacketsPassUnchanged() {
        byte[] keepAlive = login(2000, CLIENT);
        keepAlive[14] = 0x2E;
        keepAlive[15] = 0x04; // CMD_KEEP_ALIVE
        assertUnchanged(send(scrambled(keepAlive)), null);
        byte[] server = HexFormat.of().parseHex("0500000df0ad0b5a0001000000000040e20100000000");
        HelperStep in = gateway.inbound(Packets.udp(SERVER, 4000, GATEWAY, 61000).payload(server).build());
        assertArrayEquals(server, in.outputPayload());
    }

    @Test
    void aOneToOneNatHostsLoginNamesItsOwnAddressAndPort() {
        HelperHarness g = HelperHarness.builder().engine(b -> b.ports(61000, 61999))
                .helper(new IcqHelper(), properties()).build();
        g.staticNat(CLIENT, "203.0.113.50");
        HelperStep step = g.outbound(Packets.udp(CLIENT, 3000, SERVER, 4000).payload(V5CryptTest.SCRAMBLED).build());
        assertArrayEquals(login(2000, "203.0.113.50"), unscrambledOutput(step));
    }

    // ---- hostile and broken logins

    @Test
    void aLoginNamingAnotherInsideHostOpensNothing() {
        assertUnchanged(send(scrambled(login(2000, OTHER))), IcqHelper.REFUSED_ADDRESS);
    }

    @Test
    void aPrivilegedPortIsRefused() {
        assertUnchanged(send(scrambled(login(22, CLIENT))), IcqHelper.REFUSED_PORT_PRIVILEGED);
    }

    @Test
    void aPortBeyond16BitsIsRefused() {
        assertUnchanged(send(scrambled(login(0x1_07D0L, CLIENT))), IcqHelper.REFUSED_MALFORMED);
    }

    @Test
    void aPasswordLengthReachingBeyondThePacketIsRefused() {
        assertUnchanged(send(scrambled(login(2000, "secret", CLIENT, 0xFFFF))), IcqHelper.REFUSED_MALFORMED);
    }

    @Test
    void aPasswordLengthLeavingTheModeByteOneBeyondTheEndIsRefused() {
        byte[] plain = login(2000, CLIENT);
        byte[] cut = Arrays.copyOf(plain, 49); // up to the address, without the mode byte
        assertUnchanged(send(scrambled(cut)), IcqHelper.REFUSED_MALFORMED);
    }

    @Test
    void aTruncatedHeaderIsCountedShort() {
        assertUnchanged(send(Arrays.copyOf(V5CryptTest.SCRAMBLED, 20)), IcqHelper.REFUSED_SHORT);
    }

    @Test
    void aTamperedLoginWhoseCheckcodeNoLongerFitsIsNotRead() {
        byte[] b = V5CryptTest.SCRAMBLED.clone();
        b[30] ^= 0x10;
        assertUnchanged(send(b), IcqHelper.REFUSED_CHECKCODE);
    }

    @Test
    void aLoginCutShortInTransitIsNotRead() {
        assertUnchanged(send(Arrays.copyOf(V5CryptTest.SCRAMBLED, 60)), IcqHelper.REFUSED_CHECKCODE);
    }

    @Test
    void anOverlongDatagramIsNotRead() {
        byte[] b = Arrays.copyOf(V5CryptTest.SCRAMBLED, IcqHelper.MAX_PACKET + 1);
        assertUnchanged(send(b), IcqHelper.REFUSED_TOO_LONG);
    }

    @Test
    void aLoopbackOrZeroAddressOrPortZeroOffersNoDirectConnections() {
        assertUnchanged(send(scrambled(login(2000, "127.0.0.1"))), null);
        assertUnchanged(send(scrambled(login(2000, "0.0.0.0"))), null);
        assertUnchanged(send(scrambled(login(0, CLIENT))), null);
    }

    @Test
    void olderVersionsAndServerShapedPacketsFromTheClientAreNotRead() {
        byte[] v4 = V5CryptTest.SCRAMBLED.clone();
        v4[0] = 4;
        assertUnchanged(send(v4), null);
        byte[] notClient = V5CryptTest.SCRAMBLED.clone();
        notClient[3] = 1; // a server's header has a non-zero value here
        assertUnchanged(send(notClient), null);
    }

    @Test
    void theOpeningClosesWithTheLoginFlow() {
        send(V5CryptTest.SCRAMBLED);
        gateway.advanceSeconds(3600);
        assertEquals(List.of(), gateway.expectations());
        HelperStep syn = gateway.inbound(Packets.tcp(PEER, 50000, GATEWAY, 61000).flags(Packets.SYN).build());
        assertTrue(syn.dropped(), "the port closed with the session");
    }

    @Test
    void randomlyDamagedLoginsNeverThrowNeverResizeAndNeverOpenAnotherHost() {
        Random random = new Random(2000);
        for (int i = 0; i < 3000; i++) {
            byte[] b = V5CryptTest.SCRAMBLED.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                b[2 + random.nextInt(b.length - 2)] ^= (byte) (1 + random.nextInt(255));
            }
            byte[] cut = random.nextInt(4) == 0 ? Arrays.copyOf(b, random.nextInt(b.length)) : b;
            HelperStep step = send(cut);
            assertTrue(step.forwardedOutside(), "never dropped");
            assertEquals(cut.length, step.outputPayload().length);
        }
        assertEquals(0, gateway.counter("helper.failures"));
        for (ExpectationDTO e : gateway.expectations()) {
            assertEquals(CLIENT, e.insideAddress);
            assertTrue(e.insidePort >= IcqHelper.MIN_PORT);
        }
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
