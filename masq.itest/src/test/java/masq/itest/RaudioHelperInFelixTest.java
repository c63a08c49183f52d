package masq.itest;

import static masq.itest.TcpSegment.SYN;
import static masq.itest.TcpSegment.tcp;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * Issue 11: the RealAudio/RTSP helper bundle in the runtime rewrites a SETUP's client_port pair and
 * expects the server's RTP; uninstalled at runtime, the next SETUP passes unchanged; installed again,
 * a new RTSP connection has its SETUP rewritten, without restarting the gateway.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RaudioHelperInFelixTest extends HelperBundleInFelix {
    private static final String OFFER = "SETUP rtsp://203.0.113.2/tone RTSP/1.0\r\nCSeq: 3\r\n"
            + "Transport: RTP/AVP;unicast;client_port=%d-%d\r\n\r\n";
    private static final Pattern REWRITTEN = Pattern.compile("SETUP rtsp://203\\.0\\.113\\.2/tone RTSP/1\\.0\r\nCSeq: 3\r\n"
            + "Transport: RTP/AVP;unicast;client_port=(\\d+)-(\\d+)\r\n\r\n");

    @Override
    String helper() {
        return "raudio";
    }

    @Override
    int serverPort() {
        return 554;
    }

    @Test
    public void uninstalledAtRuntimeSetupsPassUnchangedAndInstalledAgainTheyAreRewritten() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        waitFor(this::listsHelper, "masq:helpers lists raudio active:\n" + gateway.run("masq:helpers"));
        int masq = handshake(40000);
        TcpSegment setup = gateway.outbound(fromClient(40000).seq(1001).ack(5001).payload(String.format(OFFER, 5000, 5001)));
        Matcher m = REWRITTEN.matcher(setup.text());
        assertTrue("the SETUP rewritten to a gateway pair: " + setup.text(), m.matches());
        int rtp = Integer.parseInt(m.group(1));
        assertEquals("an even/odd pair", rtp + 1, Integer.parseInt(m.group(2)));
        assertEquals("even", 0, rtp % 2);
        String expect = gateway.run("masq:expect");
        assertTrue("masq:expect lists the media ports from the server:\n" + expect,
                expect.matches("(?s).*\nudp +" + Pattern.quote(SERVER) + ":\\* +" + rtp + " +" + Pattern.quote(CLIENT + ":5000")
                        + " +\\d+ +raudio +\\d+ s\n?"));

        gateway.bundle(bundleName()).uninstall();
        waitFor(() -> !listsHelper(), "masq:helpers no longer lists raudio");
        assertEquals("uninstalling purged the expectation", "PROTO  REMOTE  GATEWAY-PORT  INSIDE  MASTER  HELPER  LEFT\n(none)\n",
                gateway.run("masq:expect"));
        String second = String.format(OFFER, 5002, 5003);
        TcpSegment plain = gateway.outbound(fromClient(40000).seq(1001 + String.format(OFFER, 5000, 5001).length()).ack(5001)
                .payload(second));
        assertEquals("without the helper the SETUP leaves unchanged", second, plain.text());

        Bundle again = context.installBundle(RuntimeBundles.location(bundleName()));
        again.start();
        waitFor(this::listsHelper, "masq:helpers lists raudio again after install + start");
        int masq2 = handshake(40001);
        TcpSegment third = gateway.outbound(fromClient(40001).seq(1001).ack(5001).payload(String.format(OFFER, 5004, 5005)));
        assertTrue("a new RTSP connection has its SETUP rewritten: " + third.text(), REWRITTEN.matcher(third.text()).matches());
        assertTrue(masq2 != masq);
    }
}
