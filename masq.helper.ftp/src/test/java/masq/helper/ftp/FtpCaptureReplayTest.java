package masq.helper.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import masq.api.Ipv4;
import masq.api.admin.ExpectationDTO;
import masq.api.admin.MappingDTO;
import masq.testkit.replay.*;
import masq.testkit.Packets;
import masq.testkit.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4 item 6: the shared FTP captures (../shared/captures/SOURCES.md, "FTP") replayed through
 * the engine with the FTP helper attached, the client side as inside. Everything asserted is
 * derived from the capture itself (its PORT lines and 227/229 replies) and checked against what
 * the engine sent:
 * <ul>
 * <li>each {@code PORT} leaves naming the gateway's outside address and the gateway port of the
 * expectation its segment registered (from the server's address, to the client's own address and
 * port);</li>
 * <li>each active data connection from the server, sent (as the server would) to that gateway
 * port, takes the expectation and reaches the client's original address and port; the client's
 * replies leave from that gateway port;</li>
 * <li>each 227/229 registers an expectation from the inside, and the client's data connection to
 * the named server port takes it and is linked to the control connection;</li>
 * <li>the control connection's reassembled streams: the client's is the captured one with each
 * PORT argument replaced, the server's is the captured one exactly;</li>
 * <li>every client segment after a resized PORT is shifted by the sum of the size changes before
 * it, and every server acknowledgement, sent in the translated space, reaches the client in its
 * original space (the exact return of {@link ReplayCheck}, plus an independent sum here);</li>
 * <li>every checksum valid as captured is valid as sent; no frame is dropped; the helper refuses
 * nothing and never fails.</li>
 * </ul>
 *
 * <p>Inside networks: each capture's client alone (/32). In ipv4.pcap the server is elsewhere, but
 * in retr.pcap both ends are in 141.142.0.0/16 and in the suricata-verify captures both are in
 * 172.23.0.0/24, so only the client's own address can be "inside". ipv6.pcap is IPv6 only; the
 * engine is IPv4 only (RFC 2428's EPRT |2| is left alone by design), so its replay submits nothing
 * and {@link #ipv6CaptureIsSkippedAsNotIpv4} says so. The captures are not copied into this module
 * (see {@link SharedCaptureReplayTest}); absent, the tests are skipped with the reason.
 */
class FtpCaptureReplayTest {
    static final String OUTSIDE = "203.0.113.1";
    private static final Pattern PORT_LINE = Pattern.compile("(?im)^PORT (\\d+(?:,\\d+){5})\\r?\\n");
    private static final Pattern PASSIVE_REPLY = Pattern.compile(
            "(?m)^(?:227 [^\\n]*?(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)|229 [^\\n]*\\(\\|\\|\\|(\\d+)\\|\\))");

    /**
     * One capture.
     *
     * @param file under the captures folder
     * @param client the FTP client, the only inside host
     * @param ports PORT commands the capture holds (tshark, SOURCES.md)
     * @param passive 227/229 replies the capture holds, retransmissions not counted
     */
    record Case(String file, String client, int ports, int passive) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Case> captures() {
        return Stream.of(
                new Case("ftp/ipv4.pcap", "141.142.220.235", 2, 2),
                new Case("ftp/retr.pcap", "141.142.228.5", 0, 1),
                new Case("ftp/sv-ftp-download-active/input.pcap", "172.23.0.3", 3, 0),
                new Case("ftp/sv-ruletype-firewall-116-ftp-all-data-ipv4/input.pcap", "172.23.0.3", 7, 7));
    }

    /** The shared captures (../shared/captures), or -Dmasq.captures=DIR. */
    static final Path CAPTURES = Path.of(System.getProperty("masq.captures", "../../shared/captures"));

    static Replay replay(String file, String client) throws IOException {
        Path capture = CAPTURES.resolve(file);
        assumeTrue(Files.isReadable(capture),
                "capture " + capture.toAbsolutePath() + " is absent (set -Dmasq.captures=DIR)");
        return CaptureReplay.builder().insideNetwork(client + "/32").outsideAddress(OUTSIDE + "/24")
                .helper(new FtpHelper(), "ftp", "tcp", 21).build().run(capture);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void replaysWithTheFtpHelper(Case c) throws IOException {
        Replay replay = replay(c.file(), c.client());
        System.out.println(c + " with ftp: " + replay.summary() + " " + replay.counters().entrySet().stream()
                .filter(e -> e.getKey().startsWith("expect.") || e.getKey().startsWith("helper.")
                        || e.getKey().startsWith("tcp.seq")).toList());

        assertEquals(List.of(), ReplayCheck.violations(replay), c.toString());
        assertEquals(Map.of(), replay.dropsByReason(), "nothing dropped");
        assertEquals(0, replay.counters().getOrDefault("helper.refusals", 0L), "refusals");
        assertEquals(0, replay.counters().getOrDefault("helper.failures", 0L), "failures");
        checksumsSurvive(replay);

        List<Tuple> controls = controlConnections(replay);
        assertFalse(controls.isEmpty(), "the capture holds an FTP control connection");
        int ports = 0;
        int passive = 0;
        for (Tuple control : controls) {
            ports += activeMode(replay, control);
            passive += passiveMode(replay, control);
        }
        assertEquals(c.ports(), ports, "PORT commands rewritten");
        assertEquals(c.passive(), passive, "passive replies linked");
        assertEquals(c.ports() + c.passive(), replay.counters().getOrDefault("expect.created", 0L), "expectations");
        assertEquals(c.ports() + c.passive(), replay.counters().getOrDefault("expect.matched", 0L),
                "every expectation taken by its data connection");
    }

    /**
     * The PORT segments of one control connection: rewritten to the gateway and an expectation's
     * port, the active data connections returned to the client, the streams equal but for the
     * arguments, the numbers shifted consistently. Returns how many PORT commands there were.
     */
    private static int activeMode(Replay replay, Tuple control) {
        String captured = replay.tcpStreamText(control, Direction.OUTBOUND, false);
        List<ReplayResult> portSegments = new ArrayList<>();
        List<ExpectationDTO> expectations = new ArrayList<>();
        for (ReplayResult r : segments(replay, control, Direction.OUTBOUND)) {
            Matcher m = PORT_LINE.matcher(text(r.captured()));
            if (!m.find()) {
                continue;
            }
            portSegments.add(r);
            assertEquals(1, r.newExpectations().size(), r + ": one expectation per PORT");
            ExpectationDTO e = r.newExpectations().get(0);
            int[] n = numbers(m.group(1));
            assertEquals(List.of(Ipv4.toString(control.source()), n[4] * 256 + n[5],
                    Ipv4.toString(control.destination()), 0),
                    List.of(e.insideAddress, e.insidePort, e.remoteAddress, e.remotePort), r + ": expectation " + e);
            assertTrue(e.gatewayPort >= replay.portLow() && e.gatewayPort <= replay.portHigh(), r + ": gateway port");
            String sent = text(r.captured()).replace(m.group(1), portArgument(e.gatewayPort));
            assertEquals(sent, text(r.output()), r + ": only the argument is rewritten");
            expectations.add(e);
            activeDataConnection(replay, control, e);
        }
        Matcher all = PORT_LINE.matcher(captured);
        StringBuilder expected = new StringBuilder();
        int k = 0;
        while (all.find()) {
            all.appendReplacement(expected, Matcher.quoteReplacement(
                    all.group().replace(all.group(1), portArgument(expectations.get(k++).gatewayPort))));
        }
        all.appendTail(expected);
        assertEquals(expected.toString(), replay.tcpStreamText(control, Direction.OUTBOUND, true),
                control + ": the client's stream differs only in the PORT arguments");
        assertEquals(replay.tcpStreamText(control, Direction.INBOUND, false),
                replay.tcpStreamText(control, Direction.INBOUND, true), control + ": the server's stream is untouched");
        sequenceNumbersShiftConsistently(replay, control, portSegments);
        return portSegments.size();
    }

    /** The server's connection to the gateway port reaches the client's original endpoint, and back. */
    private static void activeDataConnection(Replay replay, Tuple control, ExpectationDTO e) {
        int client = control.source();
        boolean seen = false;
        for (ReplayResult r : replay.results()) {
            byte[] d = r.captured();
            if (r.direction() == Direction.INBOUND && Packets.protocol(d) == Packets.PROTOCOL_TCP
                    && Packets.destinationAddress(d) == client && Packets.destinationPort(d) == e.insidePort
                    && Packets.sourceAddress(d) == control.destination()) {
                assertEquals(e.gatewayPort, Packets.destinationPort(r.submitted()), r + ": sent to the gateway port");
                assertEquals(Tuple.of(d), Tuple.of(r.output()), r + ": delivered to the client's own port");
                if ((Packets.tcpFlags(d) & (Packets.SYN | Packets.ACK)) == Packets.SYN) {
                    assertEquals(1, r.counterChange("expect.matched"), r + ": the SYN takes the expectation");
                    seen = true;
                }
            }
            if (r.direction() == Direction.OUTBOUND && Packets.protocol(d) == Packets.PROTOCOL_TCP
                    && Packets.sourceAddress(d) == client && Packets.sourcePort(d) == e.insidePort) {
                assertEquals(e.gatewayPort, Packets.sourcePort(r.output()),
                        r + ": the client answers from the gateway port");
            }
        }
        assertTrue(seen, control + ": the active data connection to " + e.insidePort + " arrived");
    }

    /** Each 227/229: an expectation from the inside, taken by the client's connection to that port. */
    private static int passiveMode(Replay replay, Tuple control) {
        int n = 0;
        for (ReplayResult r : segments(replay, control, Direction.INBOUND)) {
            Matcher m = PASSIVE_REPLY.matcher(text(r.captured()));
            if (!m.find() || r.newExpectations().isEmpty()) {
                continue;
            }
            int port = m.group(7) != null ? Integer.parseInt(m.group(7))
                    : Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
            ExpectationDTO e = r.newExpectations().get(0);
            assertEquals(List.of(Ipv4.toString(control.destination()), port, 0, Ipv4.toString(control.source())),
                    List.of(e.remoteAddress, e.remotePort, e.gatewayPort, e.insideAddress), r + ": " + e);
            ReplayResult syn = replay.results().stream().filter(x -> x.direction() == Direction.OUTBOUND
                    && Packets.protocol(x.captured()) == Packets.PROTOCOL_TCP
                    && Packets.destinationAddress(x.captured()) == control.destination()
                    && Packets.destinationPort(x.captured()) == port
                    && (Packets.tcpFlags(x.captured()) & Packets.SYN) != 0).findFirst().orElseThrow();
            assertEquals(1, syn.counterChange("expect.matched"), syn + ": the passive data connection is linked");
            // MappingDTO.masterId would show the link in masq:table, but the engine leaves it 0 (reported);
            // the expectation names the control connection's mapping as its master.
            MappingDTO master = replay.mappings().stream().filter(x -> x.remotePort == 21
                    && x.insidePort == control.sourcePort()).findFirst().orElseThrow();
            assertEquals(master.id, e.masterId, e + ": its master is the control connection");
            n++;
        }
        return n;
    }

    /**
     * Client segments: sent seq = captured seq + the size changes of the PORT segments before it.
     * Server segments: the ACK the server sent (translated space) = captured ACK + the changes the
     * server had received by then; the ACK delivered = the captured one.
     */
    private static void sequenceNumbersShiftConsistently(Replay replay, Tuple control, List<ReplayResult> ports) {
        for (ReplayResult r : segments(replay, control, Direction.OUTBOUND)) {
            long shift = shiftBefore(ports, Packets.seq(r.captured()));
            assertEquals((Packets.seq(r.captured()) + shift) & 0xffffffffL, Packets.seq(r.output()), r + ": seq");
        }
        for (ReplayResult r : segments(replay, control, Direction.INBOUND)) {
            if ((Packets.tcpFlags(r.captured()) & Packets.ACK) == 0) {
                continue;
            }
            long ack = Packets.ack(r.captured());
            assertEquals((ack + shiftBefore(ports, ack)) & 0xffffffffL, Packets.ack(r.submitted()), r + ": ack as sent");
            assertEquals(ack, Packets.ack(r.output()), r + ": ack as delivered");
        }
    }

    /** The size changes of the PORT segments that end at or before {@code seq}. */
    private static long shiftBefore(List<ReplayResult> ports, long seq) {
        long shift = 0;
        for (ReplayResult p : ports) {
            long end = Packets.seq(p.captured()) + Packets.payload(p.captured()).length;
            if ((int) (seq - end) >= 0) {
                shift += Packets.payload(p.output()).length - Packets.payload(p.captured()).length;
            }
        }
        return shift;
    }

    private static void checksumsSurvive(Replay replay) {
        for (ReplayResult r : replay.results()) {
            if (r.output() != null && Packets.checksumsValid(r.captured())) {
                assertTrue(Packets.checksumsValid(r.submitted()), r + ": valid as submitted");
                assertTrue(Packets.checksumsValid(r.output()), r + ": valid as sent");
            }
        }
    }

    @Test
    void ipv6CaptureIsSkippedAsNotIpv4() throws IOException {
        Replay replay = replay("ftp/ipv6.pcap", "10.255.255.1"); // any IPv4 network: no frame has an IPv4 address
        assertEquals(replay.results().size(), replay.count(Direction.NOT_IPV4),
                "every frame of ipv6.pcap is IPv6: the engine is IPv4 only, nothing is submitted");
        assertTrue(replay.results().size() > 100);
        assertEquals(0L, replay.counters().getOrDefault("helper.calls", 0L));
    }

    /** The client-sent TCP connections to port 21, as the client sees them. */
    static List<Tuple> controlConnections(Replay replay) {
        return replay.results().stream().filter(r -> r.direction() == Direction.OUTBOUND
                && Packets.protocol(r.captured()) == Packets.PROTOCOL_TCP && Packets.destinationPort(r.captured()) == 21
                && (Packets.tcpFlags(r.captured()) & (Packets.SYN | Packets.ACK)) == Packets.SYN)
                .map(r -> Tuple.of(r.captured())).distinct().toList();
    }

    /** The forwarded segments of one direction of a connection, in capture order. */
    static List<ReplayResult> segments(Replay replay, Tuple control, Direction direction) {
        Tuple wanted = direction == Direction.OUTBOUND ? control : control.reversed();
        return replay.results().stream().filter(r -> r.direction() == direction && r.output() != null
                && Tuple.of(r.captured()).equals(wanted)).toList();
    }

    static String portArgument(int gatewayPort) {
        return OUTSIDE.replace('.', ',') + "," + (gatewayPort >>> 8) + "," + (gatewayPort & 0xff);
    }

    private static int[] numbers(String csv) {
        return Stream.of(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    static String text(byte[] datagram) {
        return new String(Packets.payload(datagram), StandardCharsets.ISO_8859_1);
    }
}
