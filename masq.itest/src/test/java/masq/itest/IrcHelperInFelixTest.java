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
 * Issue 10: the IRC helper bundle in the runtime rewrites a DCC offer and lists it in masq:expect;
 * uninstalled at runtime, the next offer passes unchanged and nothing is expected; installed again,
 * a new IRC connection has its offers rewritten, without restarting the gateway.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class IrcHelperInFelixTest extends HelperBundleInFelix {
    private static final String OFFER = "PRIVMSG bob :\u0001DCC SEND f.bin 3232235522 %d 1000\u0001\r\n";
    private static final Pattern REWRITTEN = Pattern.compile(
            "PRIVMSG bob :\u0001DCC SEND f\\.bin 3405803777 (\\d+) 1000\u0001\r\n");

    @Override
    String helper() {
        return "irc";
    }

    @Override
    int serverPort() {
        return 6667;
    }

    @Test
    public void uninstalledAtRuntimeOffersPassUnchangedAndInstalledAgainTheyAreRewritten() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        waitFor(this::listsHelper, "masq:helpers lists irc active:\n" + gateway.run("masq:helpers"));
        int masq = handshake(40000);
        TcpSegment offer = gateway.outbound(fromClient(40000).seq(1001).ack(5001).payload(String.format(OFFER, 2000)));
        Matcher m = REWRITTEN.matcher(offer.text());
        assertTrue("the offer rewritten to the gateway: " + offer.text(), m.matches());
        int dccPort = Integer.parseInt(m.group(1));
        String expect = gateway.run("masq:expect");
        assertTrue("masq:expect lists the offer from any peer to 192.168.0.2:2000:\n" + expect,
                expect.matches("(?s).*\ntcp +\\*:\\* +" + dccPort + " +" + Pattern.quote(CLIENT + ":2000")
                        + " +\\d+ +irc +\\d+ s\n?"));
        TcpSegment peer = gateway.inbound(tcp("198.51.100.77", 50000, MemoryGateway.GATEWAY, dccPort).flags(SYN)
                .seq(9000));
        assertEquals("the peer's connection reaches the client's port", 2000, peer.destinationPort());
        assertTrue("masq:table shows it linked to its IRC master:\n" + gateway.run("masq:table"),
                gateway.run("masq:table").matches("(?s).*\ntcp +" + Pattern.quote(CLIENT + ":2000") + " .*"));

        gateway.bundle(bundleName()).uninstall();
        waitFor(() -> !listsHelper(), "masq:helpers no longer lists irc");
        String second = String.format(OFFER, 2001);
        int delta = offer.payload().length - String.format(OFFER, 2000).length();
        TcpSegment plain = gateway.outbound(fromClient(40000).seq(1001 + second.length()).ack(5001).payload(second));
        assertEquals("without the helper the offer leaves unchanged", second, plain.text());
        assertEquals("... its connection keeping its sequence adjustment", 1001 + second.length() + delta, plain.seq());

        Bundle again = context.installBundle(RuntimeBundles.location(bundleName()));
        again.start();
        waitFor(this::listsHelper, "masq:helpers lists irc again after install + start");
        int masq2 = handshake(40001);
        TcpSegment third = gateway.outbound(fromClient(40001).seq(1001).ack(5001).payload(String.format(OFFER, 2002)));
        assertTrue("a new IRC connection has its offer rewritten: " + third.text(),
                REWRITTEN.matcher(third.text()).matches());
        assertTrue(masq2 != masq);
    }
}
