package masq.itest;

import static masq.itest.Waits.WAIT_MILLIS;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.util.tracker.ServiceTracker;

import masq.api.admin.GatewayAdmin;

/**
 * The gateway component in Felix: configured through Config Admin PID {@code masq.gateway}, bad
 * values rejected with the running configuration kept, timeouts changed live, and the console
 * commands, including their answers to wrong arguments.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class GatewayInFelixTest {
    private static final Path WORK = Path.of(System.getProperty("masq.itest.work", "target/itest-work"), "gateway");

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configurationAdmin;
    @Inject
    private CommandProcessor commandProcessor;
    @Inject
    private MetaTypeService metaType;

    @Configuration
    public Option[] config() throws Exception {
        return RuntimeBundles.paxOptions(WORK.resolve("load"), WORK.resolve("etc"));
    }

    @Test
    public void withoutConfigurationTheGatewayIsNotRunningAndTheConsoleSaysHow() {
        assertNull(context.getServiceReference(GatewayAdmin.class));
        String message = new Console(commandProcessor).fail("masq:status");
        assertTrue(message, message.startsWith("the gateway is not running: configure it in etc/masq.gateway.cfg"));
    }

    @Test
    public void configuredGatewayAnswersStatusTableStatsAndFlush() throws Exception {
        GatewayAdmin gateway = configure(seed());
        Console console = new Console(commandProcessor);
        String status = console.run("masq:status");
        assertTrue(status, status.matches("(?s)ITEM +VALUE\ninside +192\\.168\\.0\\.1/24\noutside +203\\.0\\.113\\.1/24\n"
                + "ports +61000-65095\nmapping +endpoint-independent\nfiltering +[a-z-]+\nallocation +preserve\n.*mappings tcp +0 \\(ports free: 4096\\)\n.*"));
        assertEquals(console.run("masq:table"), "PROTO  INSIDE  MASQ  REMOTE  STATE  EXPIRES  HELPER  MASTER\n(none)\n",
                console.run("masq:table"));
        assertEquals("flushed 0 mappings", console.run("masq:flush"));
        assertTrue(console.run("masq:stats").startsWith("COUNTER"));
        assertNotNull(gateway.stats().counters);
    }

    @Test
    public void aMissingInterfaceLeavesTheGatewayRunningAndStatusSaysWhy() throws Exception {
        GatewayAdmin gateway = configure(seed());
        Console console = new Console(commandProcessor);
        waitFor(() -> statusOf(console).contains("down: interface"), "link down in masq:status");
        String status = statusOf(console);
        assertTrue(status, status.matches("(?s).*\nlink +down: interface '(in0|out0)' does not exist \\(see 'ip link "
                + "show'\\); retrying every 5 s\n.*"));
        assertEquals("SIDE  ADDRESS  MAC  STATE  LEFT  PENDING\n(none)\n", console.run("masq:arp"));
        assertTrue(gateway.stats().counters.get("link.open-failed") >= 1);
        assertEquals(Long.valueOf(0), gateway.stats().counters.get("link.opened"));
        assertTrue(console.run("help masq:arp").contains("ARP cache"));
    }

    @Test
    public void timeoutsShowAndSetLiveAsIpchainsDid() throws Exception {
        configure(seed());
        Console console = new Console(commandProcessor);
        assertEquals("TCP   TCPFIN  UDP  ICMP\n7440  240     300  60\n", console.run("masq:timeouts"));
        assertEquals("TCP   TCPFIN  UDP  ICMP\n7200  10      60   60\n", console.run("masq:timeouts 7200 10 60"));
        assertEquals("TCP   TCPFIN  UDP  ICMP\n7200  10      60   30\n", console.run("masq:timeouts 0 0 0 30"));
        assertEquals("TCP '-1' is not a whole number of seconds from 0 to 864000\n" + TIMEOUTS_USAGE,
                console.fail("masq:timeouts -1 0 0 0"));
        assertEquals("TCP '2147483647' is not a whole number of seconds from 0 to 864000\n" + TIMEOUTS_USAGE,
                console.fail("masq:timeouts 2147483647 1 1"));
        assertEquals("unchanged", "TCP   TCPFIN  UDP  ICMP\n7200  10      60   30\n", console.run("masq:timeouts"));
    }

    static final String TIMEOUTS_USAGE = "usage: masq:timeouts [TCP TCPFIN UDP [ICMP]]   (seconds, 0 keeps a value, at "
            + "most 864000)";
    static final String TABLE_USAGE = "usage: masq:table [-p tcp|udp|icmp] [-n ROWS] [HOST]   (ROWS 1 to 65536, "
            + "default 1000; HOST an inside or remote IPv4 address)";

    @Test
    public void everyCommandAnswersWrongArgumentsWithWhatWasWrongAndItsUsage() throws Exception {
        configure(seed());
        Console console = new Console(commandProcessor);
        for (String command : new String[] {"status", "stats", "flush", "expect", "arp", "helpers"}) {
            assertEquals("no arguments expected, got 'nonsense 2'\nusage: masq:" + command,
                    console.fail("masq:" + command + " nonsense 2"));
        }
        assertEquals("no numbers, or 3 or 4, expected; got 2: 'tcp -1'\n" + TIMEOUTS_USAGE,
                console.fail("masq:timeouts tcp -1"));
        assertEquals("no numbers, or 3 or 4, expected; got 5: '1 2 3 4 5'\n" + TIMEOUTS_USAGE,
                console.fail("masq:timeouts 1 2 3 4 5"));
        assertEquals("UDP 'soon' is not a whole number of seconds from 0 to 864000\n" + TIMEOUTS_USAGE,
                console.fail("masq:timeouts 0 0 soon"));
        assertEquals("ICMP '1e3' is not a whole number of seconds from 0 to 864000\n" + TIMEOUTS_USAGE,
                console.fail("masq:timeouts 0 0 0 1e3"));
        assertEquals("option -p needs a value\n" + TABLE_USAGE, console.fail("masq:table -p"));
        assertEquals("unknown option '-x'\n" + TABLE_USAGE, console.fail("masq:table -x"));
        assertEquals("one HOST only, not '192.168.0.2' and '192.168.0.3'\n" + TABLE_USAGE,
                console.fail("masq:table 192.168.0.2 192.168.0.3"));
        assertEquals("ROWS 'many' is not a whole number of rows from 1 to 65536\n" + TABLE_USAGE,
                console.fail("masq:table -n many"));
        assertEquals("PROTO  INSIDE  MASQ  REMOTE  STATE  EXPIRES  HELPER  MASTER\n(none)\n",
                console.run("masq:table -p udp -n 5 192.168.0.2"));
    }

    @Test
    public void consoleRefusesWrongArgumentsPrecisely() throws Exception {
        configure(seed());
        Console console = new Console(commandProcessor);
        assertEquals("protocol 'sctp' is not tcp, udp or icmp\n" + TABLE_USAGE, console.fail("masq:table -p sctp"));
        assertEquals("host '192.168.0.300' is not an IPv4 address\n" + TABLE_USAGE,
                console.fail("masq:table 192.168.0.300"));
        assertEquals("ROWS '0' is not a whole number of rows from 1 to 65536\n" + TABLE_USAGE,
                console.fail("masq:table -n 0"));
    }

    @Test
    public void aBadValueIsRejectedAndTheRunningConfigurationStays() throws Exception {
        GatewayAdmin gateway = configure(seed());
        org.osgi.service.cm.Configuration config = configurationAdmin.getConfiguration("masq.gateway", "?");
        for (String[] bad : new String[][] {{"outside.address", "203.0.113.300/24"}, {"ports", "70000-80000"},
            {"timeout.udp", "soon"}, {"filtering", "open"}, {"mapping", "per-destination"}, {"inside.interface", ""},
            {"no.such.key", "1"}, {"busy.poll", "2000000"}, {"outside.interface", "in0"},
            {"outside.gateway", "198.51.100.1"}, {"inside.address", "203.0.113.9/24"}, {"ip.source.route", "maybe"}}) {
            Dictionary<String, Object> properties = seed();
            properties.put(bad[0], bad[1]);
            config.update(properties);
            Thread.sleep(500);
            assertEquals(bad[0] + " = " + bad[1] + " changed nothing", "203.0.113.1/24",
                    gateway.status().outsideAddress);
            assertEquals(61000 + "-" + 65095, gateway.status().ports);
        }
        Dictionary<String, Object> changed = seed();
        changed.put("outside.address", "198.51.100.7/24");
        changed.put("outside.gateway", "198.51.100.254");
        config.update(changed);
        waitFor(() -> "198.51.100.7/24".equals(gateway.status().outsideAddress), "new outside address applied");
    }

    @Test
    public void theConfigurationIsDescribedByMetatype() {
        Bundle engine = Arrays.stream(context.getBundles()).filter(b -> "masq.engine".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(engine).getObjectClassDefinition("masq.gateway",
                null);
        Set<String> keys = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .map(AttributeDefinition::getID).collect(Collectors.toSet());
        assertEquals(Set.of("inside.interface", "inside.address", "inside.networks", "outside.interface",
                "outside.address", "outside.gateway", "ports", "timeout.tcp", "timeout.tcpfin", "timeout.udp",
                "timeout.icmp", "limits.mappings", "limits.mappings.per.host", "limits.hosts", "limits.expectations",
                "limits.expectations.per.host", "filtering", "mapping", "ip.source.route", "busy.poll", "ports.allocation"), keys);
    }

    private GatewayAdmin configure(Dictionary<String, Object> properties) throws Exception {
        configurationAdmin.getConfiguration("masq.gateway", "?").update(properties);
        ServiceTracker<GatewayAdmin, GatewayAdmin> tracker = new ServiceTracker<>(context, GatewayAdmin.class, null);
        tracker.open();
        GatewayAdmin gateway = tracker.waitForService(WAIT_MILLIS);
        assertNotNull("gateway started from its configuration", gateway);
        return gateway;
    }

    private static String statusOf(Console console) {
        try {
            return console.run("masq:status");
        } catch (Exception e) {
            throw new AssertionError("masq:status failed", e);
        }
    }

    private static Dictionary<String, Object> seed() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("inside.interface", "in0");
        p.put("inside.address", "192.168.0.1/24");
        p.put("outside.interface", "out0");
        p.put("outside.address", "203.0.113.1/24");
        p.put("outside.gateway", "203.0.113.254");
        return p;
    }
}
