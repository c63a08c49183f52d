package masq.helper.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import masq.api.admin.ExpectationDTO;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * "PORTFWed FTP" (protocols.md §1.5, issue 14 part 2): an FTP server inside behind a port forward that
 * names the helper ({@code helper = ftp}), an outside client, through the real engine. The server's
 * 227/229 replies carry the gateway's address and a gateway port, and the passive data connection from
 * the client reaches the server's port; the client's PORT/EPRT are read, not rewritten, and the server's
 * active data connection leaves as a child. Hostile and malformed lines are refused, counted and left
 * unchanged, and open nothing.
 */
class FtpServerInsideTest {
    private static final String SERVER = "192.168.0.2";
    private static final String CLIENT = "198.51.100.7";
    private static final String GATEWAY = "203.0.113.1";
    private static final int CLIENT_PORT = 40000;

    private final HelperHarness gateway = HelperHarness.builder().helper(new FtpHelper(), "ftp", "tcp", 21).build();
    private long clientSeq = 1001;
    private long serverSeq = 5001;

    /** The forward (with the helper or not) and the handshake; the server has said nothing yet. */
    private void connect(String helper) {
        gateway.forward("tcp", 21, SERVER, 21, helper);
        HelperStep syn = gateway.inbound(Packets.tcp(CLIENT, CLIENT_PORT, GATEWAY, 21).flags(Packets.SYN)
                .seq(clientSeq - 1).build());
        assertTrue(syn.forwardedInside(), "the forward takes the connection");
        gateway.outbound(Packets.tcp(SERVER, 21, CLIENT, CLIENT_PORT).flags(Packets.SYN | Packets.ACK)
                .seq(serverSeq - 1).ack(clientSeq).build());
        gateway.inbound(Packets.tcp(CLIENT, CLIENT_PORT, GATEWAY, 21).seq(clientSeq).ack(serverSeq).build());
    }

    private HelperStep server(String text) {
        HelperStep step = gateway.outbound(Packets.tcp(SERVER, 21, CLIENT, CLIENT_PORT).seq(serverSeq)
                .ack(clientSeq).payload(text).build());
        serverSeq += text.length();
        return step;
    }

    private HelperStep client(String text) {
        HelperStep step = gateway.inbound(Packets.tcp(CLIENT, CLIENT_PORT, GATEWAY, 21).seq(clientSeq)
                .ack(serverSeq).payload(text).build());
        clientSeq += text.length();
        return step;
    }

    /** The passive data connection's SYN from {@code from}:41000 to the gateway's {@code port}. */
    private HelperStep dataSyn(String from, int port) {
        return gateway.inbound(Packets.tcp(from, 41000, GATEWAY, port).flags(Packets.SYN).build());
    }

    /** The server's 227 naming {@code address}:30000 leaves unchanged and opens nothing. */
    private void assertPassiveReplyUntouched(String address) {
        String line = "227 Entering Passive Mode (" + tuple(address, 30000) + ")\r\n";
        assertEquals(line, server(line).outputText());
        assertEquals(List.of(), gateway.expectations());
    }

    private static String tuple(String address, int port) {
        return address.replace('.', ',') + "," + (port >> 8) + "," + (port & 0xff);
    }

    // ---- the server's passive replies

    @Test
    @DisplayName("227 from the server inside leaves with the gateway's address and port; the client's data connection reaches it")
    void aPassiveReplyIsRewrittenAndItsDataConnectionReachesTheServer() {
        connect("ftp");
        HelperStep reply = server("227 Entering Passive Mode (" + tuple(SERVER, 30000) + ").\r\n");
        ExpectationDTO e = reply.newExpectations().get(0);
        assertEquals(CLIENT, e.remoteAddress, "only the client may open it");
        assertEquals(30000, e.insidePort);
        assertEquals("227 Entering Passive Mode (" + tuple(GATEWAY, e.gatewayPort) + ").\r\n", reply.outputText());
        HelperStep syn = dataSyn(CLIENT, e.gatewayPort);
        assertTrue(syn.forwardedInside());
        assertEquals(SERVER, Packets.destination(syn.output()));
        assertEquals(30000, Packets.destinationPort(syn.output()));
        assertEquals(Map.of(), gateway.refusals("ftp"));
    }

    @Test
    @DisplayName("229 from the server inside leaves with a gateway port (RFC 2428); the data connection reaches the server")
    void anExtendedPassiveReplyIsRewritten() {
        connect("ftp");
        HelperStep reply = server("229 Entering Extended Passive Mode (|||30001|)\r\n");
        ExpectationDTO e = reply.newExpectations().get(0);
        assertEquals("229 Entering Extended Passive Mode (|||" + e.gatewayPort + "|)\r\n", reply.outputText());
        HelperStep syn = dataSyn(CLIENT, e.gatewayPort);
        assertEquals(SERVER + ":30001", Packets.destination(syn.output()) + ":" + Packets.destinationPort(syn.output()));
    }

    @Test
    @DisplayName("a 227 split over two segments leaves whole and rewritten")
    void aSplitPassiveReplyLeavesWhole() {
        connect("ftp");
        String line = "227 Entering Passive Mode (" + tuple(SERVER, 30002) + ")\r\n";
        HelperStep first = server(line.substring(0, 20));
        HelperStep second = server(line.substring(20));
        ExpectationDTO e = second.newExpectations().get(0);
        assertEquals("227 Entering Passive Mode (" + tuple(GATEWAY, e.gatewayPort) + ")\r\n",
                (first.output() == null ? "" : first.outputText()) + second.outputText());
    }

    // ---- the client's active commands

    @Test
    @DisplayName("the outside client's PORT with its own address passes unchanged; the server's data connection leaves as a child")
    void anActiveCommandIsReadAndTheServersDataConnectionLeaves() {
        connect("ftp");
        HelperStep port = client("PORT " + tuple(CLIENT, 42000) + "\r\n");
        assertEquals("PORT " + tuple(CLIENT, 42000) + "\r\n", port.outputText(), "the client's address is public");
        assertEquals(1, port.newExpectations().size());
        HelperStep syn = gateway.outbound(Packets.tcp(SERVER, 20, CLIENT, 42000).flags(Packets.SYN).build());
        assertTrue(syn.forwardedOutside());
        assertEquals(GATEWAY, Packets.source(syn.output()));
        assertEquals(List.of(), gateway.expectations(), "the data connection took the expectation");
    }

    // ---- hostile and malformed

    @Test
    @DisplayName("without a helper on the forward the 227 leaves with the inside address and the data connection is refused")
    void withoutTheHelperNothingIsRewrittenOrOpened() {
        connect(null);
        assertPassiveReplyUntouched(SERVER);
        assertTrue(dataSyn(CLIENT, 30000).dropped());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", CLIENT, GATEWAY, "192.168.0.3"})
    @DisplayName("a 227 naming another address than the server's own opens nothing and is left alone")
    void aPassiveReplyForAnotherAddressIsRefused(String address) {
        connect("ftp");
        assertPassiveReplyUntouched(address);
        assertEquals(Map.of("pasv-address", 1L), gateway.refusals("ftp"));
    }

    @ParameterizedTest
    @ValueSource(ints = {22, 0, 1023})
    @DisplayName("a 227 or 229 naming a privileged port of the server (its SSH, say) opens nothing")
    void aPassiveReplyForAPrivilegedPortIsRefused(int port) {
        connect("ftp");
        server("227 Entering Passive Mode (" + tuple(SERVER, port) + ")\r\n");
        server("229 Entering Extended Passive Mode (|||" + port + "|)\r\n");
        assertEquals(List.of(), gateway.expectations());
        assertEquals(Map.of("port-privileged", 2L), gateway.refusals("ftp"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"227 Entering Passive Mode (192,168,0,2,117)", "227 Entering Passive Mode (192,168,0,256,117,48)",
        "227 Entering Passive Mode (192,168,0,2,300,48)", "229 Entering Extended Passive Mode (|||70000|)",
        "229 Entering Extended Passive Mode (||30000|)", "227 =192,168,0,2,117,48,9"})
    @DisplayName("a malformed 227 or 229 is left unchanged, opens nothing, and is counted")
    void aMalformedPassiveReplyIsRefused(String line) {
        connect("ftp");
        HelperStep reply = server(line + "\r\n");
        assertEquals(line + "\r\n", reply.outputText());
        assertEquals(List.of(), gateway.expectations());
        assertEquals(Map.of("malformed", 1L), gateway.refusals("ftp"));
    }

    @Test
    @DisplayName("FTP bounce: a PORT naming a third host, or a privileged port, opens nothing")
    void aBouncingOrPrivilegedPortIsRefused() {
        connect("ftp");
        client("PORT " + tuple("198.51.100.99", 42000) + "\r\n");
        client("EPRT |1|" + SERVER + "|42000|\r\n");
        client("PORT " + tuple(CLIENT, 25) + "\r\n");
        assertEquals(List.of(), gateway.expectations());
        assertEquals(Map.of("address-mismatch", 2L, "port-privileged", 1L), gateway.refusals("ftp"));
    }

    @Test
    @DisplayName("reply-shaped lines from the client and command-shaped lines from the server are not parsed")
    void linesFromTheWrongSideAreNotParsed() {
        connect("ftp");
        HelperStep fake = client("227 Entering Passive Mode (" + tuple(SERVER, 30000) + ")\r\n");
        assertEquals("227 Entering Passive Mode (" + tuple(SERVER, 30000) + ")\r\n", fake.outputText());
        server("PORT " + tuple(SERVER, 42000) + "\r\n");
        assertEquals(List.of(), gateway.expectations(), "an outside client cannot make the gateway open a port");
        assertEquals(Map.of(), gateway.refusals("ftp"));
    }

    @Test
    @DisplayName("the passive data connection is let in from the client's address only")
    void theDataConnectionFromAnotherAddressIsRefused() {
        connect("ftp");
        ExpectationDTO e = server("227 Entering Passive Mode (" + tuple(SERVER, 30000) + ")\r\n")
                .newExpectations().get(0);
        assertTrue(dataSyn("198.51.100.99", e.gatewayPort).dropped());
        assertTrue(dataSyn(CLIENT, e.gatewayPort).forwardedInside(), "the client still gets in afterwards");
    }

    @Test
    @DisplayName("NAT Slipstreaming: a client that speaks HTTP to the forward is ignored, the server's replies too")
    void aClientSpeakingHttpIsIgnored() {
        connect("ftp");
        client("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertPassiveReplyUntouched(SERVER);
        assertEquals(Map.of("http", 1L), gateway.refusals("ftp"));
    }

    @Test
    @DisplayName("a forward naming a helper that is not installed forwards plainly, counted")
    void aForwardNamingAnAbsentHelperForwardsPlainly() {
        gateway.uninstall("ftp");
        connect("ftp");
        assertPassiveReplyUntouched(SERVER);
        assertEquals(1, gateway.counter("helper.assigned.absent"));
        assertNull(gateway.helper("ftp"));
    }
}
