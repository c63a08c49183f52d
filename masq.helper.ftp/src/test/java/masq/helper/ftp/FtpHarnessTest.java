package masq.helper.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.api.admin.ExpectationDTO;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/** The FTP helper through masq.testkit's harness: the harness's Javadoc example, kept true. */
class FtpHarnessTest {
    private static final String CLIENT = "192.168.0.2";
    private static final String SERVER = "198.51.100.5";
    private static final String OUTSIDE = "203.0.113.1";

    /** The example of HelperHarness's Javadoc, with the real FTP helper. */
    @Test
    void javadocExampleWithTheFtpHelper() {
        HelperHarness ftp = HelperHarness.builder().helper(new FtpHelper(), "ftp", "tcp", 21).build();
        ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).flags(Packets.SYN).seq(999).build());
        HelperStep port = ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).seq(1000).ack(1)
                .payload("PORT 192,168,0,2,4,2\r\n").build());
        assertEquals("PORT 203,0,113,1,238,73\r\n", port.outputText(), "61001: the control connection has 61000");
        ExpectationDTO data = port.newExpectations().get(0);
        assertEquals(61001, data.gatewayPort);
        HelperStep syn = ftp.inbound(Packets.tcp(SERVER, 20, OUTSIDE, data.gatewayPort).flags(Packets.SYN).build());
        assertEquals(CLIENT, Packets.destination(syn.output()));
        assertEquals(1026, Packets.destinationPort(syn.output()));
        HelperStep low = ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).seq(1022).ack(1)
                .payload("PORT 192,168,0,2,0,21\r\n").build());
        assertNotNull(low.output());
        assertEquals(Map.of("port-privileged", 1L), ftp.refusals("ftp"));
    }

    /** Issue 19: 50 PORT commands in one segment all leave rewritten, and the last one's data connection opens. */
    @Test
    void fiftyPipelinedPortsLeaveRewrittenAndTheLastOnesDataConnectionOpens() {
        HelperHarness ftp = HelperHarness.builder().helper(new FtpHelper(), "ftp", "tcp", 21).build();
        ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).flags(Packets.SYN).seq(999).build());
        StringBuilder commands = new StringBuilder();
        for (int k = 1; k <= 50; k++) {
            commands.append("PORT 192,168,0,2,8,").append(k).append("\r\n");
        }
        HelperStep step = ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).seq(1000).ack(1)
                .payload(commands.toString()).build());
        String out = step.outputText();
        assertEquals(50, out.split("\r\n").length);
        assertEquals(false, out.contains("192,168"), "no line leaves with the inside address");
        assertEquals(50, ftp.counter("expect.created"));
        ExpectationDTO last = ftp.expectations().get(0);
        assertEquals(1, ftp.expectations().size(), "the helper keeps one pending expectation, the newest");
        assertEquals(8 * 256 + 50, last.insidePort);
        assertEquals("PORT 203,0,113,1," + (last.gatewayPort >> 8) + "," + (last.gatewayPort & 0xff),
                out.split("\r\n")[49]);
        HelperStep syn = ftp.inbound(Packets.tcp(SERVER, 20, OUTSIDE, last.gatewayPort).flags(Packets.SYN).build());
        assertEquals(CLIENT, Packets.destination(syn.output()));
        assertEquals(8 * 256 + 50, Packets.destinationPort(syn.output()));
    }

    /**
     * Issue 14: a client on a 1:1 NAT host (masq.static): its PORT and EPRT name the host's own outside
     * address and its own port, with nothing to expect (every port of the address is open); the data
     * connection reaches the host; the hostile PORTs are refused as for masquerading.
     */
    @Test
    void aOneToOneHostsPortNamesItsOwnAddressAndPort() {
        HelperHarness ftp = HelperHarness.builder().helper(new FtpHelper(), "ftp", "tcp", 21).build();
        ftp.staticNat(CLIENT, "203.0.113.50");
        ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).flags(Packets.SYN).seq(999).build());
        HelperStep port = ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).seq(1000).ack(1)
                .payload("PORT 192,168,0,2,4,2\r\n").build());
        assertEquals("PORT 203,0,113,50,4,2\r\n", port.outputText());
        assertEquals("203.0.113.50", Packets.source(port.output()));
        assertEquals(0, port.newExpectations().size(), "nothing to open on a 1:1 address");
        assertEquals(1L, ftp.counter("expect.static"));
        HelperStep syn = ftp.inbound(Packets.tcp(SERVER, 20, "203.0.113.50", 1026).flags(Packets.SYN).build());
        assertEquals(CLIENT, Packets.destination(syn.output()));
        assertEquals(1026, Packets.destinationPort(syn.output()));
        HelperStep eprt = ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).seq(1022).ack(1)
                .payload("EPRT |1|192.168.0.2|40000|\r\n").build());
        assertEquals("EPRT |1|203.0.113.50|40000|\r\n", eprt.outputText());
        String forged = "PORT 192,168,0,3,4,2\r\n";
        HelperStep other = ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).seq(1050).ack(1)
                .payload(forged).build());
        assertEquals(forged, other.outputText(), "another host's address is left alone");
        HelperStep low = ftp.outbound(Packets.tcp(CLIENT, 1025, SERVER, 21).seq(1050 + forged.length()).ack(1)
                .payload("PORT 192,168,0,2,0,21\r\n").build());
        assertEquals("PORT 192,168,0,2,0,21\r\n", low.outputText());
        assertEquals(2, ftp.refusals("ftp").size(), ftp.refusals("ftp").toString());
    }
}
