package masq.itest;

import static masq.itest.Waits.WAIT_MILLIS;
import static masq.itest.Waits.waitFor;
import static masq.itest.TcpSegment.SYN;
import static masq.itest.TcpSegment.tcp;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import masq.api.Ipv4;
import masq.api.admin.GatewayAdmin;
import masq.api.link.GatewayLink;
import masq.api.link.LinkFactory;

/**
 * Issue 4, item 6: uninstalling the FTP helper bundle in the middle of an FTP control session purges
 * its expectations, and the session's packets still translate with their TCP sequence adjustments
 * (the PORT rewrite changed the payload length); reinstalling the bundle gives new control
 * connections the helper again. The gateway runs on a {@link MemoryLink} registered with a ranking
 * above the pcap link's, so the test injects and reads datagrams on both sides.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FtpHelperHotRemovalInFelixTest {
    private static final Path WORK = Path.of(System.getProperty("masq.itest.work", "target/itest-work"),
            "ftp-hot-removal");
    private static final String FTP_BUNDLE = "masq.helper.ftp";
    /** How long to wait for a datagram that must not come. */
    private static final long QUIET_MILLIS = 300;
    private static final int LINK_RANKING = 1000;

    private static final String CLIENT = "192.168.0.2";
    private static final String SERVER = "203.0.113.2";
    private static final String GATEWAY = "203.0.113.1";
    private static final int FTP_CONTROL_PORT = 21;
    private static final long CLIENT_ISN = 1_000;
    private static final long SERVER_ISN = 5_000;
    private static final Pattern PORT_REWRITTEN = Pattern.compile("PORT 203,0,113,1,(\\d+),(\\d+)\r\n");
    private static final String NO_EXPECTATIONS = "PROTO  REMOTE  GATEWAY-PORT  INSIDE  MASTER  HELPER  LEFT\n(none)\n";

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configurationAdmin;
    @Inject
    private CommandProcessor commandProcessor;

    private ServiceRegistration<LinkFactory> registration;
    private MemoryLink link;
    private Console console;
    private GatewayAdmin gateway;

    @Configuration
    public Option[] config() throws Exception {
        return RuntimeBundles.paxOptions(WORK.resolve("load"), WORK.resolve("etc"));
    }

    @After
    public void unregisterLink() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
    }

    @Test
    public void uninstallMidSessionPurgesExpectationsAndTheSessionStillTranslates() throws Exception {
        startGateway();
        int masqPort = handshake(1025);
        long client = CLIENT_ISN + 1;
        long server = SERVER_ISN + 1;
        String banner = "220 ready\r\n";
        TcpSegment greeted = inbound(fromServer(masqPort).seq(server).ack(client).payload(banner), 1025);
        assertEquals("banner delivered unchanged", banner, greeted.text());
        server += banner.length();

        String port = "PORT 192,168,0,2,4,1\r\n";
        TcpSegment rewritten = outbound(fromClient(1025).seq(client).ack(server).payload(port), masqPort);
        int dataPort = rewrittenPort(rewritten);
        int delta = rewritten.payload().length - port.length();
        assertNotEquals("the rewrite changes the length, else this test could not see sequence adjustment", 0, delta);
        assertEquals("the PORT segment keeps its own sequence number", client, rewritten.seq());
        assertExpectation(dataPort, "192.168.0.2:1025", "ftp");
        assertControlMapping(1025, masqPort, "ftp");

        long serverAckOfPort = client + rewritten.payload().length;
        TcpSegment acked = inbound(fromServer(masqPort).seq(server).ack(serverAckOfPort), 1025);
        assertEquals("the server's ACK of the rewritten PORT, back in the client's numbering", client + port.length(),
                acked.ack());
        client += port.length();

        bundle(FTP_BUNDLE).uninstall();
        waitFor(() -> !helpersListFtp(), "masq:helpers no longer lists ftp after uninstall");
        assertEquals("uninstall purged the helper's expectation", NO_EXPECTATIONS, console.run("masq:expect"));
        assertControlMapping(1025, masqPort, "-");

        String ok = "200 PORT command successful\r\n";
        TcpSegment reply = inbound(fromServer(masqPort).seq(server).ack(serverAckOfPort).payload(ok), 1025);
        assertEquals("reply after uninstall delivered unchanged", ok, reply.text());
        assertEquals("reply after uninstall: the server's sequence number is not shifted", server, reply.seq());
        assertEquals("reply after uninstall: ACK still mapped back by the PORT's delta", client, reply.ack());
        server += ok.length();

        TcpSegment list = outbound(fromClient(1025).seq(client).ack(server).payload("LIST\r\n"), masqPort);
        assertEquals("LIST after uninstall forwarded unchanged", "LIST\r\n", list.text());
        assertEquals("LIST after uninstall: sequence number still shifted by the PORT's delta " + delta,
                client + delta, list.seq());
        assertEquals("LIST after uninstall: ACK unchanged (no edit inbound)", server, list.ack());
        client += "LIST\r\n".length();

        String laterPort = "PORT 192,168,0,2,4,2\r\n";
        TcpSegment plain = outbound(fromClient(1025).seq(client).ack(server).payload(laterPort), masqPort);
        assertEquals("a PORT after uninstall is not rewritten", laterPort, plain.text());
        assertEquals("a PORT after uninstall: sequence number shifted by the old delta", client + delta, plain.seq());
        assertEquals("no helper, no expectation", NO_EXPECTATIONS, console.run("masq:expect"));
        client += laterPort.length();

        TcpSegment finalAck = inbound(fromServer(masqPort).seq(server).ack(client + delta), 1025);
        assertEquals("the server's ACK of everything, in the client's numbering", client, finalAck.ack());
        assertNothingMoreSent();
        Map<String, Long> counters = gateway.stats().counters;
        assertEquals("helper called for the banner and the PORT only, never after uninstall", Long.valueOf(2),
                counters.get("helper.calls"));
        assertEquals("one expectation purged", Long.valueOf(1), counters.get("expect.purged"));
    }

    @Test
    public void reinstalledHelperRewritesNewConnectionsAndOldOnesStayPlain() throws Exception {
        startGateway();
        int oldMasqPort = handshake(1025);
        long client = CLIENT_ISN + 1;
        long server = SERVER_ISN + 1;
        String port = "PORT 192,168,0,2,4,1\r\n";
        TcpSegment rewritten = outbound(fromClient(1025).seq(client).ack(server).payload(port), oldMasqPort);
        int delta = rewritten.payload().length - port.length();
        rewrittenPort(rewritten);
        client += port.length();

        bundle(FTP_BUNDLE).uninstall();
        waitFor(() -> !helpersListFtp(), "masq:helpers no longer lists ftp after uninstall");
        Bundle again = context.installBundle(RuntimeBundles.location(FTP_BUNDLE));
        again.start();
        waitFor(this::helpersListFtp, "masq:helpers lists ftp active again after install + start");

        String oldPort = "PORT 192,168,0,2,4,2\r\n";
        TcpSegment old = outbound(fromClient(1025).seq(client).ack(server).payload(oldPort), oldMasqPort);
        assertEquals("the connection from before the uninstall stays plain NAT", oldPort, old.text());
        assertEquals("... with its sequence adjustment", client + delta, old.seq());

        int newMasqPort = handshake(1026);
        assertNotEquals("a new control connection gets its own gateway port", oldMasqPort, newMasqPort);
        String newPort = "PORT 192,168,0,2,4,3\r\n";
        TcpSegment rewrittenAgain = outbound(fromClient(1026).seq(CLIENT_ISN + 1).ack(SERVER_ISN + 1).payload(newPort),
                newMasqPort);
        int dataPort = rewrittenPort(rewrittenAgain);
        assertExpectation(dataPort, "192.168.0.2:1027", "ftp");
        assertControlMapping(1026, newMasqPort, "ftp");
        assertControlMapping(1025, oldMasqPort, "-");
        assertNothingMoreSent();
    }

    /** Registers the in-memory link, configures the gateway and waits until it runs on that link. */
    private void startGateway() throws Exception {
        link = new MemoryLink();
        console = new Console(commandProcessor);
        Hashtable<String, Object> ranking = new Hashtable<>();
        ranking.put(Constants.SERVICE_RANKING, LINK_RANKING);
        registration = context.registerService(LinkFactory.class, link, ranking);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("inside.interface", "in0");
        p.put("inside.address", "192.168.0.1/24");
        p.put("outside.interface", "out0");
        p.put("outside.address", GATEWAY + "/24");
        p.put("outside.gateway", "203.0.113.254");
        configurationAdmin.getConfiguration("masq.gateway", "?").update(p);
        ServiceTracker<GatewayAdmin, GatewayAdmin> tracker = new ServiceTracker<>(context, GatewayAdmin.class, null);
        tracker.open();
        try {
            gateway = tracker.waitForService(WAIT_MILLIS);
            assertNotNull("gateway started from its configuration", gateway);
        } finally {
            tracker.close();
        }
        waitFor(() -> link.opened() > 0, "the gateway opened the in-memory link (ranking " + LINK_RANKING + ")");
        waitFor(() -> run("masq:status").matches("(?s).*\nlink +up\n.*"), "masq:status shows the link up");
        assertEquals("link opened for the configured outside address", Ipv4.parse(GATEWAY),
                link.config().outsideAddress);
        assertTrue("ftp helper active at the start:\n" + run("masq:helpers"), helpersListFtp());
        String stats = run("masq:stats");
        assertTrue("masq:stats ends with the link's counters per side:\n" + stats,
                stats.matches("(?s)COUNTER +VALUE\n.*\ninside\\.rx\\.frames +\\d+\noutside\\.rx\\.frames +\\d+\n?"));
    }

    /** SYN out, SYN-ACK in, ACK out; returns the gateway port of the connection. */
    private int handshake(int clientPort) throws Exception {
        link.inject(GatewayLink.INSIDE, fromClient(clientPort).flags(SYN).seq(CLIENT_ISN).toBytes());
        TcpSegment syn = sent(GatewayLink.OUTSIDE, "the translated SYN from " + clientPort);
        assertEquals("SYN leaves from the gateway", Ipv4.parse(GATEWAY), syn.source());
        assertEquals("SYN to the server", Ipv4.parse(SERVER), syn.destination());
        assertEquals("SYN sequence number unchanged", CLIENT_ISN, syn.seq());
        int masqPort = syn.sourcePort();
        inbound(fromServer(masqPort).flags(SYN).seq(SERVER_ISN).ack(CLIENT_ISN + 1), clientPort);
        outbound(fromClient(clientPort).seq(CLIENT_ISN + 1).ack(SERVER_ISN + 1), masqPort);
        return masqPort;
    }

    /** Injects {@code s} on the inside and returns what left on the outside, checked as translated. */
    private TcpSegment outbound(TcpSegment s, int masqPort) throws Exception {
        link.inject(GatewayLink.INSIDE, s.toBytes());
        TcpSegment out = sent(GatewayLink.OUTSIDE, "the translation of " + s);
        String what = s + " left as " + out;
        assertEquals(what, Ipv4.parse(GATEWAY), out.source());
        assertEquals(what, masqPort, out.sourcePort());
        assertEquals(what, s.destination(), out.destination());
        assertEquals(what, s.destinationPort(), out.destinationPort());
        assertEquals(what, s.flags(), out.flags());
        return out;
    }

    /** Injects {@code s} on the outside and returns what was delivered on the inside, checked as translated. */
    private TcpSegment inbound(TcpSegment s, int clientPort) throws Exception {
        link.inject(GatewayLink.OUTSIDE, s.toBytes());
        TcpSegment in = sent(GatewayLink.INSIDE, "the translation of " + s);
        String what = s + " arrived as " + in;
        assertEquals(what, s.source(), in.source());
        assertEquals(what, s.sourcePort(), in.sourcePort());
        assertEquals(what, Ipv4.parse(CLIENT), in.destination());
        assertEquals(what, clientPort, in.destinationPort());
        assertEquals(what, s.flags(), in.flags());
        return in;
    }

    /** The next datagram the gateway sent, which must go out of {@code side}; checksums checked by parse. */
    private TcpSegment sent(int side, String what) throws Exception {
        MemoryLink.Sent sent = link.take(WAIT_MILLIS);
        assertNotNull("timed out waiting for " + what + "; masq:stats:\n" + run("masq:stats"), sent);
        TcpSegment segment = TcpSegment.parse(sent.datagram());
        assertEquals(what + ": " + segment + " sent on side", side, sent.side());
        return segment;
    }

    private void assertNothingMoreSent() throws Exception {
        MemoryLink.Sent extra = link.take(QUIET_MILLIS);
        assertNull("unexpected datagram sent: " + (extra == null ? "" : TcpSegment.parse(extra.datagram())), extra);
    }

    /** @return the gateway port of a PORT command rewritten to the gateway's outside address */
    private static int rewrittenPort(TcpSegment segment) {
        Matcher m = PORT_REWRITTEN.matcher(segment.text());
        assertTrue("PORT rewritten to the gateway's address: " + segment, m.matches());
        int high = Integer.parseInt(m.group(1));
        int low = Integer.parseInt(m.group(2));
        assertTrue("PORT octets within 0-255: " + segment, high <= 255 && low <= 255);
        return high * 256 + low;
    }

    /** masq:expect lists exactly one expectation: from the server, to {@code inside}, on {@code gatewayPort}. */
    private void assertExpectation(int gatewayPort, String inside, String helper) throws Exception {
        String text = console.run("masq:expect");
        String[] lines = text.split("\n");
        assertEquals("one expectation:\n" + text, 2, lines.length);
        assertTrue("expectation from " + SERVER + " for gateway port " + gatewayPort + " to " + inside + " by "
                + helper + ":\n" + text, lines[1].matches("tcp +" + Pattern.quote(SERVER) + ":\\* +" + gatewayPort
                        + " +" + Pattern.quote(inside) + " +\\d+ +" + helper + " +\\d+ s"));
    }

    /** masq:table has exactly one row for the client port, with {@code helper} ("-" for none). */
    private void assertControlMapping(int clientPort, int masqPort, String helper) throws Exception {
        String text = console.run("masq:table");
        String inside = Pattern.quote(CLIENT + ":" + clientPort) + " ";
        long rows = Arrays.stream(text.split("\n")).filter(l -> l.matches("tcp +" + inside + ".*")).count();
        assertEquals("one mapping for " + CLIENT + ":" + clientPort + ":\n" + text, 1, rows);
        assertTrue("control mapping " + clientPort + " -> " + masqPort + " with helper " + helper + ":\n" + text,
                text.matches("(?s).*\ntcp +" + inside + " *" + masqPort + " +" + Pattern.quote(SERVER + ":"
                        + FTP_CONTROL_PORT) + " +\\S+ +\\d+ s +" + Pattern.quote(helper) + " +-\n.*"));
    }

    private boolean helpersListFtp() {
        return run("masq:helpers").matches("(?s)(.*\n)?ftp +\\d+ " + Pattern.quote(FTP_BUNDLE) + " .* active\n.*");
    }

    private static TcpSegment fromClient(int clientPort) {
        return tcp(CLIENT, clientPort, SERVER, FTP_CONTROL_PORT);
    }

    private static TcpSegment fromServer(int masqPort) {
        return tcp(SERVER, FTP_CONTROL_PORT, GATEWAY, masqPort);
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " not installed"));
    }

    private String run(String command) {
        try {
            return console.run(command);
        } catch (Exception e) {
            throw new AssertionError(command + " failed", e);
        }
    }
}
