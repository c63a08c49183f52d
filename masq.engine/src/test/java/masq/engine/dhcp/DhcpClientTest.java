package masq.engine.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import masq.api.Ipv4;
import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;

/**
 * The outside interface's DHCP client (RFC 2131 §4.4) against a scripted server: acquisition,
 * renewal, a renewal that hands out another address, NAK, rebinding, expiry, release, and
 * retransmission; then replies of every bad kind, which are counted by reason and change nothing.
 */
class DhcpClientTest {
    private static final long MAC = 0x02_00_00_00_00_01L;
    private static final long SERVER_MAC = 0x02_00_00_00_00_feL;
    private static final int SERVER = Ipv4.parse("203.0.113.254");
    private static final int OFFERED = Ipv4.parse("203.0.113.7");
    private static final int MASK_24 = 0xffffff00;
    private static final long S = 1_000_000_000L;

    private final List<byte[]> sent = new ArrayList<>();
    private final List<DhcpLease> changes = new ArrayList<>();
    private final Random random = new Random(7);
    private final DhcpClient client = new DhcpClient(MAC, sent::add, changes::add, random::nextInt);
    private long now = 1000 * S;

    // ---- a scripted server

    /** A server reply to the client's last message, as a builder of its options. */
    private final class Reply {
        int type;
        int yiaddr = OFFERED;
        int xid = lastXid();
        long chaddr = MAC;
        final List<byte[]> options = new ArrayList<>();

        Reply(int type) {
            this.type = type;
            option(DhcpMessage.OPT_MESSAGE_TYPE, type);
            address(DhcpMessage.OPT_SERVER_ID, SERVER);
            if (type != DhcpMessage.NAK) {
                address(DhcpMessage.OPT_SUBNET_MASK, MASK_24);
                address(DhcpMessage.OPT_ROUTER, SERVER);
                address(DhcpMessage.OPT_LEASE_TIME, 120);
            }
        }

        Reply option(int code, int... bytes) {
            byte[] o = new byte[bytes.length + 2];
            o[0] = (byte) code;
            o[1] = (byte) bytes.length;
            for (int i = 0; i < bytes.length; i++) {
                o[i + 2] = (byte) bytes[i];
            }
            options.add(o);
            return this;
        }

        Reply address(int code, int value) {
            return option(code, value >>> 24, value >>> 16 & 0xff, value >>> 8 & 0xff, value & 0xff);
        }

        Reply without(int code) {
            options.removeIf(o -> (o[0] & 0xff) == code);
            return this;
        }

        byte[] frame() {
            int optionBytes = options.stream().mapToInt(o -> o.length).sum() + 1;
            int bootp = 240 + optionBytes;
            byte[] f = new byte[14 + 20 + 8 + bootp];
            for (int i = 0; i < 6; i++) {
                f[i] = (byte) (MAC >>> (40 - 8 * i));
                f[6 + i] = (byte) (SERVER_MAC >>> (40 - 8 * i));
            }
            Bytes.set16(f, 12, 0x0800);
            f[14] = 0x45;
            Bytes.set16(f, 16, 20 + 8 + bootp);
            f[22] = 64;
            f[23] = 17;
            Bytes.set32(f, 26, SERVER);
            Bytes.set32(f, 30, -1);
            Bytes.set16(f, 24, Checksum.compute(f, 14, 20, 0));
            Bytes.set16(f, 34, 67);
            Bytes.set16(f, 36, 68);
            Bytes.set16(f, 38, 8 + bootp);
            int b = 42;
            f[b] = 2;
            f[b + 1] = 1;
            f[b + 2] = 6;
            Bytes.set32(f, b + 4, xid);
            Bytes.set32(f, b + 16, yiaddr);
            for (int i = 0; i < 6; i++) {
                f[b + 28 + i] = (byte) (chaddr >>> (40 - 8 * i));
            }
            Bytes.set32(f, b + 236, 0x63825363);
            int at = b + 240;
            for (byte[] o : options) {
                System.arraycopy(o, 0, f, at, o.length);
                at += o.length;
            }
            f[at] = (byte) 255;
            int sum = Checksum.compute(f, 34, 8 + bootp, Checksum.pseudoHeader(SERVER, -1, 17, 8 + bootp));
            Bytes.set16(f, 40, sum == 0 ? 0xffff : sum);
            return f;
        }
    }

    private int lastXid() {
        return sent.isEmpty() ? 0 : Bytes.get32(last(), 42 + 4);
    }

    private byte[] last() {
        return sent.get(sent.size() - 1);
    }

    private static int type(byte[] frame) {
        return frame[42 + 242] & 0xff; // option 53 comes first
    }

    private void deliver(byte[] frame) {
        client.receive(frame, frame.length, now);
    }

    private void advance(long seconds) {
        for (long i = 0; i < seconds; i++) {
            now += S;
            client.tick(now);
        }
    }

    private void bound() {
        client.start(now);
        assertEquals(DhcpMessage.DISCOVER, type(last()));
        deliver(new Reply(DhcpMessage.OFFER).frame());
        assertEquals(DhcpMessage.REQUEST, type(last()));
        deliver(new Reply(DhcpMessage.ACK).frame());
        assertEquals(DhcpClient.State.BOUND, client.state());
    }

    private Map<String, Long> refusals() {
        return client.refusals();
    }

    // ---- the protocol

    @Test
    @DisplayName("DISCOVER, OFFER, REQUEST naming the offer and its server, ACK: bound with the lease's address, mask and router")
    void acquiresALease() {
        bound();
        byte[] request = sent.get(1);
        assertEquals(-1, Bytes.get32(request, 30), "the REQUEST is broadcast (RFC 2131 §4.4.1)");
        assertEquals(0, Bytes.get32(request, 26), "from 0.0.0.0");
        String text = Arrays.toString(Arrays.copyOfRange(request, 42 + 240, request.length));
        assertTrue(text.contains("50, 4, -53, 0, 113, 7"), "option 50 names the offer: " + text);
        assertTrue(text.contains("54, 4, -53, 0, 113, -2"), "option 54 names its server");
        assertEquals(List.of(new DhcpLease(OFFERED, 24, SERVER, SERVER, SERVER_MAC, 120, 60, 105)), changes);
        assertTrue(client.describe(now).startsWith("bound 203.0.113.7/24, router 203.0.113.254, from 203.0.113.254,"
                + " lease 120 s, renewal in 60 s"), client.describe(now));
    }

    @Test
    @DisplayName("at T1 a unicast REQUEST to the server from the leased address; its ACK renews without a change")
    void renewsAtT1() {
        bound();
        advance(59);
        assertEquals(2, sent.size(), "nothing before T1");
        advance(1);
        byte[] renew = last();
        assertEquals(DhcpClient.State.RENEWING, client.state());
        assertEquals(SERVER_MAC, DhcpMessage.readMac(renew, 0), "unicast to the server's MAC");
        assertEquals(SERVER, Bytes.get32(renew, 30));
        assertEquals(OFFERED, Bytes.get32(renew, 26));
        assertEquals(OFFERED, Bytes.get32(renew, 42 + 12), "ciaddr");
        deliver(new Reply(DhcpMessage.ACK).frame());
        assertEquals(DhcpClient.State.BOUND, client.state());
        assertEquals(1, changes.size(), "the same lease renewed is no change");
    }

    @Test
    @DisplayName("a renewal that hands out another address is a change the listener hears of")
    void aRenewalWithAnotherAddressIsAChange() {
        bound();
        advance(60);
        Reply other = new Reply(DhcpMessage.ACK);
        other.yiaddr = Ipv4.parse("203.0.113.9");
        deliver(other.frame());
        assertEquals(2, changes.size());
        assertEquals("203.0.113.9/24", changes.get(1).cidr());
    }

    @Test
    @DisplayName("a NAK to the renewal loses the lease and starts over with a DISCOVER")
    void aNakLosesTheLease() {
        bound();
        advance(60);
        deliver(new Reply(DhcpMessage.NAK).frame());
        assertNull(changes.get(changes.size() - 1));
        assertEquals(DhcpClient.State.SELECTING, client.state());
        assertEquals(DhcpMessage.DISCOVER, type(last()));
    }

    @Test
    @DisplayName("unanswered renewals: broadcast REQUESTs from T2, and at the lease's end it is lost")
    void rebindsAtT2AndExpires() {
        bound();
        advance(105);
        assertEquals(DhcpClient.State.REBINDING, client.state());
        assertEquals(-1, Bytes.get32(last(), 30), "rebinding is broadcast");
        int renewals = (int) sent.stream().filter(f -> type(f) == DhcpMessage.REQUEST).count() - 1;
        assertTrue(renewals >= 3 && renewals <= 8, renewals + " REQUESTs between T1 and T2");
        advance(15);
        assertNull(changes.get(changes.size() - 1), "lost at 120 s");
        assertEquals(DhcpMessage.DISCOVER, type(last()));
        assertEquals(Map.of("expired", 1L), refusals());
    }

    @Test
    @DisplayName("stop gives the lease back: a RELEASE to its server, from the leased address")
    void stopReleases() {
        bound();
        client.stop();
        assertEquals(DhcpMessage.RELEASE, type(last()));
        assertEquals(OFFERED, Bytes.get32(last(), 42 + 12));
        assertEquals(SERVER_MAC, DhcpMessage.readMac(last(), 0));
        assertEquals(DhcpClient.State.STOPPED, client.state());
    }

    @Test
    @DisplayName("DISCOVERs back off 4, 8, 16 s (±1 s); four unanswered REQUESTs start over with a new transaction")
    void retransmissionsBackOff() {
        client.start(now);
        advance(2);
        assertEquals(1, sent.size());
        advance(3);
        assertEquals(2, sent.size(), "the second DISCOVER after 3 to 5 s");
        advance(9);
        assertEquals(3, sent.size(), "the third 7 to 9 s later");
        int xid = lastXid();
        deliver(new Reply(DhcpMessage.OFFER).frame());
        advance(200);
        assertEquals(DhcpClient.State.SELECTING, client.state());
        assertNotEquals(xid, lastXid(), "a new transaction");
        assertEquals(4, sent.stream().filter(f -> type(f) == DhcpMessage.REQUEST).count());
    }

    @Test
    @DisplayName("a zero lease is taken as 10 s; T1 and T2 the server gives are used when consistent, else the defaults")
    void leaseTimesAreBounded() {
        client.start(now);
        deliver(new Reply(DhcpMessage.OFFER).frame());
        deliver(new Reply(DhcpMessage.ACK).without(DhcpMessage.OPT_LEASE_TIME)
                .address(DhcpMessage.OPT_LEASE_TIME, 0).address(DhcpMessage.OPT_RENEWAL, 9)
                .address(DhcpMessage.OPT_REBINDING, 3).frame());
        assertEquals(new DhcpLease(OFFERED, 24, SERVER, SERVER, SERVER_MAC, 10, 5, 8), client.lease());
        advance(5);
        Reply good = new Reply(DhcpMessage.ACK).address(DhcpMessage.OPT_RENEWAL, 20)
                .address(DhcpMessage.OPT_REBINDING, 40);
        deliver(good.frame());
        assertEquals(20, client.lease().renewSeconds());
        assertEquals(40, client.lease().rebindSeconds());
    }

    @Test
    @DisplayName("a reply whose UDP checksum its sender left to offload (the pseudo-header sum alone) is read")
    void aPartialChecksumIsAccepted() {
        client.start(now);
        byte[] offer = new Reply(DhcpMessage.OFFER).frame();
        int udpLength = Bytes.get16(offer, 38);
        Bytes.set16(offer, 40, Checksum.fold(Checksum.pseudoHeader(SERVER, -1, 17, udpLength)));
        deliver(offer);
        assertEquals(DhcpClient.State.REQUESTING, client.state());
        assertEquals(Map.of(), refusals());
    }

    @Test
    @DisplayName("a T1 of 0 is raised to the retry minimum: the client does not renew at every round trip")
    void aZeroRenewalTimeIsRaised() {
        client.start(now);
        deliver(new Reply(DhcpMessage.OFFER).frame());
        deliver(new Reply(DhcpMessage.ACK).address(DhcpMessage.OPT_RENEWAL, 0).address(DhcpMessage.OPT_REBINDING, 100)
                .frame());
        assertEquals(DhcpClient.MIN_RETRY_SECONDS, client.lease().renewSeconds());
        int before = sent.size();
        advance(DhcpClient.MIN_RETRY_SECONDS - 1);
        assertEquals(before, sent.size(), "no renewal before the minimum");
    }

    // ---- hostile and malformed replies: counted, and nothing changes

    @Test
    @DisplayName("a reply to another transaction or another client's hardware address is not ours")
    void anotherTransactionOrClientIsNotOurs() {
        client.start(now);
        Reply wrongXid = new Reply(DhcpMessage.OFFER);
        wrongXid.xid++;
        deliver(wrongXid.frame());
        Reply wrongMac = new Reply(DhcpMessage.OFFER);
        wrongMac.chaddr = 0x02_00_00_00_00_02L;
        deliver(wrongMac.frame());
        assertEquals(Map.of("not-ours", 2L), refusals());
        assertEquals(DhcpClient.State.SELECTING, client.state());
    }

    @Test
    @DisplayName("an OFFER cut at every length is refused, never thrown on")
    void truncatedAtEveryLength() {
        client.start(now);
        byte[] offer = new Reply(DhcpMessage.OFFER).frame();
        for (int n = 0; n < offer.length - 1; n++) {
            client.receive(offer, n, now);
        }
        assertEquals(DhcpClient.State.SELECTING, client.state());
        assertEquals(offer.length - 1L, refusals().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    @DisplayName("options running past the end, without END, doubled, or of the wrong size are refused")
    void badOptions() {
        client.start(now);
        byte[] runs = new Reply(DhcpMessage.OFFER).frame();
        runs[runs.length - 1] = 1; // END becomes a mask option whose length and value are missing
        Bytes.set16(runs, 40, 0); // no UDP checksum (RFC 768 allows it), so that the options are read
        deliver(runs);
        deliver(new Reply(DhcpMessage.OFFER).address(DhcpMessage.OPT_SERVER_ID, SERVER).frame());
        deliver(new Reply(DhcpMessage.OFFER).without(DhcpMessage.OPT_MESSAGE_TYPE).option(53, 2, 0).frame());
        deliver(new Reply(DhcpMessage.OFFER).without(DhcpMessage.OPT_SERVER_ID).frame());
        deliver(new Reply(DhcpMessage.OFFER).without(DhcpMessage.OPT_SUBNET_MASK).frame());
        deliver(new Reply(DhcpMessage.OFFER).without(DhcpMessage.OPT_ROUTER).option(3, 203, 0, 113).frame());
        assertEquals(Map.of("truncated", 1L, "bad-options", 5L), refusals());
        assertEquals(DhcpClient.State.SELECTING, client.state());
    }

    @ParameterizedTest
    @ValueSource(ints = {0xffff00ff, 0xfffffffe, 0xffffffff, 0})
    @DisplayName("a non-contiguous mask, or one leaving fewer than two host bits, is refused")
    void badMasks(int mask) {
        client.start(now);
        deliver(new Reply(DhcpMessage.OFFER).without(DhcpMessage.OPT_SUBNET_MASK)
                .address(DhcpMessage.OPT_SUBNET_MASK, mask).frame());
        assertEquals(Map.of("bad-options", 1L), refusals());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1", "203.0.113.0",
        "203.0.113.255"})
    @DisplayName("an offered address that is not a unicast host address of its subnet is refused")
    void badAddresses(String address) {
        client.start(now);
        Reply r = new Reply(DhcpMessage.OFFER);
        r.yiaddr = Ipv4.parse(address);
        deliver(r.frame());
        assertEquals(Map.of("bad-address", 1L), refusals());
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.1", "203.0.113.7", "203.0.113.255"})
    @DisplayName("a router off the leased subnet, or the leased address itself, is refused")
    void badRouters(String router) {
        client.start(now);
        deliver(new Reply(DhcpMessage.OFFER).without(DhcpMessage.OPT_ROUTER)
                .address(DhcpMessage.OPT_ROUTER, Ipv4.parse(router)).frame());
        assertEquals(Map.of("bad-address", 1L), refusals());
    }

    @Test
    @DisplayName("a wrong IP or UDP checksum, a fragment, or a request instead of a reply is refused")
    void badHeaders() {
        client.start(now);
        byte[] ip = new Reply(DhcpMessage.OFFER).frame();
        ip[24] ^= 1;
        deliver(ip);
        byte[] udp = new Reply(DhcpMessage.OFFER).frame();
        udp[42 + 100] ^= 1;
        deliver(udp);
        byte[] fragment = new Reply(DhcpMessage.OFFER).frame();
        fragment[20] = 0x20; // MF, with the header checksum made right again
        Bytes.set16(fragment, 24, 0);
        Bytes.set16(fragment, 24, Checksum.compute(fragment, 14, 20, 0));
        deliver(fragment);
        byte[] request = new Reply(DhcpMessage.OFFER).frame();
        request[42] = 1;
        Bytes.set16(request, 40, 0);
        deliver(request);
        assertEquals(Map.of("bad-checksum", 2L, "not-dhcp", 2L), refusals());
    }

    @Test
    @DisplayName("while requesting, an ACK from another server or for another address does not bind")
    void anAckFromAnotherServerDoesNotBind() {
        client.start(now);
        deliver(new Reply(DhcpMessage.OFFER).frame());
        deliver(new Reply(DhcpMessage.ACK).without(DhcpMessage.OPT_SERVER_ID)
                .address(DhcpMessage.OPT_SERVER_ID, Ipv4.parse("203.0.113.200")).frame());
        Reply otherAddress = new Reply(DhcpMessage.ACK);
        otherAddress.yiaddr = Ipv4.parse("203.0.113.8");
        deliver(otherAddress.frame());
        deliver(new Reply(DhcpMessage.ACK).without(DhcpMessage.OPT_LEASE_TIME).frame());
        assertEquals(DhcpClient.State.REQUESTING, client.state());
        assertEquals(Map.of("other-server", 1L, "other-address", 1L, "bad-options", 1L), refusals());
        assertEquals(List.of(), changes);
    }

    @Test
    @DisplayName("replies the state does not wait for (an OFFER while bound, an ACK while selecting) are ignored")
    void unexpectedTypesAreIgnored() {
        client.start(now);
        deliver(new Reply(DhcpMessage.ACK).frame());
        deliver(new Reply(DhcpMessage.NAK).frame());
        assertEquals(DhcpClient.State.SELECTING, client.state());
        deliver(new Reply(DhcpMessage.OFFER).frame());
        deliver(new Reply(DhcpMessage.ACK).frame());
        deliver(new Reply(DhcpMessage.OFFER).frame());
        assertEquals(DhcpClient.State.BOUND, client.state());
        assertEquals(Map.of("unexpected", 3L), refusals());
    }

    @Test
    @DisplayName("while renewing, a NAK from another server does not take the lease away")
    void aForeignNakWhileRenewingIsIgnored() {
        bound();
        advance(60);
        deliver(new Reply(DhcpMessage.NAK).without(DhcpMessage.OPT_SERVER_ID)
                .address(DhcpMessage.OPT_SERVER_ID, Ipv4.parse("203.0.113.200")).frame());
        assertEquals(DhcpClient.State.RENEWING, client.state());
        assertEquals(1, changes.size());
    }

    @Test
    @DisplayName("20 000 random and mutated frames: no exception, and the client stays in a state of the protocol")
    void randomFramesNeverBreakIt() {
        client.start(now);
        byte[] offer = new Reply(DhcpMessage.OFFER).frame();
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] f = i % 2 == 0 ? new byte[r.nextInt(600)] : offer.clone();
            if (i % 2 == 0) {
                r.nextBytes(f);
            } else {
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    f[r.nextInt(f.length)] = (byte) r.nextInt(256);
                }
            }
            client.receive(f, f.length, now);
            client.tick(now);
        }
        assertTrue(List.of(DhcpClient.State.SELECTING, DhcpClient.State.REQUESTING, DhcpClient.State.BOUND)
                .contains(client.state()), client.state().toString());
    }
}
