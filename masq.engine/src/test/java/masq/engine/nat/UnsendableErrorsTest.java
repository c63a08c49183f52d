package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.INSIDE;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.DROP;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.REPLY;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.icmp;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import masq.engine.packet.PacketBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Translator#fragmentationNeeded}: ICMP 3/4 with the next-hop MTU (RFC 1191) to the original
 * sender, quoting the datagram as it was sent (RFC 5508), for a datagram already translated; and
 * {@link Translator#hostUnreachable}, ICMP 3/1 (RFC 1812 §4.3.3.1) the same way when its next hop
 * did not answer ARP.
 */
class UnsendableErrorsTest {
    private static final int DF = 0x4000;
    private static final int MTU = 1400;

    /** The error the sender must get, from {@code from} to {@code to}, quoting 28 bytes of {@code sent}. */
    private static byte[] fragNeeded(String from, String to, byte[] sent) {
        return icmp(from, to, 3, 4, MTU).id(0).payload(Arrays.copyOf(sent, 28)).build();
    }

    static Stream<Arguments> answered() {
        byte[] udpOut = udp(A, 1024, SERVER, 53).fragmentWord(DF).payload("0123456789abcdefghij").build();
        byte[] tcpOut = tcp(A, 40000, SERVER, 80).flags(ACK).seq(1000, 2000).fragmentWord(DF).payload("GET / ").build();
        byte[] echoOut = echo(A, SERVER, 77, 3).fragmentWord(DF).payload("ping-payload").build();
        byte[] udpIn = udp(SERVER, 53, OUTSIDE, 61000).fragmentWord(DF).ttl(50).payload("an answer too big").build();
        byte[] tcpIn = tcp(SERVER, 80, OUTSIDE, 61000).flags(SYN | ACK).seq(7, 1001).fragmentWord(DF).payload("x")
                .build();
        byte[] echoIn = PacketBuilder.echoReply(SERVER, OUTSIDE, 61000, 3).fragmentWord(DF).payload("pong").build();
        Consumer<TestGateway> udpMapping = g -> g.out(udp(A, 1024, SERVER, 53).build());
        Consumer<TestGateway> tcpMapping = g -> g.out(tcp(A, 40000, SERVER, 80).flags(SYN).build());
        Consumer<TestGateway> echoMapping = g -> g.out(echo(A, SERVER, 9, 1).build());
        return Stream.of(
                Arguments.of("outbound UDP: to the inside host, UDP checksum reverted", null, udpOut,
                        Translator.INSIDE, FORWARD_OUTSIDE, Translator.OUTSIDE, fragNeeded(INSIDE, A, udpOut)),
                Arguments.of("outbound TCP: ports and sequence as sent", null, tcpOut, Translator.INSIDE,
                        FORWARD_OUTSIDE, Translator.OUTSIDE, fragNeeded(INSIDE, A, tcpOut)),
                Arguments.of("outbound echo: identifier and ICMP checksum reverted", null, echoOut,
                        Translator.INSIDE, FORWARD_OUTSIDE, Translator.OUTSIDE, fragNeeded(INSIDE, A, echoOut)),
                Arguments.of("inbound UDP: to the remote from the outside address", udpMapping, udpIn,
                        Translator.OUTSIDE, FORWARD_INSIDE, Translator.INSIDE, fragNeeded(OUTSIDE, SERVER, udpIn)),
                Arguments.of("inbound TCP", tcpMapping, tcpIn, Translator.OUTSIDE, FORWARD_INSIDE, Translator.INSIDE,
                        fragNeeded(OUTSIDE, SERVER, tcpIn)),
                Arguments.of("inbound echo reply", echoMapping, echoIn, Translator.OUTSIDE, FORWARD_INSIDE,
                        Translator.INSIDE, fragNeeded(OUTSIDE, SERVER, echoIn)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answered")
    @DisplayName("RFC 4787 REQ-13 / RFC 1191: fragmentation needed to the original sender, quote untranslated")
    void answered(String name, Consumer<TestGateway> setUp, byte[] datagram, int arrival, int verdict,
            int sentSide, byte[] expected) {
        TestGateway g = new TestGateway();
        if (setUp != null) {
            setUp.accept(g);
        }
        g.run(arrival, datagram);
        assertEquals(verdict, g.verdict, name);
        assertEquals(REPLY, g.translator.fragmentationNeeded(sentSide, g.buffer, MTU), name);
        byte[] got = Arrays.copyOfRange(g.buffer.data, g.buffer.offset, g.buffer.offset + g.buffer.length);
        assertArrayEquals(expected, got, () -> name + "\nexpected " + PacketBuilder.toHex(expected) + "\n but got "
                + PacketBuilder.toHex(got));
        assertEquals(1, g.count(Counter.SENT_FRAG_NEEDED));
        assertEquals(0, g.count(Counter.FRAG_NEEDED_SUPPRESSED));
    }

    static Stream<Arguments> suppressed() {
        return Stream.of(
                Arguments.of("DF clear: the link fragments, no error", Translator.INSIDE,
                        udp(A, 1024, SERVER, 53).payload("x").build(), null),
                Arguments.of("RFC 1812 §4.3.2.7: not about an ICMP error", Translator.INSIDE,
                        icmp(A, SERVER, 3, 3, 0).fragmentWord(DF)
                                .payload(Arrays.copyOf(udp(SERVER, 53, A, 1024).build(), 28)).build(),
                        (Consumer<TestGateway>) g -> {
                            g.out(udp(A, 1024, SERVER, 53).build());
                            g.in(udp(SERVER, 53, OUTSIDE, 61000).build());
                        }),
                Arguments.of("RFC 1812 §4.3.2.7: not to a broadcast destination", Translator.INSIDE,
                        udp(A, 1024, "255.255.255.255", 53).fragmentWord(DF).payload("x").build(), null),
                Arguments.of("hairpinned: the sender saw two translations", Translator.INSIDE,
                        udp(A, 1024, OUTSIDE, 61000).fragmentWord(DF).payload("x").build(),
                        (Consumer<TestGateway>) g -> g.out(udp(B, 7, SERVER, 53).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suppressed")
    void suppressed(String name, int arrival, byte[] datagram, Consumer<TestGateway> setUp) {
        TestGateway g = new TestGateway(TestGateway.base().filtering(Filtering.ENDPOINT_INDEPENDENT).build());
        if (setUp != null) {
            setUp.accept(g);
        }
        g.run(arrival, datagram);
        assertEquals(true, g.verdict == FORWARD_OUTSIDE || g.verdict == FORWARD_INSIDE, name + ": forwarded first");
        int sentSide = g.verdict == FORWARD_OUTSIDE ? Translator.OUTSIDE : Translator.INSIDE;
        assertEquals(DROP, g.translator.fragmentationNeeded(sentSide, g.buffer, MTU), name);
        assertEquals(1, g.count(Counter.FRAG_NEEDED_SUPPRESSED), name);
        assertEquals(0, g.count(Counter.SENT_FRAG_NEEDED));
    }

    @ParameterizedTest(name = "after a flush the mapping is gone: {0}")
    @MethodSource("answered")
    void noMappingNoError(String name, Consumer<TestGateway> setUp, byte[] datagram, int arrival, int verdict,
            int sentSide, byte[] expected) {
        TestGateway g = new TestGateway();
        if (setUp != null) {
            setUp.accept(g);
        }
        g.run(arrival, datagram);
        byte[] translated = Arrays.copyOfRange(g.buffer.data, g.buffer.offset, g.buffer.offset + g.buffer.length);
        g.translator.flush();
        System.arraycopy(translated, 0, g.buffer.data, g.buffer.offset, translated.length);
        assertEquals(DROP, g.translator.fragmentationNeeded(sentSide, g.buffer, MTU));
        assertEquals(1, g.count(Counter.FRAG_NEEDED_SUPPRESSED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answered")
    @DisplayName("RFC 1812 4.3.3.1: host unreachable to the original sender, quote untranslated")
    void hostUnreachable(String name, Consumer<TestGateway> setUp, byte[] datagram, int arrival, int verdict,
            int sentSide, byte[] fragNeededNotUsedHere) {
        TestGateway g = new TestGateway();
        if (setUp != null) {
            setUp.accept(g);
        }
        g.run(arrival, datagram);
        assertEquals(verdict, g.verdict, name);
        assertEquals(REPLY, g.translator.hostUnreachable(sentSide, g.buffer), name);
        // The same error as fragmentation needed, with code 1 and no MTU: from the gateway's address on
        // the sender's side to the sender, quoting the datagram as it was sent.
        String from = sentSide == Translator.OUTSIDE ? INSIDE : OUTSIDE;
        String to = masq.api.Ipv4.toString(masq.engine.packet.Bytes.get32(datagram, 12));
        byte[] expected = icmp(from, to, 3, 1, 0).id(0).payload(Arrays.copyOf(datagram, 28)).build();
        byte[] got = Arrays.copyOfRange(g.buffer.data, g.buffer.offset, g.buffer.offset + g.buffer.length);
        assertArrayEquals(expected, got, () -> name + "\nexpected " + PacketBuilder.toHex(expected) + "\n but got "
                + PacketBuilder.toHex(got));
        assertEquals(1, g.count(Counter.SENT_UNREACHABLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suppressed")
    void hostUnreachableSuppressedLikeFragmentationNeededButWithoutTheDfCondition(String name, int arrival,
            byte[] datagram, Consumer<TestGateway> setUp) {
        TestGateway g = new TestGateway(TestGateway.base().filtering(Filtering.ENDPOINT_INDEPENDENT).build());
        if (setUp != null) {
            setUp.accept(g);
        }
        g.run(arrival, datagram);
        int sentSide = g.verdict == FORWARD_OUTSIDE ? Translator.OUTSIDE : Translator.INSIDE;
        boolean dfClear = name.startsWith("DF clear");
        assertEquals(dfClear ? REPLY : DROP, g.translator.hostUnreachable(sentSide, g.buffer), name);
        assertEquals(dfClear ? 0 : 1, g.count(Counter.HOST_UNREACHABLE_SUPPRESSED), name);
        assertEquals(0, g.count(Counter.FRAG_NEEDED_SUPPRESSED), name);
    }
}
