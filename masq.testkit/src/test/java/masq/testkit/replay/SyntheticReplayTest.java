package masq.testkit.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.engine.nat.Translator;
import masq.link.pcap.PcapFiles;
import masq.testkit.Packets;
import masq.testkit.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays of captures written here from {@link Packets}, so the replay is tested without the
 * shared captures: a TCP exchange, a fragmented UDP reply arriving last fragment first, an ICMP
 * error quoting a masqueraded probe, unsolicited traffic, and skipped frames.
 */
class SyntheticReplayTest {
    private static final String HOST = "192.168.0.2";
    private static final String SERVER = "198.51.100.7";
    private static final byte[] ETHERNET = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0};
    private static final byte[] ARP_FRAME = {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 2, 8, 6, 0, 1, 8, 0, 6, 4, 0, 1};

    @TempDir
    Path dir;

    private Path write(List<byte[]> datagrams) throws IOException {
        Path file = dir.resolve("in.pcap");
        try (PcapFiles.Writer w = PcapFiles.write(file)) {
            long micros = 1_700_000_000_000_000L;
            for (byte[] d : datagrams) {
                byte[] frame = d == ARP_FRAME ? d : concat(ETHERNET, d);
                w.frame(frame, 0, frame.length, micros += 1000);
            }
        }
        return file;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static CaptureReplay replay() {
        return CaptureReplay.builder().insideNetwork("192.168.0.0/24").build();
    }

    @Test
    void tcpExchangeLeavesFromTheGatewayAndReturnsToTheHost() throws IOException {
        List<byte[]> in = List.of(
                Packets.tcp(HOST, 40000, SERVER, 80).flags(Packets.SYN).seq(100).mss(1460).build(),
                Packets.tcp(SERVER, 80, HOST, 40000).flags(Packets.SYN | Packets.ACK).seq(900).ack(101).build(),
                Packets.tcp(HOST, 40000, SERVER, 80).seq(101).ack(901).flags(Packets.ACK | Packets.PSH)
                        .payload("GET / HTTP/1.0\r\n\r\n").build());
        Replay r = replay().run(write(in));

        assertEquals(List.of(), ReplayCheck.violations(r));
        byte[] syn = r.results().get(0).output();
        assertEquals("203.0.113.1", Packets.source(syn));
        int masqPort = Packets.sourcePort(syn);
        assertEquals(40000, masqPort, "the inside port, free on the outside address, is kept (ports.allocation = preserve)");
        assertEquals(masqPort, Packets.destinationPort(r.results().get(1).submitted()), "the reply was sent to the masq port");
        assertEquals(new Tuple(6, Packets.sourceAddress(in.get(1)), 80, Packets.destinationAddress(in.get(1)), 40000),
                Tuple.of(r.results().get(1).output()));
        assertEquals("GET / HTTP/1.0\r\n\r\n", Packets.payloadText(r.results().get(2).output()));
        assertTrue(Packets.checksumsValid(r.results().get(2).output()));
    }

    @Test
    void fragmentedReplyArrivingLastFirstIsHeldThenTranslated() throws IOException {
        byte[] query = Packets.udp(HOST, 5353, SERVER, 53).payload("q").build();
        byte[] answer = Packets.udp(SERVER, 53, HOST, 5353).id(0x4242).payload(new byte[3000]).build();
        List<byte[]> fragments = new ArrayList<>(Packets.fragment(answer, 1480));
        List<byte[]> in = new ArrayList<>(List.of(query));
        for (int i = fragments.size() - 1; i >= 0; i--) {
            in.add(fragments.get(i));
        }
        Replay r = replay().run(write(in));

        assertEquals(List.of(), ReplayCheck.violations(r));
        assertEquals(3, r.count(Direction.INBOUND, Translator.FORWARD_INSIDE));
        assertTrue(r.results().get(1).wasHeld() && r.results().get(2).wasHeld(), "later fragments held");
        assertEquals(Map.of(), r.dropsByReason());
    }

    @Test
    void timeExceededQuotingTheMasqueradedProbeReturnsToTheHost() throws IOException {
        byte[] probe = Packets.udp(HOST, 33000, SERVER, 33434).ttl(5).build();
        CaptureReplay replayer = replay();
        // The router quotes the probe as the host sent it; the replay re-addresses the quote to the gateway.
        byte[] error = Packets.icmpError("198.51.100.254", HOST, Packets.ICMP_TIME_EXCEEDED, 0, probe).build();
        Replay r = replayer.run(write(List.of(probe, error)));

        assertEquals(List.of(), ReplayCheck.violations(r));
        byte[] quotedAtGateway = Packets.quoted(r.results().get(1).submitted());
        assertEquals("203.0.113.1", Packets.source(quotedAtGateway));
        assertEquals(Packets.sourcePort(r.results().get(0).output()), Packets.sourcePort(quotedAtGateway));
        assertEquals(Translator.FORWARD_INSIDE, r.results().get(1).verdict());
    }

    @Test
    void unsolicitedInboundIsDroppedWithItsReasonAndLocalFramesSkipped() throws IOException {
        List<byte[]> in = List.of(
                Packets.tcp(SERVER, 80, HOST, 40001).flags(Packets.SYN).build(),
                Packets.udp(HOST, 5353, "224.0.0.251", 5353).build(),
                Packets.udp(HOST, 137, "192.168.0.255", 137).build(),
                Packets.udp(SERVER, 1, "198.51.100.8", 2).build(),
                ARP_FRAME);
        Replay r = replay().run(write(in));

        assertEquals(List.of(), ReplayCheck.violations(r));
        assertEquals(Map.of("drop.inbound.no-mapping", 1), r.dropsByReason());
        assertEquals(2, r.count(Direction.LOCAL));
        assertEquals(1, r.count(Direction.TRANSIT));
        assertEquals(1, r.count(Direction.NOT_IPV4));
        assertNotEquals(-1, r.results().get(0).verdict());
    }

    @Test
    void theGatewayAnswersAnExpiringProbeItself() throws IOException {
        Replay r = replay().run(write(List.of(Packets.udp(HOST, 33000, SERVER, 33434).ttl(1).build())));

        assertEquals(List.of(), ReplayCheck.violations(r));
        byte[] answer = r.results().get(0).output();
        assertEquals(Translator.REPLY, r.results().get(0).verdict());
        assertEquals(HOST, Packets.destination(answer));
        assertEquals(Packets.ICMP_TIME_EXCEEDED, Packets.icmpType(answer));
    }
}
