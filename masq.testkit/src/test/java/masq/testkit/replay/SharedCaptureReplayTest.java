package masq.testkit.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import masq.engine.nat.Translator;
import masq.testkit.Packets;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the shared captures (issue 3 item 11; ../shared/captures/SOURCES.md) through the
 * translator and asserts {@link ReplayCheck}'s properties packet by packet, plus the exact tally
 * of each capture, so a change in what the engine forwards or drops is seen. A capture that is
 * absent is skipped, saying so (-Dmasq.captures=DIR names the folder). None is copied into this
 * module: their licences ask for attribution this module does not carry; {@link SyntheticReplayTest}
 * covers the same paths without them.
 *
 * <p>Where the inside network is one host (/32), the capture's peer shares the host's subnet or
 * the host is public; the remote side keeps its captured address. Captures marked offloaded have
 * bad transport checksums on the capturing host's own packets (SOURCES.md): the engine runs with
 * {@code verifyTransportChecksums(false)} and the check is that each residual passes through.
 */
class SharedCaptureReplayTest {
    static final Path CAPTURES = Path.of(System.getProperty("masq.captures", "../../shared/captures"));

    /**
     * One capture and what its replay must give.
     *
     * @param file the path under the captures folder
     * @param inside the inside networks
     * @param offloaded true if SOURCES.md lists bad transport checksums on the inside host's packets
     * @param repairIp true to recompute the zero IPv4 header checksums of an offloading sender
     * @param outbound outbound datagrams forwarded (first fragments and released ones included)
     * @param inbound inbound datagrams forwarded
     * @param replies datagrams the gateway answered itself
     * @param drops drops by counter
     * @param why why the drops are right
     */
    record Case(String file, List<String> inside, boolean offloaded, boolean repairIp, int outbound, int inbound,
            int replies, Map<String, Integer> drops, String why) {
        @Override
        public String toString() {
            return file + (repairIp ? " (IP checksums repaired)" : "");
        }
    }

    static Stream<Case> captures() {
        return Stream.of(
                new Case("http/get.pcap", List.of("141.142.228.0/24"), false, false, 7, 7, 0, Map.of(),
                        "one complete HTTP connection"),
                new Case("http/wikipedia.pcap", List.of("141.142.220.0/24"), false, false, 60, 45, 0,
                        Map.of("drop.inbound.no-mapping", 1),
                        "#112 is a segment to 141.142.220.235, an inside host whose own packets were not"
                                + " captured: unsolicited at the gateway. LAN broadcasts/mDNS (15) are local,"
                                + " ARP/IPv6 (15) not IPv4"),
                new Case("dns/dns_udp.pcap", List.of("192.168.1.0/24"), false, false, 1, 1, 0, Map.of(),
                        "query and response"),
                new Case("dns/dns_tcp.pcap", List.of("192.168.1.0/24"), false, false, 6, 5, 0, Map.of(),
                        "handshake, query, response, teardown"),
                new Case("icmp/5-pings.pcap", List.of("172.16.133.0/24"), false, false, 5, 5, 0, Map.of(),
                        "echo identifiers masqueraded and restored"),
                new Case("icmp/icmp_echo.pcapng", List.of("192.168.100.138/32"), false, false, 4, 4, 0, Map.of(),
                        "the pinged router 192.168.100.1 shares the host's /24, so the host alone is inside"),
                new Case("traceroute/traceroute.pcap", List.of("193.137.173.217/32"), true, false, 32, 31, 3,
                        Map.of("drop.icmp.error-no-mapping", 3),
                        "the gateway is one more hop: it answers the 3 TTL-1 probes with time exceeded"
                                + " itself (replies), so the captured first hop's 3 errors quote probes it never"
                                + " forwarded"),
                new Case("traceroute/icmp_traceroute.pcapng", List.of("192.168.100.138/32"), false, false, 24, 24, 3,
                        Map.of("drop.icmp.error-no-mapping", 3), "as traceroute.pcap, with ICMP echo probes"),
                new Case("traceroute/path_MTU_discovery.cap", List.of("192.168.0.2/32"), true, false, 2, 2, 2,
                        Map.of("drop.icmp.error-no-mapping", 2),
                        "2 TTL-1 probes answered by the gateway; frag-needed and port unreachable translated"),
                new Case("ip-fragments/ip_frag_source.pcapng", List.of("10.10.0.0/24"), false, false, 0, 0, 0,
                        Map.of("drop.ip.bad-checksum", 3, "drop.inbound.no-mapping", 1,
                                "drop.fragment.first-dropped", 2),
                        "the sender's 3 fragments carry IP header checksum 0 (offload) and are dropped as"
                                + " malformed; the reply then has no mapping, and its fragments follow their first"),
                new Case("ip-fragments/ip_frag_source.pcapng", List.of("10.10.0.0/24"), false, true, 3, 3, 0, Map.of(),
                        "with the offloaded IP checksums recomputed, the 3500-byte ping goes out and back"),
                new Case("ip-fragments/dns_fragmented.pcap",
                        List.of("172.217.40.76/32", "173.194.169.104/32", "74.125.47.136/32", "194.247.5.6/32"),
                        true, false, 10, 12, 0, Map.of(),
                        "the resolvers are inside (the server behind a masq gateway would get only"
                                + " unsolicited queries); 4 two-fragment responses; 44 IPv6 frames skipped"),
                new Case("tcp-fragments/socks5-http-302-frag.pcap", List.of("10.0.0.1/32"), true, false, 26, 46, 0,
                        Map.of(), "every data segment in 24-byte fragments, both directions"),
                new Case("tcp-fragments/frag_http_req.pcap", List.of("172.16.133.0/24"), false, false, 11, 0, 0,
                        Map.of(), "one request in 11 fragments; no reply was captured"));
    }

    private static CaptureReplay replayer(Case c, Path output) {
        CaptureReplay.Builder b = CaptureReplay.builder().verifyTransportChecksums(!c.offloaded())
                .repairOffloadedIpChecksums(c.repairIp()).output(output);
        c.inside().forEach(b::insideNetwork);
        return b.build();
    }

    private static Path capture(Case c) {
        Path p = CAPTURES.resolve(c.file());
        assumeTrue(Files.isReadable(p), "capture " + p.toAbsolutePath() + " is absent (set -Dmasq.captures=DIR)");
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void replaysInOrder(Case c, @TempDir Path dir) throws IOException {
        Path written = dir.resolve("out.pcap");
        Replay replay = replayer(c, written).run(capture(c));
        System.out.println(c + ": " + replay.summary());

        assertEquals(List.of(), ReplayCheck.violations(replay), c.toString());
        assertEquals(c.outbound(), replay.count(Direction.OUTBOUND, Translator.FORWARD_OUTSIDE), "outbound: " + c.why());
        assertEquals(c.inbound(), replay.count(Direction.INBOUND, Translator.FORWARD_INSIDE), "inbound: " + c.why());
        assertEquals(c.replies(), replay.count(Direction.OUTBOUND, Translator.REPLY), "replies: " + c.why());
        assertEquals(c.drops(), replay.dropsByReason(), "drops: " + c.why());
        assertEquals(0, replay.count(Direction.OUTBOUND, Translator.HELD) + replay.count(Direction.INBOUND, Translator.HELD));
        int sent = c.outbound() + c.inbound() + c.replies();
        assertEquals(sent, Captures.read(written).size(), "the output pcap holds every datagram sent");
    }

    static Stream<Case> fragmented() {
        return captures().filter(c -> c.file().contains("fragments/") && c.outbound() + c.inbound() > 0);
    }

    /** RFC 4787 REQ-14: the same captures with each datagram's fragments in reverse order. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fragmented")
    void replaysFragmentsInReverseOrder(Case c) throws IOException {
        List<CapturedPacket> reordered = reverseFragments(Captures.read(capture(c)));
        Replay replay = replayer(c, null).run(reordered);
        System.out.println(c + " reversed: " + replay.summary());

        assertEquals(List.of(), ReplayCheck.violations(replay), c.toString());
        assertEquals(c.outbound(), replay.count(Direction.OUTBOUND, Translator.FORWARD_OUTSIDE), "outbound");
        assertEquals(c.inbound(), replay.count(Direction.INBOUND, Translator.FORWARD_INSIDE), "inbound");
        assertEquals(c.drops(), replay.dropsByReason(), "drops");
        assertTrue(replay.results().stream().anyMatch(ReplayResult::wasHeld), "later fragments arrived first and were held");
    }

    /** Each fragmented datagram's frames take each other's places, last first. */
    static List<CapturedPacket> reverseFragments(List<CapturedPacket> packets) {
        Map<String, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < packets.size(); i++) {
            CapturedPacket p = packets.get(i);
            byte[] d = p.isIpv4() ? p.datagram() : null;
            if (d != null && Packets.isFragment(d)) {
                String key = Packets.source(d) + ">" + Packets.destination(d) + "/" + Packets.protocol(d) + "/"
                        + Packets.id(d);
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
            }
        }
        List<CapturedPacket> out = new ArrayList<>(packets);
        for (List<Integer> positions : groups.values()) {
            for (int k = 0; k < positions.size(); k++) {
                out.set(positions.get(k), packets.get(positions.get(positions.size() - 1 - k)));
            }
        }
        return out;
    }
}
