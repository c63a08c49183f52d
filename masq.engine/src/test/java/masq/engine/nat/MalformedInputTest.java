package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.error;
import static masq.engine.packet.PacketBuilder.icmp;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed datagram is dropped and counted under its own reason; nothing is created. */
class MalformedInputTest {
    private static final int IN = Translator.INSIDE;
    private static final int OUT = Translator.OUTSIDE;

    private static byte[] udpOut() {
        return udp(A, 1024, SERVER, 53).payload("payload!").build();
    }

    private static byte[] tcpOut(byte... options) {
        return tcp(A, 40000, SERVER, 80).tcpOptions(options).payload("data").build();
    }

    private static byte[] mutate(byte[] b, Consumer<byte[]> change) {
        change.accept(b);
        return b;
    }

    /** Applies a change to the IP header, then repairs the IP header checksum. */
    private static byte[] mutateIp(byte[] b, Consumer<byte[]> change) {
        change.accept(b);
        if (b.length >= 20 && Ipv4Header.headerLength(b, 0) <= b.length && Ipv4Header.headerLength(b, 0) >= 20) {
            Ipv4Header.updateChecksum(b, 0);
        }
        return b;
    }

    /** Applies a change to the TCP header, then repairs the TCP checksum. */
    private static byte[] mutateTcp(byte[] b, Consumer<byte[]> change) {
        change.accept(b);
        Bytes.set16(b, 36, 0);
        Bytes.set16(b, 36, Checksum.compute(b, 20, b.length - 20,
                Checksum.pseudoHeader(Ipv4Header.source(b, 0), Ipv4Header.destination(b, 0), 6, b.length - 20)));
        return b;
    }

    private static byte[] truncateIp(byte[] b, int length) {
        byte[] t = Arrays.copyOf(b, length);
        Bytes.set16(t, 2, length);
        Ipv4Header.updateChecksum(t, 0);
        return t;
    }

    static Stream<Arguments> cases() {
        byte[] garbage = new byte[100];
        new Random(42).nextBytes(garbage);
        byte[] garbage45 = garbage.clone();
        garbage45[0] = 0x45;
        Bytes.set16(garbage45, 2, garbage45.length);
        garbage45[6] = 0;
        garbage45[7] = 0;
        return Stream.of(
                Arguments.of("zero length", IN, new byte[0], Counter.IP_TRUNCATED),
                Arguments.of("19 bytes", IN, Arrays.copyOf(udpOut(), 19), Counter.IP_TRUNCATED),
                Arguments.of("version 6", IN, mutateIp(udpOut(), b -> b[0] = 0x65), Counter.IP_BAD_VERSION),
                Arguments.of("IHL 4", IN, mutateIp(udpOut(), b -> b[0] = 0x44), Counter.IP_BAD_IHL),
                Arguments.of("IHL 15 beyond capture", IN, mutate(Arrays.copyOf(udpOut(), 40), b -> b[0] = 0x4f),
                        Counter.IP_BAD_IHL),
                Arguments.of("total length > captured", IN, mutateIp(udpOut(), b -> Bytes.set16(b, 2, 200)),
                        Counter.IP_BAD_TOTAL_LENGTH),
                Arguments.of("total length < IHL", IN, mutateIp(udpOut(), b -> Bytes.set16(b, 2, 19)),
                        Counter.IP_BAD_TOTAL_LENGTH),
                Arguments.of("bad IP checksum", IN, mutate(udpOut(), b -> b[11] ^= 1), Counter.IP_BAD_CHECKSUM),
                Arguments.of("bad IP checksum inbound", OUT, mutate(udp(SERVER, 53, OUTSIDE, 61000).build(),
                        b -> b[10] ^= 0x40), Counter.IP_BAD_CHECKSUM),
                Arguments.of("fragment beyond 65535", IN, mutateIp(udpOut(), b -> Bytes.set16(b, 6, 0x1fff)),
                        Counter.IP_BAD_FRAGMENT),
                Arguments.of("garbage", IN, garbage, Counter.IP_BAD_VERSION),
                Arguments.of("garbage with a v4 first byte", OUT, garbage45, Counter.IP_BAD_CHECKSUM),
                Arguments.of("TCP 19 bytes", IN, truncateIp(tcpOut(), 39), Counter.TCP_TRUNCATED),
                Arguments.of("TCP data offset 4", IN, mutateTcp(tcpOut(), b -> b[32] = 0x40), Counter.TCP_BAD_DATA_OFFSET),
                Arguments.of("TCP data offset 0", IN, mutateTcp(tcpOut(), b -> b[32] = 0), Counter.TCP_BAD_DATA_OFFSET),
                Arguments.of("TCP data offset beyond segment", IN, mutateTcp(tcpOut(), b -> b[32] = (byte) 0xf0),
                        Counter.TCP_BAD_DATA_OFFSET),
                Arguments.of("TCP bad checksum", IN, mutate(tcpOut(), b -> b[37] ^= 1), Counter.TCP_BAD_CHECKSUM),
                Arguments.of("TCP bad checksum inbound", OUT, mutate(tcp(SERVER, 80, OUTSIDE, 61000).build(),
                        b -> b[36] ^= 1), Counter.TCP_BAD_CHECKSUM),
                Arguments.of("TCP option length 0", IN, tcpOut((byte) 30, (byte) 0, (byte) 0, (byte) 0),
                        Counter.TCP_BAD_OPTIONS),
                Arguments.of("TCP option past header", IN, tcpOut((byte) 30, (byte) 9, (byte) 0, (byte) 0),
                        Counter.TCP_BAD_OPTIONS),
                Arguments.of("TCP option kind without length", IN, tcpOut((byte) 1, (byte) 1, (byte) 1, (byte) 30),
                        Counter.TCP_BAD_OPTIONS),
                Arguments.of("TCP MSS length 3", IN, tcpOut((byte) 2, (byte) 3, (byte) 5, (byte) 1),
                        Counter.TCP_BAD_OPTIONS),
                Arguments.of("TCP SACK length 4", IN, tcpOut((byte) 5, (byte) 4, (byte) 0, (byte) 0),
                        Counter.TCP_BAD_OPTIONS),
                Arguments.of("TCP timestamps length 6", IN, tcpOut((byte) 8, (byte) 6, (byte) 0, (byte) 0,
                        (byte) 0, (byte) 0, (byte) 1, (byte) 1), Counter.TCP_BAD_OPTIONS),
                Arguments.of("UDP 7 bytes", IN, truncateIp(udpOut(), 27), Counter.UDP_TRUNCATED),
                Arguments.of("UDP length field 7", IN, mutate(udpOut(), b -> Bytes.set16(b, 24, 7)), Counter.UDP_BAD_LENGTH),
                Arguments.of("UDP length beyond datagram", IN, mutate(udpOut(), b -> Bytes.set16(b, 24, 100)),
                        Counter.UDP_BAD_LENGTH),
                Arguments.of("UDP bad checksum", IN, mutate(udpOut(), b -> b[27] ^= 1), Counter.UDP_BAD_CHECKSUM),
                Arguments.of("UDP bad checksum inbound", OUT, mutate(udp(SERVER, 53, OUTSIDE, 61000).payload("x").build(),
                        b -> b[28] ^= 1), Counter.UDP_BAD_CHECKSUM),
                Arguments.of("ICMP 7 bytes", IN, truncateIp(echo(A, SERVER, 1, 1).build(), 27), Counter.ICMP_TRUNCATED),
                Arguments.of("ICMP 7 bytes inbound", OUT, truncateIp(echo(SERVER, OUTSIDE, 1, 1).build(), 27),
                        Counter.ICMP_TRUNCATED),
                Arguments.of("ICMP echo bad checksum", IN, mutate(echo(A, SERVER, 1, 1).payload("abc").build(),
                        b -> b[30] ^= 1), Counter.ICMP_BAD_CHECKSUM),
                Arguments.of("ICMP redirect from inside", IN, icmp(A, SERVER, 5, 1, 0).payload(new byte[28]).build(),
                        Counter.DROP_ICMP_TYPE),
                Arguments.of("ICMP router advertisement inbound", OUT, icmp(SERVER, OUTSIDE, 9, 0, 0).build(),
                        Counter.DROP_ICMP_TYPE),
                Arguments.of("ICMP error quoting 20 bytes", OUT, error(SERVER, OUTSIDE, 3, 3,
                        udp(OUTSIDE, 61000, SERVER, 53).build(), 20).build(), Counter.ICMP_EMBEDDED_TRUNCATED),
                Arguments.of("ICMP error quoting nothing", OUT, error(SERVER, OUTSIDE, 3, 3, new byte[0], 0).build(),
                        Counter.ICMP_EMBEDDED_TRUNCATED),
                Arguments.of("ICMP error quoting IPv6", OUT, error(SERVER, OUTSIDE, 11, 0,
                        mutate(udp(OUTSIDE, 61000, SERVER, 53).build(), b -> b[0] = 0x60), 28).build(),
                        Counter.ICMP_EMBEDDED_BAD_HEADER),
                Arguments.of("ICMP error from inside quoting 27 bytes", IN, error(A, SERVER, 3, 3,
                        udp(SERVER, 53, A, 1024).build(), 27).build(), Counter.ICMP_EMBEDDED_TRUNCATED),
                Arguments.of("ICMP error quoting another address", OUT, error(SERVER, OUTSIDE, 3, 3,
                        udp("203.0.113.9", 61000, SERVER, 53).build(), 28).build(), Counter.DROP_ICMP_ERROR_NO_MAPPING),
                Arguments.of("GRE", IN, mutateIp(udpOut(), b -> b[9] = 47), Counter.DROP_PROTOCOL),
                Arguments.of("GRE inbound", OUT, mutateIp(udp(SERVER, 1, OUTSIDE, 2).build(), b -> b[9] = 47),
                        Counter.DROP_PROTOCOL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void droppedAndCounted(String name, int side, byte[] datagram, Counter counter) {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 53).build());
        int before = g.translator.mappingCount();
        g.expectDrop(side, datagram, counter);
        assertEquals(before, g.translator.mappingCount(), "no mapping created");
        assertEquals(0, g.count(Counter.DROP_INTERNAL_ERROR));
    }

    @Test
    void bufferBoundsOutOfRangeAreDropped() {
        TestGateway g = new TestGateway();
        PacketBuffer p = new PacketBuffer(new byte[64], 60, 10);
        assertEquals(Translator.DROP, g.translator.process(IN, p, 0));
        p.offset = -1;
        assertEquals(Translator.DROP, g.translator.process(IN, p, 0));
        assertEquals(2, g.count(Counter.IP_TRUNCATED));
    }

    @Test
    void linkPaddingIsTrimmedNotRejected() {
        TestGateway g = new TestGateway();
        byte[] padded = Arrays.copyOf(udpOut(), 60);
        byte[] out = g.out(padded);
        assertEquals(Translator.FORWARD_OUTSIDE, g.verdict);
        assertEquals(udpOut().length, out.length);
    }

    @Test
    void transportChecksumsCanBeTrustedForOffloadedCaptures() {
        TestGateway g = new TestGateway(TestGateway.base().verifyTransportChecksums(false).build());
        g.run(IN, mutate(udpOut(), b -> b[27] ^= 1));
        assertEquals(Translator.FORWARD_OUTSIDE, g.verdict);
    }
}
