package masq.helper.irc;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import masq.api.admin.ExpectationDTO;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * The IRC helper through the real engine ({@code masq.testkit}'s {@link HelperHarness}): the client
 * 192.168.0.2:40000 on an IRC server 198.51.100.5:6667, masqueraded from 203.0.113.1 (3405803777).
 * Protocols.md §4.6's vector, every offer type, resume, and the hostile lines of §4.5 and §8.
 */
class IrcHelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "198.51.100.5";
    static final String PEER = "198.51.100.77";
    static final String GATEWAY = "203.0.113.1";
    /** 192.168.0.2 and 203.0.113.1 as DCC writes them. */
    static final String INSIDE_DECIMAL = "3232235522";
    static final String GATEWAY_DECIMAL = "3405803777";

    /** One IRC connection through the gateway. */
    static final class Irc {
        final HelperHarness gateway;
        final int masqPort;
        long clientSeq = 1000;
        long serverSeq = 5000;
        HelperStep last;

        Irc() {
            this(b -> { });
        }

        Irc(java.util.function.Consumer<masq.engine.nat.EngineConfig.Builder> engine) {
            gateway = HelperHarness.builder().engine(b -> {
                b.ports(61000, 61999);
                engine.accept(b);
            }).helper(new IrcHelper(), properties()).build();
            HelperStep syn = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, 6667).flags(Packets.SYN)
                    .seq(clientSeq - 1).build());
            masqPort = Packets.sourcePort(syn.output());
            gateway.inbound(Packets.tcp(SERVER, 6667, GATEWAY, masqPort).flags(Packets.SYN | Packets.ACK)
                    .seq(serverSeq - 1).ack(clientSeq).build());
        }

        static Map<String, Object> properties() {
            Map<String, Object> p = new java.util.HashMap<>(HelperHarness.properties("irc", "tcp", 6667));
            p.put(masq.api.MasqHelper.MAX_EXPECTED, IrcHelper.MAX_OFFERS);
            p.put(masq.api.MasqHelper.EXPECT_TIMEOUT_SECONDS, IrcHelper.OFFER_TIMEOUT_SECONDS);
            return p;
        }

        String out(String text) {
            last = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, 6667).flags(Packets.ACK).seq(clientSeq)
                    .ack(serverSeq).payload(text.getBytes(ISO_8859_1)).build());
            clientSeq += text.length();
            return last.output() == null ? null : new String(Packets.payload(last.output()), ISO_8859_1);
        }

        String in(String text) {
            last = gateway.inbound(Packets.tcp(SERVER, 6667, GATEWAY, masqPort).flags(Packets.ACK).seq(serverSeq)
                    .ack(clientSeq).payload(text.getBytes(ISO_8859_1)).build());
            serverSeq += text.length();
            return last.output() == null ? null : new String(Packets.payload(last.output()), ISO_8859_1);
        }

        List<ExpectationDTO> expectations() {
            return gateway.expectations();
        }

        Map<String, Long> refusals() {
            return gateway.refusals("irc");
        }
    }

    static String ctcp(String command, String dcc) {
        return command + " :\u0001DCC " + dcc + "\u0001\r\n";
    }

    // ---- the happy cases

    @Test
    void protocolsVectorSendIsRewrittenAndExpected() {
        Irc irc = new Irc();
        String before = "PRIVMSG bob :\u0001DCC SEND file.txt 3232235522 1025 1234\u0001\r\n";
        String after = irc.out(before);
        assertEquals("PRIVMSG bob :\u0001DCC SEND file.txt 3405803777 61001 1234\u0001\r\n", after);
        assertEquals(before.length() + 1, after.length(), "protocols.md §4.6: Δ = +1");
        ExpectationDTO e = irc.expectations().get(0);
        assertEquals("*", e.remoteAddress, "the peer of a DCC is any user");
        assertEquals(61001, e.gatewayPort);
        assertEquals(CLIENT, e.insideAddress);
        assertEquals(1025, e.insidePort);
        assertEquals("irc", e.helper);
        HelperStep syn = irc.gateway.inbound(Packets.tcp(PEER, 50000, GATEWAY, 61001).flags(Packets.SYN).build());
        assertEquals(CLIENT, Packets.destination(syn.output()));
        assertEquals(1025, Packets.destinationPort(syn.output()));
    }

    static Stream<Arguments> offers() {
        return Stream.of(
                Arguments.of("CHAT", "PRIVMSG bob", "CHAT chat " + INSIDE_DECIMAL + " 1026",
                        "CHAT chat " + GATEWAY_DECIMAL + " 61001"),
                Arguments.of("SEND no size", "PRIVMSG bob", "SEND f " + INSIDE_DECIMAL + " 2000",
                        "SEND f " + GATEWAY_DECIMAL + " 61001"),
                Arguments.of("quoted name with spaces", "PRIVMSG bob",
                        "SEND \"my file.txt\" " + INSIDE_DECIMAL + " 2000 99",
                        "SEND \"my file.txt\" " + GATEWAY_DECIMAL + " 61001 99"),
                Arguments.of("MOVE", "PRIVMSG bob", "MOVE f " + INSIDE_DECIMAL + " 2001 5",
                        "MOVE f " + GATEWAY_DECIMAL + " 61001 5"),
                Arguments.of("TSEND", "PRIVMSG bob", "TSEND f " + INSIDE_DECIMAL + " 2002 5",
                        "TSEND f " + GATEWAY_DECIMAL + " 61001 5"),
                Arguments.of("SCHAT", "PRIVMSG bob", "SCHAT chat " + INSIDE_DECIMAL + " 2003",
                        "SCHAT chat " + GATEWAY_DECIMAL + " 61001"),
                Arguments.of("TCHAT", "PRIVMSG bob", "TCHAT chat " + INSIDE_DECIMAL + " 2004",
                        "TCHAT chat " + GATEWAY_DECIMAL + " 61001"),
                Arguments.of("NOTICE", "NOTICE bob", "SEND f " + INSIDE_DECIMAL + " 2005 1",
                        "SEND f " + GATEWAY_DECIMAL + " 61001 1"),
                Arguments.of("lower case", "privmsg bob", "send f " + INSIDE_DECIMAL + " 2006 1",
                        "send f " + GATEWAY_DECIMAL + " 61001 1"),
                Arguments.of("channel target", "PRIVMSG #masq", "SEND f " + INSIDE_DECIMAL + " 2007 1",
                        "SEND f " + GATEWAY_DECIMAL + " 61001 1"),
                Arguments.of("highest port", "PRIVMSG bob", "SEND f " + INSIDE_DECIMAL + " 65535 1",
                        "SEND f " + GATEWAY_DECIMAL + " 61001 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void everyOfferTypeIsRewritten(String name, String command, String dcc, String rewritten) {
        Irc irc = new Irc();
        assertEquals(ctcp(command, rewritten), irc.out(ctcp(command, dcc)));
        assertEquals(1, irc.expectations().size());
        assertEquals(Map.of(), irc.refusals());
    }

    @Test
    void anOfferSplitAtEveryByteArrivesRewritten() {
        String line = ctcp("PRIVMSG bob", "SEND file.txt " + INSIDE_DECIMAL + " 1025 1234");
        String expected = "NICK a\r\n" + ctcp("PRIVMSG bob", "SEND file.txt " + GATEWAY_DECIMAL + " 61001 1234");
        String stream = "NICK a\r\n" + line;
        for (int cut = 1; cut < stream.length(); cut++) {
            Irc irc = new Irc();
            assertEquals(expected, irc.out(stream.substring(0, cut)) + irc.out(stream.substring(cut)), "cut " + cut);
            assertEquals(1, irc.expectations().size(), "cut " + cut);
        }
    }

    @Test
    void resumeFromThePeerGetsTheClientsPortAndTheClientsAcceptTheGatewayPort() {
        Irc irc = new Irc();
        irc.out(ctcp("PRIVMSG bob", "SEND f.bin " + INSIDE_DECIMAL + " 1025 100000"));
        String resume = ":bob!b@peer PRIVMSG alice :\u0001DCC RESUME f.bin 61001 5000\u0001\r\n";
        assertEquals(":bob!b@peer PRIVMSG alice :\u0001DCC RESUME f.bin 1025 5000\u0001\r\n", irc.in(resume));
        assertEquals(ctcp("PRIVMSG bob", "ACCEPT f.bin 61001 5000"), irc.out(ctcp("PRIVMSG bob", "ACCEPT f.bin 1025 5000")));
        assertEquals(1, irc.expectations().size(), "resume opens nothing");
        assertEquals(Map.of(), irc.refusals());
    }

    @Test
    void passiveDccPassesUnchanged() {
        Irc irc = new Irc();
        String passive = ctcp("PRIVMSG bob", "SEND f " + INSIDE_DECIMAL + " 0 100 7");
        assertEquals(passive, irc.out(passive));
        assertEquals(List.of(), irc.expectations());
        assertEquals(Map.of(), irc.refusals());
    }

    @Test
    void ordinaryTrafficPassesUntouched() {
        Irc irc = new Irc();
        String chatter = "NICK alice\r\nUSER a 0 * :A\r\nJOIN #masq\r\nPRIVMSG #masq :hello\r\n"
                + "PRIVMSG bob :\u0001ACTION waves\u0001\r\nPRIVMSG bob :\u0001VERSION\u0001\r\n";
        assertEquals(chatter, irc.out(chatter));
        String server = ":irc 001 alice :Welcome\r\n:bob!b@h PRIVMSG alice :\u0001DCC SEND f 3323553102 5000 10\u0001\r\n";
        assertEquals(server, irc.in(server), "an outside user's offer is public: nothing to rewrite");
        assertEquals(List.of(), irc.expectations(), "nothing from the server side opens an expectation");
    }

    // ---- hostile

    @Test
    void anOfferNamingAnotherInsideHostIsRefusedAndCounted() {
        Irc irc = new Irc();
        String forged = ctcp("PRIVMSG bob", "SEND f 3232235523 1025 1");   // 192.168.0.3
        assertEquals(forged, irc.out(forged));
        assertEquals(List.of(), irc.expectations());
        assertEquals(Map.of("address-mismatch", 1L), irc.refusals());
    }

    @Test
    void anOfferNamingTheServerOrTheGatewayIsRefused() {
        Irc irc = new Irc();
        irc.out(ctcp("PRIVMSG bob", "SEND f 3325256709 1025 1"));           // the server, CVE-2022-2663 (2)
        irc.out(ctcp("PRIVMSG bob", "SEND f " + GATEWAY_DECIMAL + " 1025 1"));
        assertEquals(List.of(), irc.expectations());
        assertEquals(Map.of("address-mismatch", 2L), irc.refusals());
    }

    @Test
    void privilegedPortsAreRefused() {
        for (String port : List.of("22", "1023", "1")) {
            Irc irc = new Irc();
            String line = ctcp("PRIVMSG bob", "SEND f " + INSIDE_DECIMAL + " " + port + " 1");
            assertEquals(line, irc.out(line));
            assertEquals(List.of(), irc.expectations(), port);
            assertEquals(Map.of("port-privileged", 1L), irc.refusals(), port);
        }
    }

    static Stream<String> malformed() {
        return Stream.of("SEND f 99999999999 1025 1", "SEND f 4294967296 1025 1", "SEND f " + INSIDE_DECIMAL + " 65536 1",
                "SEND f " + INSIDE_DECIMAL + " 1025x 1", "SEND f -1 1025 1", "SEND f 192.168.0.2 1025 1",
                "SEND f ::1 1025 1", "SEND f fe80::1 1025", "SEND f " + INSIDE_DECIMAL, "SEND f",
                "SEND \"unterminated " + INSIDE_DECIMAL + " 1025", "SEND \"\" " + INSIDE_DECIMAL + " 1025",
                "SEND f  " + INSIDE_DECIMAL + " 1025", "CHAT chat " + INSIDE_DECIMAL + " ", "RESUME f 61001",
                "ACCEPT f x 5", "SEND f " + INSIDE_DECIMAL + " 001025000 1");
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedOffersAreRefusedAndLeftUnchanged(String dcc) {
        Irc irc = new Irc();
        String line = ctcp("PRIVMSG bob", dcc);
        assertEquals(line, irc.out(line));
        assertEquals(List.of(), irc.expectations(), dcc);
        assertEquals(Map.of("malformed", 1L), irc.refusals(), dcc);
    }

    @Test
    void aDccThatIsNotTheFirstThingInTheTextIsNoOffer() {
        // CVE-2022-2663 (1): a CTCP the client echoes inside other text, or anywhere but after " :"
        Irc irc = new Irc();
        for (String line : List.of(
                "PRIVMSG bob :look \u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n",
                "NOTICE bob :\u0001PING \u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n",
                "PONG :\u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n",
                " PRIVMSG bob :\u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n",
                "XPRIVMSG bob :\u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n",
                "PRIVMSG :\u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n",
                "QUIT :bye PRIVMSG bob :\u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n")) {
            assertEquals(line, irc.out(line));
        }
        assertEquals(List.of(), irc.expectations());
        assertEquals(Map.of(), irc.refusals());
    }

    @Test
    void anOfferRelayedByTheServerOpensNothing() {
        Irc irc = new Irc();
        String echoed = ":alice!a@gw PRIVMSG alice :\u0001DCC SEND f " + INSIDE_DECIMAL + " 1025 1\u0001\r\n";
        assertEquals(echoed, irc.in(echoed));
        assertEquals(List.of(), irc.expectations());
    }

    @Test
    void anOverlongLineIsNotParsed() {
        Irc irc = new Irc();
        String line = "PRIVMSG bob :\u0001DCC SEND " + "f".repeat(500) + " " + INSIDE_DECIMAL + " 1025 1\u0001\r\n";
        assertEquals(line, irc.out(line));
        assertEquals(List.of(), irc.expectations());
        assertEquals(Map.of("line-too-long", 1L), irc.refusals());
    }

    @Test
    void anHttpRequestOnTheIrcPortIsLeftAloneForGood() {
        // NAT Slipstreaming: a browser made to POST to port 6667 with offers in the body
        Irc irc = new Irc();
        String post = "POST / HTTP/1.1\r\nHost: x\r\n\r\n" + ctcp("PRIVMSG x", "SEND f " + INSIDE_DECIMAL + " 1025 1");
        assertEquals(post, irc.out(post));
        assertEquals(List.of(), irc.expectations());
        assertEquals(Map.of("http", 1L), irc.refusals());
    }

    @Test
    void pendingOffersAreBoundedPerConnection() {
        Irc irc = new Irc();
        for (int k = 0; k < 3 * IrcHelper.MAX_OFFERS; k++) {
            irc.out(ctcp("PRIVMSG bob", "SEND f" + k + " " + INSIDE_DECIMAL + " " + (2000 + k) + " 1"));
        }
        assertEquals(IrcHelper.MAX_OFFERS, irc.expectations().size(), "the newest offers, the oldest replaced");
        assertTrue(irc.expectations().stream().allMatch(e -> e.insidePort >= 2000 + 2 * IrcHelper.MAX_OFFERS));
    }

    @Test
    void anOfferTimesOutAfterFiveMinutes() {
        Irc irc = new Irc();
        irc.out(ctcp("PRIVMSG bob", "SEND f " + INSIDE_DECIMAL + " 1025 1"));
        irc.gateway.advanceSeconds(IrcHelper.OFFER_TIMEOUT_SECONDS - 5);
        assertEquals(1, irc.expectations().size());
        irc.gateway.advanceSeconds(10);
        assertEquals(List.of(), irc.expectations());
    }

    @Test
    void noGatewayPortLeftLeavesTheOfferUnchanged() {
        Irc irc = new Irc(b -> b.ports(61000, 61000));
        String line = ctcp("PRIVMSG bob", "SEND f " + INSIDE_DECIMAL + " 1025 1");
        assertEquals(line, irc.out(line));
        assertEquals(Map.of("no-port", 1L), irc.refusals());
    }

    @Test
    void seededGarbageNeverThrowsAndNeverOpensAnExpectationForAnotherHost() {
        long seed = Long.getLong("masq.seed", System.nanoTime());
        Random random = new Random(seed);
        String alphabet = "PRIVMSG NOTICE :\u0001DCC SEND CHAT RESUME ACCEPT \"3232235522 3232235523 1025 61001 0123456789\r\n";
        for (int round = 0; round < 300; round++) {
            Irc irc = new Irc();
            for (int packet = 0; packet < 10; packet++) {
                StringBuilder b = new StringBuilder();
                for (int n = 1 + random.nextInt(80); n > 0; n--) {
                    b.append(random.nextInt(5) == 0 ? (char) random.nextInt(256) : alphabet.charAt(random.nextInt(alphabet.length())));
                }
                String sent = random.nextBoolean() ? irc.out(b.toString()) : irc.in(b.toString());
                assertTrue(sent != null || irc.last.dropped(), "seed " + seed);
            }
            for (ExpectationDTO e : irc.expectations()) {
                assertEquals(CLIENT, e.insideAddress, "seed " + seed);
                assertTrue(e.insidePort >= IrcHelper.MIN_PORT, "seed " + seed);
            }
            assertEquals(0, irc.gateway.counter("helper.failures"), "seed " + seed);
        }
    }

    /** Issue 14: an IRC server inside behind a forward naming the helper; relayed offers open nothing. */
    @org.junit.jupiter.api.Test
    void anInsideServersRelayedOffersAreLeftAloneAndOpenNothing() {
        HelperHarness gateway = HelperHarness.builder().helper(new IrcHelper(), Irc.properties()).build();
        gateway.forward("tcp", 6667, CLIENT, 6667, "irc");
        gateway.inbound(Packets.tcp(PEER, 40000, GATEWAY, 6667).flags(Packets.SYN).seq(999).build());
        gateway.outbound(Packets.tcp(CLIENT, 6667, PEER, 40000).flags(Packets.SYN | Packets.ACK).seq(4999).ack(1000)
                .build());
        // without a prefix (RFC 1459 §2.3.1: from the peer itself), so that it looks like a client's own offer
        String relayed = "PRIVMSG victim :\u0001DCC SEND f " + INSIDE_DECIMAL + " 5000 10\u0001\r\n";
        HelperStep step = gateway.outbound(Packets.tcp(CLIENT, 6667, PEER, 40000).seq(5000).ack(1000)
                .payload(relayed.getBytes(ISO_8859_1)).build());
        org.junit.jupiter.api.Assertions.assertEquals(relayed, new String(Packets.payload(step.output()), ISO_8859_1));
        String own = "PRIVMSG bob :\u0001DCC SEND f 3325256781 5000 10\u0001\r\n";
        gateway.inbound(Packets.tcp(PEER, 40000, GATEWAY, 6667).seq(1000).ack(5000 + relayed.length())
                .payload(own.getBytes(ISO_8859_1)).build());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), gateway.expectations());
        org.junit.jupiter.api.Assertions.assertEquals(1, gateway.helper("irc").flows(), "attached, by the forward");
    }
}
