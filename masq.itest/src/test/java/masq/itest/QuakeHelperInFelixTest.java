package masq.itest;

import static masq.itest.UdpDatagram.udp;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
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
 * Issue 12: the Quake helper bundle in the runtime lets a NetQuake server's accept port in on the
 * connect's gateway port; uninstalled at runtime, its expectation goes and the next accept opens
 * nothing; installed again, a new connect is helped, without restarting the gateway.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class QuakeHelperInFelixTest extends HelperBundleInFelix {
    private static final byte[] CONNECT = HexFormat.of().parseHex("8000000c015155414b450003");
    /** CCREP_ACCEPT naming port 26001 (little-endian). */
    private static final byte[] ACCEPT = HexFormat.of().parseHex("800000098191650000");

    @Override
    String helper() {
        return "quake";
    }

    @Override
    int serverPort() {
        return 26000;
    }

    /** The client's connect from {@code clientPort} and the server's accept; returns the gateway port. */
    private int connect(int clientPort) throws Exception {
        int masq = gateway.outbound(udp(CLIENT, clientPort, SERVER, 26000, CONNECT)).sourcePort();
        UdpDatagram accept = gateway.inbound(udp(SERVER, 26000, MemoryGateway.GATEWAY, masq, ACCEPT));
        assertEquals("the accept reaches the client unchanged", HexFormat.of().formatHex(ACCEPT),
                HexFormat.of().formatHex(accept.payload()));
        return masq;
    }

    private String expectations() {
        return gateway.run("masq:expect");
    }

    @Test
    public void uninstalledAtRuntimeAnAcceptOpensNothingAndInstalledAgainItDoes() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        waitFor(this::listsHelper, "masq:helpers lists quake active:\n" + gateway.run("masq:helpers"));
        int masq = connect(27001);
        assertTrue("masq:expect lists the server's new port on the connect's gateway port:\n" + expectations(),
                expectations().matches("(?s).*\nudp +" + Pattern.quote(SERVER) + ":26001 +" + masq + " +"
                        + Pattern.quote(CLIENT + ":27001") + " +\\d+ +quake +\\d+ s\n?"));
        UdpDatagram first = gateway.inbound(udp(SERVER, 26001, MemoryGateway.GATEWAY, masq, new byte[] {0, 9}));
        assertEquals("the new port's first datagram reaches the client", 27001, first.destinationPort());

        gateway.bundle(bundleName()).uninstall();
        waitFor(() -> !listsHelper(), "masq:helpers no longer lists quake");
        int plain = connect(27002);
        assertEquals("without the helper an accept expects nothing",
                "PROTO  REMOTE  GATEWAY-PORT  INSIDE  MASTER  HELPER  LEFT\n(none)\n", expectations());

        Bundle again = context.installBundle(RuntimeBundles.location(bundleName()));
        again.start();
        waitFor(this::listsHelper, "masq:helpers lists quake again after install + start");
        int helped = connect(27003);
        assertTrue("a new connect is helped again:\n" + expectations(),
                expectations().matches("(?s).*\nudp +" + Pattern.quote(SERVER) + ":26001 +" + helped + " .*quake.*"));
        assertTrue(plain != helped && masq != helped);
    }
}
