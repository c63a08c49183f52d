package masq.itest;

import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * Issue 12: the VDOLive helper bundle in the runtime rewrites the client's UDP port in its initial
 * message and expects the server's video; uninstalled at runtime, the next connection's port leaves
 * unchanged; installed again, it is rewritten, without restarting the gateway.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class VdoLiveHelperInFelixTest extends HelperBundleInFelix {
    @Override
    String helper() {
        return "vdolive";
    }

    @Override
    int serverPort() {
        return 7000;
    }

    /** The initial message (tag 6) announcing UDP port {@code port}. */
    private static byte[] initial(int port) {
        return ByteBuffer.allocate(36).putInt(36).putInt(6).put(new byte[16]).put("VDO Live".getBytes())
                .putInt(port).array();
    }

    /** Opens a control connection from {@code clientPort} and sends the initial message; the port sent. */
    private int portSent(int clientPort, int udpPort) throws Exception {
        handshake(clientPort);
        TcpSegment out = gateway.outbound(fromClient(clientPort).seq(1001).ack(5001).payload(initial(udpPort)));
        return ByteBuffer.wrap(out.payload()).getShort(34) & 0xffff;
    }

    @Test
    public void uninstalledAtRuntimeThePortLeavesUnchangedAndInstalledAgainItIsRewritten() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        waitFor(this::listsHelper, "masq:helpers lists vdolive active:\n" + gateway.run("masq:helpers"));
        int rewritten = portSent(40000, 7001);
        assertTrue("a gateway port: " + rewritten, rewritten != 7001);
        String expect = gateway.run("masq:expect");
        assertTrue("masq:expect lists the server's video to the client's port:\n" + expect,
                expect.matches("(?s).*\nudp +" + Pattern.quote(SERVER) + ":\\* +" + rewritten + " +"
                        + Pattern.quote(CLIENT + ":7001") + " +\\d+ +vdolive +\\d+ s\n?"));

        gateway.bundle(bundleName()).uninstall();
        waitFor(() -> !listsHelper(), "masq:helpers no longer lists vdolive");
        assertEquals("without the helper the client's port leaves", 7003, portSent(40001, 7003));

        Bundle again = context.installBundle(RuntimeBundles.location(bundleName()));
        again.start();
        waitFor(this::listsHelper, "masq:helpers lists vdolive again after install + start");
        assertTrue("a new connection is helped again", portSent(40002, 7005) != 7005);
    }
}
