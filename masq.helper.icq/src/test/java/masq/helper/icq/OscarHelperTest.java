package masq.helper.icq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * The OSCAR helper through the real engine: the client 192.168.0.2:40000 on a BOS server
 * 198.51.100.5:5190, masqueraded from 203.0.113.1 (tcp 61000); its DC info and rendezvous
 * proposals, FLAPs across segments, and the hostile and broken ones.
 */
class OscarHelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "198.51.100.5";
    static final String PEER = "198.51.100.77";
    static final String GATEWAY = "203.0.113.1";

    final HelperHarness gateway = HelperHarness.builder().engine(b -> b.ports(61000, 61999))
            .helper(new OscarHelper(), properties(5190)).build();
    long clientSeq = 1000;
    long serverSeq = 5000;
    int flapSeq = 1;

    OscarHelperTest() {
        gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, 5190).flags(Packets.SYN).seq(clientSeq - 1).build());
        gateway.inbound(Packets.tcp(SERVER, 5190, GATEWAY, 61000).flags(Packets.SYN | Packets.ACK)
                .seq(serverSeq - 1).ack(clientSeq).build());
    }

    static Map<String, Object> properties(int port) {
        Map<String, Object> p = new java.util.HashMap<>(HelperHarness.properties("oscar", "tcp", port));
        p.put(MasqHelper.MAX_EXPECTED, OscarHelper.MAX_EXPECTED);
        p.put(MasqHelper.EXPECT_TIMEOUT_SECONDS, OscarHelper.PROPOSAL_TIMEOUT_SECONDS);
        return p;
    }

    // ---- builders

    static byte[] tlv(int type, byte[] value) {
        return cat(u16(type), u16(value.length), value);
    }

    static byte[] snac(int family, int subtype, byte[] data) {
        return cat(u16(family), u16(subtype), u16(0), new byte[] {0, 0, 0, 7}, data);
    }

    byte[] flap(int channel, byte[] data) {
        return cat(new byte[] {0x2A, (byte) channel}, u16(flapSeq++), u16(data.length), data);
    }

    /** TLV 0x000C: address, port (32 bits), type 4, version 8, cookie, and the rest of its 37 bytes. */
    static byte[] dcInfo(String address, long port) {
        return tlv(0x000C, cat(ip(address), u32((int) port), new byte[] {4, 0, 8}, new byte[28]));
    }

    byte[] setStatus(byte[] dc) {
        return flap(2, snac(1, 0x1E, cat(tlv(0x0006, u32(0x0000_0000)), dc)));
    }

    /** A channel-2 ICBM to "bob" whose rendezvous holds {@code inner}, message type {@code type}. */
    byte[] rendezvous(int type, byte[] inner) {
        byte[] header = cat(u16(type), new byte[8], new byte[16]);
        byte[] data = cat(new byte[8], u16(2), new byte[] {3}, "bob".getBytes(StandardCharsets.US_ASCII),
                tlv(0x0005, cat(header, inner)));
        return flap(2, snac(4, 6, data));
    }

    static byte[] proposal(String address, int port) {
        int a = Ipv4.parse(address);
        return cat(tlv(0x000A, u16(1)), tlv(0x0002, ip(address)), tlv(0x0016, u32(~a)), tlv(0x0003, ip(address)),
                tlv(0x0005, u16(port)), tlv(0x0017, u16(~port & 0xFFFF)), tlv(0x000F, new byte[0]));
    }

    HelperStep out(byte[] payload) {
        HelperStep step = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, 5190).flags(Packets.ACK)
                .seq(clientSeq).ack(serverSeq).payload(payload).build());
        clientSeq += payload.length;
        return step;
    }

    /** The server acknowledges everything the client sent, as it would. */
    void ack() {
        gateway.inbound(Packets.tcp(SERVER, 5190, GATEWAY, 61000).flags(Packets.ACK).seq(serverSeq).ack(clientSeq)
                .build());
    }

    Map<String, Long> refusals() {
        return gateway.refusals("oscar");
    }

    void assertUnchanged(HelperStep step, String refusal) {
        assertTrue(step.forwardedOutside(), "forwarded");
        assertArrayEquals(step.inputPayload(), step.outputPayload(), "left unchanged");
        assertEquals(List.of(), gateway.expectations(), "nothing expected");
        assertEquals(refusal == null ? Map.of() : Map.of(refusal, 1L), refusals());
    }

    void peerReachesTheClient(int peerPort, int gatewayPort, int clientPort) {
        HelperStep syn = gateway.inbound(Packets.tcp(PEER, peerPort, GATEWAY, gatewayPort).flags(Packets.SYN).build());
        assertTrue(syn.forwardedInside(), "the peer reaches the client: " + syn);
        assertEquals(clientPort, Packets.destinationPort(syn.output()));
    }

    // ---- the happy cases

    @Test
    void theDcInfoNamesTheGatewayAndAPortOpenWhileTheConnectionLives() {
        byte[] sent = setStatus(dcInfo(CLIENT, 5000));
        flapSeq--;
        byte[] want = setStatus(dcInfo(GATEWAY, 61001));
        assertArrayEquals(want, out(sent).outputPayload());
        ExpectationDTO e = gateway.expectations().get(0);
        assertEquals("*", e.remoteAddress);
        assertEquals(5000, e.insidePort);
        assertEquals(-1, e.secondsLeft);
        peerReachesTheClient(50000, 61001, 5000);
        peerReachesTheClient(50001, 61001, 5000);
        assertEquals(Map.of(), refusals());
    }

    @Test
    void aRendezvousProposalNamesTheGatewayWithItsChecksAndIsExpectedOnce() {
        byte[] sent = rendezvous(0, proposal(CLIENT, 4443));
        flapSeq--;
        byte[] want = rendezvous(0, proposal(GATEWAY, 61001));
        assertArrayEquals(want, out(sent).outputPayload(), "0x0002, 0x0003, 0x0005 and their complements");
        ExpectationDTO e = gateway.expectations().get(0);
        assertEquals(4443, e.insidePort);
        assertTrue(e.secondsLeft > 0, "one connection, within its time");
        peerReachesTheClient(50000, 61001, 4443);
        assertEquals(List.of(), gateway.expectations());
    }

    @Test
    void aFlapSplitOverThreeSegmentsIsRewrittenWhole() {
        byte[] sent = setStatus(dcInfo(CLIENT, 5000));
        flapSeq--;
        byte[] want = setStatus(dcInfo(GATEWAY, 61001));
        ByteArrayOutputStream left = new ByteArrayOutputStream();
        left.writeBytes(out(Arrays.copyOfRange(sent, 0, 3)).outputPayload());
        left.writeBytes(out(Arrays.copyOfRange(sent, 3, 30)).outputPayload());
        left.writeBytes(out(Arrays.copyOfRange(sent, 30, sent.length)).outputPayload());
        assertArrayEquals(want, left.toByteArray());
    }

    @Test
    void twoFlapsInOneSegmentAreBothRead() {
        byte[] first = setStatus(dcInfo(CLIENT, 5000));
        byte[] second = rendezvous(0, proposal(CLIENT, 4443));
        HelperStep step = out(cat(first, second));
        assertEquals(2, gateway.expectations().size());
        assertEquals(first.length + second.length, step.outputPayload().length);
    }

    @Test
    void theServersStreamIsNotExamined() {
        byte[] fromServer = setStatus(dcInfo(GATEWAY, 61001));
        HelperStep step = gateway.inbound(Packets.tcp(SERVER, 5190, GATEWAY, 61000).flags(Packets.ACK)
                .seq(serverSeq).ack(clientSeq).payload(fromServer).build());
        assertArrayEquals(fromServer, step.outputPayload());
        assertEquals(Map.of(), refusals());
    }

    // ---- hostile and broken

    @Test
    void dcInfoNamingAnotherHostOpensNothing() {
        assertUnchanged(out(setStatus(dcInfo("192.168.0.3", 5000))), OscarHelper.REFUSED_ADDRESS);
    }

    @Test
    void aPrivilegedDcPortIsRefused() {
        assertUnchanged(out(setStatus(dcInfo(CLIENT, 21))), OscarHelper.REFUSED_PORT_PRIVILEGED);
    }

    @Test
    void aDcPortBeyond16BitsIsRefused() {
        assertUnchanged(out(setStatus(dcInfo(CLIENT, 0x1_1388L))), OscarHelper.REFUSED_MALFORMED);
    }

    @Test
    void aShortDcInfoTlvIsRefused() {
        assertUnchanged(out(setStatus(tlv(0x000C, ip(CLIENT)))), OscarHelper.REFUSED_MALFORMED);
    }

    @Test
    void aTlvOverrunningItsFlapIsRefused() {
        byte[] dc = dcInfo(CLIENT, 5000);
        dc[3] = (byte) 200; // its length reaches beyond the FLAP
        assertUnchanged(out(setStatus(dc)), OscarHelper.REFUSED_MALFORMED);
    }

    @Test
    void aSnacExtraBlockOverrunningItsFlapIsRefused() {
        byte[] s = snac(1, 0x1E, cat(u16(300), dcInfo(CLIENT, 5000)));
        s[4] = (byte) 0x80; // flags: an extra block of 300 bytes follows
        assertUnchanged(out(flap(2, s)), OscarHelper.REFUSED_MALFORMED);
    }

    @Test
    void aStreamThatDoesNotBeginAsFlapIsNotFramed() {
        byte[] http = "POST /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        HelperStep step = out(http);
        assertArrayEquals(http, step.outputPayload(), "passed at once, not held as a record");
        HelperStep later = out(setStatus(dcInfo(CLIENT, 5000)));
        assertArrayEquals(later.inputPayload(), later.outputPayload());
        assertEquals(List.of(), gateway.expectations());
        assertEquals(Map.of(), refusals());
    }

    @Test
    void aRecordThatIsNotFlapMidStreamLeavesTheRestAlone() {
        out(flap(1, u32(1)));
        byte[] bogus = {0x41, 0x42, 0, 0, 0, 2, 0x43, 0x44};
        out(bogus);
        HelperStep later = out(setStatus(dcInfo(CLIENT, 5000)));
        assertArrayEquals(later.inputPayload(), later.outputPayload());
        assertEquals(List.of(), gateway.expectations());
        assertEquals(Map.of(OscarHelper.REFUSED_NOT_FLAP, 1L), refusals());
    }

    @Test
    void aProposalNamingAnotherHostOpensNothing() {
        assertUnchanged(out(rendezvous(0, proposal("10.9.9.9", 4443))), OscarHelper.REFUSED_ADDRESS);
    }

    @Test
    void aProposalWithOneForeignAddressAmongOwnOnesOpensNothing() {
        byte[] inner = cat(tlv(0x0002, ip(CLIENT)), tlv(0x0003, ip("192.168.0.9")), tlv(0x0005, u16(4443)));
        assertUnchanged(out(rendezvous(0, inner)), OscarHelper.REFUSED_ADDRESS);
    }

    @Test
    void aProposalThroughAProxyCancelsAndAcceptsAreLeftAlone() {
        assertUnchanged(out(rendezvous(0, cat(proposal(CLIENT, 4443), tlv(0x0010, new byte[0])))), null);
        assertUnchanged(out(rendezvous(1, proposal(CLIENT, 4443))), null);
        assertUnchanged(out(rendezvous(2, new byte[0])), null);
    }

    @Test
    void aProposalPortOfFourBytesIsRefused() {
        byte[] inner = cat(tlv(0x0003, ip(CLIENT)), tlv(0x0005, u32(4443)));
        assertUnchanged(out(rendezvous(0, inner)), OscarHelper.REFUSED_MALFORMED);
    }

    @Test
    void aPrivilegedProposalPortIsRefused() {
        assertUnchanged(out(rendezvous(0, proposal(CLIENT, 80))), OscarHelper.REFUSED_PORT_PRIVILEGED);
    }

    @Test
    void aScreenNameLongerThanTheFlapIsRefused() {
        byte[] data = cat(new byte[8], u16(2), new byte[] {(byte) 250}, "bob".getBytes(StandardCharsets.US_ASCII));
        assertUnchanged(out(flap(2, snac(4, 6, data))), OscarHelper.REFUSED_MALFORMED);
    }

    @Test
    void aRendezvousTlvShorterThanItsHeaderIsRefused() {
        byte[] data = cat(new byte[8], u16(2), new byte[] {3}, "bob".getBytes(StandardCharsets.US_ASCII),
                tlv(0x0005, new byte[10]));
        assertUnchanged(out(flap(2, snac(4, 6, data))), OscarHelper.REFUSED_MALFORMED);
    }

    @Test
    void sixteenProposalsReplaceTheOldestButStayBounded() {
        for (int i = 0; i < 40; i++) {
            out(rendezvous(0, proposal(CLIENT, 4000 + i)));
            ack();
        }
        assertEquals(OscarHelper.MAX_EXPECTED, gateway.expectations().size());
    }

    @Test
    void randomlyDamagedFlapsNeverThrowNeverResizeAndNeverOpenAnotherHost() {
        Random random = new Random(5190);
        for (int i = 0; i < 2000; i++) {
            byte[] b = random.nextBoolean() ? setStatus(dcInfo(CLIENT, 5000)) : rendezvous(0, proposal(CLIENT, 4443));
            for (int f = 0; f < 1 + random.nextInt(3); f++) {
                b[6 + random.nextInt(b.length - 6)] ^= (byte) (1 + random.nextInt(255));
            }
            HelperStep step = out(b);
            assertTrue(step.forwardedOutside(), "never dropped");
            assertEquals(b.length, step.outputPayload().length, i + ": " + step);
            ack();
        }
        assertEquals(0, gateway.counter("helper.failures"));
        for (ExpectationDTO e : gateway.expectations()) {
            assertEquals(CLIENT, e.insideAddress);
            assertTrue(e.insidePort >= OscarHelper.MIN_PORT);
        }
    }

    // ---- bytes

    static byte[] ip(String dotted) {
        return u32(Ipv4.parse(dotted));
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
