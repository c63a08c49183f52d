package masq.itest;

import static masq.itest.Waits.WAIT_MILLIS;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.Arrays;
import java.util.Hashtable;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import masq.api.admin.GatewayAdmin;
import masq.api.link.GatewayLink;
import masq.api.link.LinkFactory;

/**
 * The gateway of an in-framework test on a {@link MemoryLink} (ranked above the pcap link), inside
 * 192.168.0.1/24, outside {@value #GATEWAY}/24: inject datagrams on either side, take what it sent,
 * run console commands, find bundles.
 */
final class MemoryGateway implements AutoCloseable {
    static final String GATEWAY = "203.0.113.1";
    /** How long to wait for a datagram that must not come. */
    static final long QUIET_MILLIS = 300;
    private static final int LINK_RANKING = 1000;

    final MemoryLink link = new MemoryLink();
    final Console console;
    final GatewayAdmin admin;
    private final BundleContext context;
    private final ServiceRegistration<LinkFactory> registration;

    MemoryGateway(BundleContext context, ConfigurationAdmin configurationAdmin, CommandProcessor commands)
            throws Exception {
        this.context = context;
        console = new Console(commands);
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
            admin = tracker.waitForService(WAIT_MILLIS);
            assertNotNull("gateway started from its configuration", admin);
        } finally {
            tracker.close();
        }
        waitFor(() -> link.opened() > 0, "the gateway opened the in-memory link (ranking " + LINK_RANKING + ")");
        waitFor(() -> run("masq:status").matches("(?s).*\nlink +up\n.*"), "masq:status shows the link up");
    }

    /** Injects {@code s} on {@code side} and returns the datagram the gateway sent for it, on {@code out}. */
    TcpSegment send(int side, TcpSegment s, int out) throws Exception {
        return TcpSegment.parse(send(side, s.toBytes(), s.toString(), out));
    }

    /** Injects datagram {@code d} (described as {@code what}) on {@code side}; returns what left on {@code out}. */
    byte[] send(int side, byte[] d, String what, int out) throws Exception {
        link.inject(side, d);
        MemoryLink.Sent sent = link.take(WAIT_MILLIS);
        assertNotNull("timed out waiting for the translation of " + what + "; masq:stats:\n" + run("masq:stats"), sent);
        assertEquals(what + " left on side", out, sent.side());
        return sent.datagram();
    }

    UdpDatagram outbound(UdpDatagram d) throws Exception {
        return UdpDatagram.parse(send(GatewayLink.INSIDE, d.toBytes(), d.toString(), GatewayLink.OUTSIDE));
    }

    UdpDatagram inbound(UdpDatagram d) throws Exception {
        return UdpDatagram.parse(send(GatewayLink.OUTSIDE, d.toBytes(), d.toString(), GatewayLink.INSIDE));
    }

    TcpSegment outbound(TcpSegment s) throws Exception {
        return send(GatewayLink.INSIDE, s, GatewayLink.OUTSIDE);
    }

    TcpSegment inbound(TcpSegment s) throws Exception {
        return send(GatewayLink.OUTSIDE, s, GatewayLink.INSIDE);
    }

    void assertNothingMoreSent() throws Exception {
        MemoryLink.Sent extra = link.take(QUIET_MILLIS);
        assertNull("unexpected datagram sent: " + (extra == null ? "" : TcpSegment.parse(extra.datagram())), extra);
    }

    Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " not installed"));
    }

    String run(String command) {
        try {
            return console.run(command);
        } catch (Exception e) {
            throw new AssertionError(command + " failed", e);
        }
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
    }
}
