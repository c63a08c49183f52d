package masq.itest;

import static masq.itest.TcpSegment.SYN;
import static masq.itest.TcpSegment.tcp;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
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

import masq.api.Ipv4;
import masq.api.link.GatewayLink;

/**
 * Issue 14, item 1: port forwards from factory PID {@code masq.portfw} in Felix. {@code masq:portfw
 * add} writes {@code etc/masq.portfw-NAME.cfg}, FileInstall applies it, and a connection to the
 * forwarded port reaches the inside server while {@code masq:portfw} counts it; a bad value, in a
 * command or in a file, is refused naming the key; overlapping forwards are refused by name and the
 * running ones stay; {@code remove} ends it for new connections.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PortForwardsInFelixTest {
    private static final Path WORK = Path.of(System.getProperty("masq.itest.work", "target/itest-work"), "portfw")
            .toAbsolutePath();
    private static final String CLIENT = "198.51.100.7";
    private static final String SERVER = "192.168.0.5";
    static final String USAGE = "usage: masq:portfw [add NAME tcp|udp PORT[-PORT] ADDRESS [PORT [WEIGHT]] "
            + "[helper HELPER] | remove NAME]   (NAME: letters, digits, . _ -; WEIGHT 1 to 1000000, default 10; "
            + "HELPER: the name of the helper for its connections)";

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configurationAdmin;
    @Inject
    private CommandProcessor commandProcessor;
    @Inject
    private MetaTypeService metaType;
    private MemoryGateway gateway;

    @Configuration
    public Option[] config() throws Exception {
        Files.createDirectories(WORK.resolve("etc"));
        try (var old = Files.newDirectoryStream(WORK.resolve("etc"), "masq.{portfw,autofw}-*.cfg")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        return CoreOptions.options(CoreOptions.composite(RuntimeBundles.paxOptions(WORK.resolve("load"),
                WORK.resolve("etc"))), systemProperty("masq.etc").value(WORK.resolve("etc").toString()));
    }

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        try (var written = Files.newDirectoryStream(WORK.resolve("etc"), "masq.{portfw,autofw}-*.cfg")) {
            for (Path p : written) {
                Files.delete(p); // the next test's framework starts without this one's forwards
            }
        }
    }

    /** A SYN from the outside client's port to the gateway's forwarded port, as it reached the inside. */
    private TcpSegment connect(int clientPort, int port) throws Exception {
        return gateway.inbound(tcp(CLIENT, clientPort, MemoryGateway.GATEWAY, port).flags(SYN).seq(100));
    }

    @Test
    public void aForwardAddedFromTheConsoleIsWrittenAppliedAndCounted() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        assertEquals("web: tcp 8080 -> 192.168.0.5:80 weight 10, active",
                gateway.run("masq:portfw add web tcp 8080 " + SERVER + " 80"));
        assertTrue(Files.readString(WORK.resolve("etc/masq.portfw-web.cfg")).contains("outside.port = 8080\n"));
        TcpSegment in = connect(40000, 8080);
        assertEquals(SERVER, Ipv4.toString(in.destination()));
        assertEquals(80, in.destinationPort());
        TcpSegment reply = gateway.outbound(tcp(SERVER, 80, CLIENT, 40000).flags(SYN | TcpSegment.ACK).seq(500)
                .ack(101));
        assertEquals("the reply leaves from the forwarded port", 8080, reply.sourcePort());
        String list = gateway.run("masq:portfw");
        assertTrue(list, list.matches("NAME +FORWARD +HITS +STATE\n"
                + "web +tcp 8080 -> 192\\.168\\.0\\.5:80 weight 10 +1 +active\n"));
        assertEquals("web: removed; connections it forwarded go on until they end",
                gateway.run("masq:portfw remove web"));
        gateway.link.inject(GatewayLink.OUTSIDE, tcp(CLIENT, 40001, MemoryGateway.GATEWAY, 8080).flags(SYN).seq(1)
                .toBytes());
        gateway.assertNothingMoreSent();
    }

    @Test
    public void badValuesAndOverlapsAreRefusedByNameAndTheRunningForwardsStay() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        assertEquals("inside.address 'server' is not an IPv4 address\n" + USAGE,
                gateway.console.fail("masq:portfw add web tcp 8080 server"));
        assertEquals("weight '0' is not a whole number from 1 to 1000000\n" + USAGE,
                gateway.console.fail("masq:portfw add web tcp 8080 " + SERVER + " 80 0"));
        assertEquals("outside.port '70000' is not a port or a range within 1-65535\n" + USAGE,
                gateway.console.fail("masq:portfw add web udp 70000 " + SERVER));
        assertEquals("NAME '../x' is not 1 to 64 letters, digits, '.', '_' or '-'\n" + USAGE,
                gateway.console.fail("masq:portfw add ../x tcp 80 " + SERVER));
        assertEquals("'list' is not add or remove\n" + USAGE, gateway.console.fail("masq:portfw list"));
        assertEquals("helper 'FTP!' is not a helper name (a-z, 0-9, '_', '-', at most 32)\n" + USAGE,
                gateway.console.fail("masq:portfw add ftpin tcp 21 " + SERVER + " 21 helper FTP!"));
        assertEquals("weight 'helper' is not a whole number from 1 to 1000000\n" + USAGE,
                gateway.console.fail("masq:portfw add ftpin tcp 21 " + SERVER + " 21 helper"));
        assertEquals("ftpin: tcp 21 -> 192.168.0.5:21 weight 10 helper ftp, active",
                gateway.run("masq:portfw add ftpin tcp 21 " + SERVER + " helper ftp"));
        assertTrue(Files.readString(WORK.resolve("etc/masq.portfw-ftpin.cfg")).contains("helper = ftp\n"));
        gateway.run("masq:portfw remove ftpin");
        assertEquals("no forward 'nope': " + WORK.resolve("etc/masq.portfw-nope.cfg") + " does not exist\n" + USAGE,
                gateway.console.fail("masq:portfw remove nope"));
        assertEquals("x11: tcp 6000-6009 -> 192.168.0.5:6000-6009 weight 1, active",
                gateway.run("masq:portfw add x11 tcp 6000-6009 " + SERVER + " 6000 1"));
        String overlap = gateway.run("masq:portfw add y tcp 6005 192.168.0.6");
        assertTrue(overlap, overlap.startsWith("y: tcp 6005 -> 192.168.0.6:6005 weight 10, refused: y: tcp 6005 -> "
                + "192.168.0.6:6005 weight 10 overlaps tcp 6000-6009 -> 192.168.0.5:6000-6009 weight 1 without the "
                + "same ports; the forwards stay as they were"));
        assertEquals(6003, connect(40000, 6003).destinationPort());
        Files.writeString(WORK.resolve("etc/masq.portfw-hand.cfg"), "protocol = sctp\noutside.port = 9\n"
                + "inside.address = " + SERVER + "\n");
        waitFor(() -> gateway.run("masq:portfw").contains("\nhand  -"), "the hand-written bad forward is listed");
        assertTrue(gateway.run("masq:portfw"), gateway.run("masq:portfw").matches(
                "(?s).*\nhand +- +0 +invalid: see the log\n.*"));
    }

    @Test
    public void anAutofwRuleFromItsFileOpensThePortsToTheHostThatSentToTheTrigger() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        Files.writeString(WORK.resolve("etc/masq.autofw-directplay.cfg"), "trigger.protocol = tcp\n"
                + "trigger.port = 47624\nopen.protocol = tcp,udp\nopen.ports = 2300-2400\ntimeout = 15\n");
        waitFor(() -> gateway.run("masq:autofw").matches("(?s).*\ndirectplay +tcp 47624 opens tcp,udp 2300-2400 for 15 s"
                + " +- +0 s +0 +0 +active\n"), "masq:autofw shows the rule active, held by no one");
        gateway.link.inject(GatewayLink.OUTSIDE, new UdpDatagram(Ipv4.parse(CLIENT), 9000,
                Ipv4.parse(MemoryGateway.GATEWAY), 2350, "join".getBytes()).toBytes());
        gateway.assertNothingMoreSent();
        gateway.outbound(tcp("192.168.0.2", 40000, CLIENT, 47624).flags(SYN).seq(1));
        UdpDatagram in = gateway.inbound(new UdpDatagram(Ipv4.parse(CLIENT), 9000, Ipv4.parse(MemoryGateway.GATEWAY),
                2350, "join".getBytes()));
        assertEquals("192.168.0.2", Ipv4.toString(in.destination()));
        assertEquals(2350, in.destinationPort());
        String rules = gateway.run("masq:autofw");
        assertTrue(rules, rules.matches("(?s).*\ndirectplay +.* +192\\.168\\.0\\.2 +1[0-5] s +1 +1 +active\n"));
        assertEquals("no arguments expected, got 'x'\nusage: masq:autofw   (rules are files: "
                + "etc/masq.autofw-NAME.cfg)", gateway.console.fail("masq:autofw x"));
    }

    @Test
    public void aOneToOneHostAddedOnTheConsoleIsReachedOnAnyPortAndRemoved() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        assertEquals("cbox: 192.168.0.4 <-> 203.0.113.50, active",
                gateway.run("masq:static add cbox 192.168.0.4 203.0.113.50"));
        UdpDatagram in = gateway.inbound(new UdpDatagram(Ipv4.parse(CLIENT), 9000, Ipv4.parse("203.0.113.50"),
                7000, "hello".getBytes()));
        assertEquals("192.168.0.4", Ipv4.toString(in.destination()));
        assertEquals(7000, in.destinationPort());
        String rows = gateway.run("masq:static");
        assertTrue(rows, rows.matches("(?s).*\ncbox +192\\.168\\.0\\.4 <-> 203\\.0\\.113\\.50 +1 +active\n"));
        String usage = "usage: masq:static [add NAME INSIDE-ADDRESS OUTSIDE-ADDRESS | remove NAME]   "
                + "(NAME: letters, digits, . _ -)";
        assertEquals("'x' is not add or remove\n" + usage, gateway.console.fail("masq:static x"));
        assertEquals("add takes NAME, the inside address and the outside address; got 2 arguments\n" + usage,
                gateway.console.fail("masq:static add d 192.168.0.5"));
        assertEquals("outside.address '203.0.113.999' is not an IPv4 address\n" + usage,
                gateway.console.fail("masq:static add d 192.168.0.5 203.0.113.999"));
        assertEquals("cbox: removed; its mappings on the outside address ended", gateway.run("masq:static remove cbox"));
    }

    @Test
    public void theFactoryConfigurationIsDescribedByMetatype() {
        Bundle engine = Arrays.stream(context.getBundles()).filter(b -> "masq.engine".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(engine).getObjectClassDefinition("masq.portfw",
                null);
        assertEquals(Set.of("protocol", "outside.port", "inside.address", "inside.port", "weight", "helper"),
                Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)).map(AttributeDefinition::getID)
                        .collect(Collectors.toSet()));
        assertTrue(Arrays.asList(metaType.getMetaTypeInformation(engine).getFactoryPids()).contains("masq.portfw"));
        ObjectClassDefinition autofw = metaType.getMetaTypeInformation(engine).getObjectClassDefinition(
                "masq.autofw", null);
        assertEquals(Set.of("trigger.protocol", "trigger.port", "open.protocol", "open.ports", "timeout"),
                Arrays.stream(autofw.getAttributeDefinitions(ObjectClassDefinition.ALL))
                        .map(AttributeDefinition::getID).collect(Collectors.toSet()));
    }
}
