package masq.itest;

import static masq.itest.TcpSegment.SYN;
import static masq.itest.TcpSegment.tcp;
import static masq.itest.UdpDatagram.udp;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HexFormat;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * Issue 13: the ICQ helper bundle ({@code icq} on udp 4000 and {@code oscar} on tcp 5190) in the
 * runtime: protocols.md §6.1's scrambled v5 login leaves rewritten and opens the client's
 * direct-connection port 2000 to peers; uninstalled at runtime, both helpers go, the login leaves
 * as it came and opens nothing; installed again, a new login flow is helped again, without
 * restarting the gateway.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class IcqHelperInFelixTest extends HelperBundleInFelix {
    /** protocols.md §6.1's LOGIN scrambled with r1 = 30, r2 = 0x42: port 2000, 192.168.0.2. */
    private static final byte[] LOGIN = HexFormat.of().parseHex("05000000000040e20100825fbc3976ac2520b1affebdc747"
            + "5c0ea495c135a6af1632d1ca7240e3db11aa74af11f225af1336aaaf1132a9af113290af1132a4af8932d7af113288af1132"
            + "03554a0a94af1132afaf1132");
    private static final String PEER = "203.0.113.77";

    @Override
    String helper() {
        return "icq";
    }

    @Override
    String bundleName() {
        return "masq.helper.icq";
    }

    @Override
    int serverPort() {
        return 4000;
    }

    private byte[] loginSent(int clientPort) throws Exception {
        return gateway.outbound(udp(CLIENT, clientPort, SERVER, 4000, LOGIN)).payload();
    }

    private boolean listsOscar() {
        return gateway.run("masq:helpers").matches("(?s)(.*\n)?oscar +\\d+ masq\\.helper\\.icq .* active\n.*");
    }

    private boolean expectsTheClientsPort() {
        return gateway.run("masq:expect").matches("(?s).*\ntcp +\\*:\\* +\\d+ +" + Pattern.quote(CLIENT + ":2000")
                + " +\\d+ +icq +with master\n?");
    }

    @Test
    public void uninstalledAtRuntimeTheLoginOpensNothingAndInstalledAgainItDoes() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        waitFor(() -> listsHelper() && listsOscar(), "masq:helpers lists icq and oscar:\n" + gateway.run("masq:helpers"));
        byte[] sent = loginSent(4001);
        assertEquals(LOGIN.length, sent.length);
        assertFalse("the login is rewritten", java.util.Arrays.equals(LOGIN, sent));
        assertTrue("masq:expect lists the client's port 2000 for the login's life:\n" + gateway.run("masq:expect"),
                expectsTheClientsPort());
        String row = gateway.run("masq:expect").lines().filter(l -> l.startsWith("tcp")).findFirst().orElseThrow();
        int port = Integer.parseInt(row.trim().split(" +")[2]);
        TcpSegment syn = gateway.inbound(tcp(PEER, 50000, MemoryGateway.GATEWAY, port).flags(SYN).seq(1));
        assertEquals("a peer reaches the client's port", 2000, syn.destinationPort());

        gateway.bundle(bundleName()).uninstall();
        waitFor(() -> !listsHelper() && !listsOscar(), "masq:helpers no longer lists icq nor oscar");
        assertArrayEquals("without the helper the login leaves as it came", LOGIN, loginSent(4002));
        assertFalse("and opens nothing:\n" + gateway.run("masq:expect"), expectsTheClientsPort());

        Bundle again = context.installBundle(RuntimeBundles.location(bundleName()));
        again.start();
        waitFor(() -> listsHelper() && listsOscar(), "masq:helpers lists icq and oscar again after install + start");
        assertFalse("a new login flow is helped again", java.util.Arrays.equals(LOGIN, loginSent(4003)));
        assertTrue(gateway.run("masq:expect"), expectsTheClientsPort());
    }
}
