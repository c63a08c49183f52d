package masq.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import masq.engine.nat.Translator;

/**
 * The engine's parsing and translation of datagrams from both links, fuzzed. An input is a run of
 * datagrams through one engine (with a port forward and a 1:1 NAT rule, so that inbound paths are
 * reached too), each a record:
 * <ul>
 * <li>a control byte: bit 0 the side (0 inside, 1 outside); bits 1–2 the kind: 0 the next bytes
 * are the datagram as it is (every header field the fuzzer's), 1 a TCP segment, 2 a UDP datagram,
 * 3 ICMP; bit 3: the record answers the last datagram the engine sent out of this side's link
 * (its addresses and ports swapped, or for ICMP an error quoting it or an echo reply), which takes
 * the fuzzer past the lookups;</li>
 * <li>for a built one, eight bytes choosing the addresses (from the inside and outside hosts the
 * engine knows and some it does not), ports, TCP flags or ICMP type and code, and sequence
 * numbers;</li>
 * <li>a length byte and that many bytes of payload (for the raw kind, of datagram).</li>
 * </ul>
 * The contract: the engine never throws, and what it sends out of a datagram built well formed is
 * well formed (IP header and transport checksums verify). In regression mode (by {@code ./masq
 * test}) it runs the committed inputs under {@code EngineFuzzTestInputs/datagrams}; {@code ./masq
 * fuzz engine SECONDS} fuzzes it.
 */
class EngineFuzzTest {
    private static final String[] INSIDE_SOURCES = {"192.168.0.2", "192.168.0.3", "192.168.0.4", "10.9.9.9",
        "203.0.113.1", "0.0.0.0", "255.255.255.255", "127.0.0.1"};
    private static final String[] INSIDE_DESTINATIONS = {"198.51.100.5", "203.0.113.1", "203.0.113.50",
        "192.168.0.3", "224.0.0.1", "198.51.100.6", "255.255.255.255", "192.168.0.1"};
    private static final String[] OUTSIDE_SOURCES = {"198.51.100.5", "198.51.100.6", "192.168.0.2", "203.0.113.1",
        "203.0.113.50", "10.0.0.1", "224.0.0.1", "0.0.0.0"};
    private static final String[] OUTSIDE_DESTINATIONS = {"203.0.113.1", "203.0.113.50", "198.51.100.5",
        "192.168.0.2", "203.0.113.255", "203.0.113.1", "255.255.255.255", "203.0.113.2"};
    private static final int[] PORTS = {8080, 80, 21, 53, 0, 1, 1024, 61000, 61001, 65000, 65535, 6667};

    private static HelperHarness gateway;
    private static long executions;

    @FuzzTest(maxDuration = "10m")
    void datagrams(byte[] data) {
        fuzzerTestOneInput(data);
    }

    /** The target as Jazzer's command line driver calls it ({@code ./masq fuzz engine}). */
    public static void fuzzerTestOneInput(byte[] data) {
        if (gateway == null || gateway.mappings().size() > 20_000) {
            gateway = HelperHarness.builder().engine(b -> b.ports(61000, 65000)).build();
            gateway.forward("tcp", 8080, "192.168.0.2", 80, null);
            gateway.staticNat("192.168.0.4", "203.0.113.50");
        }
        byte[][] lastOut = new byte[2][];
        int at = 0;
        while (at < data.length) {
            int control = data[at++] & 0xFF;
            int side = control & 1;
            int kind = control >> 1 & 3;
            byte[] head = new byte[8];
            if (kind != 0) {
                int n = Math.min(8, data.length - at);
                System.arraycopy(data, at, head, 0, n);
                at += n;
            }
            int length = at < data.length ? data[at++] & 0xFF : 0;
            length = Math.min(length, data.length - at);
            byte[] body = Arrays.copyOfRange(data, at, at + length);
            at += length;
            byte[] answered = (control & 8) != 0 ? lastOut[side] : null;
            byte[] datagram = kind == 0 ? body : build(side, kind, head, body, answered);
            if (datagram.length < 1 || datagram.length > 65535) {
                continue;
            }
            HelperStep step = gateway.process(side, datagram);
            executions++;
            if (step.output() != null) {
                int left = switch (step.verdict()) {
                    case Translator.FORWARD_INSIDE -> Translator.INSIDE;
                    case Translator.FORWARD_OUTSIDE -> Translator.OUTSIDE;
                    default -> side; // a reply of the gateway's own leaves where the datagram came from
                };
                lastOut[left] = step.output();
                if (kind != 0) {
                    assertTrue(wellFormed(step.output()), () -> "left malformed: " + step);
                }
            }
            gateway.released(side);
            gateway.advanceNanos((head[7] & 0xFF) * 10_000_000L);
        }
    }

    /** A datagram of {@code kind} from the record's bytes, or an answer to {@code answered}. */
    private static byte[] build(int side, int kind, byte[] h, byte[] payload, byte[] answered) {
        String source = (side == 0 ? INSIDE_SOURCES : OUTSIDE_SOURCES)[h[0] & 7];
        String destination = (side == 0 ? INSIDE_DESTINATIONS : OUTSIDE_DESTINATIONS)[h[0] >> 3 & 7];
        int sourcePort = (h[1] & 0x80) != 0 ? PORTS[(h[1] & 0x7F) % PORTS.length] : 1024 + (h[1] & 0x7F) * 300;
        int destinationPort = (h[2] & 0x80) != 0 ? PORTS[(h[2] & 0x7F) % PORTS.length] : 1 + (h[2] & 0x7F) * 500;
        if (answered != null && kind != 3 && Packets.protocol(answered) != Packets.PROTOCOL_ICMP) {
            source = Packets.destination(answered);
            destination = Packets.source(answered);
            sourcePort = Packets.destinationPort(answered);
            destinationPort = Packets.sourcePort(answered);
            kind = Packets.protocol(answered) == Packets.PROTOCOL_TCP ? 1 : 2;
        }
        long seq = (h[4] & 0xFFL) << 24 | (h[5] & 0xFF) << 16 | (h[6] & 0xFF) << 8;
        return switch (kind) {
            case 1 -> Packets.tcp(source, sourcePort, destination, destinationPort).flags(h[3] & 0x3F).seq(seq)
                    .ack(answered != null && Packets.protocol(answered) == Packets.PROTOCOL_TCP
                            ? Packets.seq(answered) + 1 : seq ^ 0x5A5A5A5AL)
                    .payload(payload).build();
            case 2 -> Packets.udp(source, sourcePort, destination, destinationPort).payload(payload).build();
            default -> icmp(source, destination, h, payload, answered);
        };
    }

    private static byte[] icmp(String source, String destination, byte[] h, byte[] payload, byte[] answered) {
        int type = h[3] & 0x1F;
        if (answered != null && (type == Packets.ICMP_UNREACHABLE || type == Packets.ICMP_TIME_EXCEEDED
                || type == 4 || type == 12)) {
            return Packets.icmpError(source, Packets.source(answered), type, h[4] & 0x0F, answered).build();
        }
        if (answered != null && Packets.protocol(answered) == Packets.PROTOCOL_ICMP) {
            return Packets.icmpEcho(Packets.destination(answered), Packets.source(answered),
                    (h[5] & 0xFF) << 8 | h[6] & 0xFF, h[7] & 0xFF).reply().payload(payload).build();
        }
        return Packets.icmpEcho(source, destination, (h[5] & 0xFF) << 8 | h[6] & 0xFF, h[7] & 0xFF)
                .payload(payload).build();
    }

    private static boolean wellFormed(byte[] out) {
        if (!Checksums.ipHeaderValid(out, 0)) {
            return false;
        }
        if (Packets.isFragment(out) || Packets.protocol(out) == Packets.PROTOCOL_UDP && Checksums.udpWithoutChecksum(out, 0)) {
            return true;
        }
        return Checksums.sameResidual(Checksums.transportResidual(out, 0), Checksums.VALID_RESIDUAL);
    }

    @AfterAll
    static void executed() {
        System.out.println("engine fuzz: " + executions + " datagrams");
    }
}
