package masq.engine.console;

import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import masq.api.admin.ExpectationDTO;
import masq.api.admin.GatewayAdmin;
import masq.api.admin.MappingDTO;
import masq.api.admin.StatusDTO;
import masq.api.admin.TimeoutsDTO;
import masq.api.link.ArpEntryDTO;
import masq.api.link.LinkStatsDTO;
import masq.engine.gateway.GatewayLinks;
import masq.engine.nat.Timeouts;

/**
 * Console commands about the masquerading engine, in Gogo scope {@code masq}: the modern
 * {@code /proc/net/ip_masquerade} ({@code masq:table}) and {@code ipchains -M -S}
 * ({@code masq:timeouts}).
 */
@Component(service = GatewayCommands.class, property = {"osgi.command.scope=masq",
    "osgi.command.function=status", "osgi.command.function=table", "osgi.command.function=stats",
    "osgi.command.function=timeouts", "osgi.command.function=flush", "osgi.command.function=expect", "osgi.command.function=arp"})
public final class GatewayCommands {
    /** Rows {@code masq:table} prints unless told otherwise. */
    static final int DEFAULT_ROWS = 1000;
    /** The most rows {@code masq:table} prints. */
    static final int MAX_ROWS = 65536;

    static final Usage STATUS = new Usage("masq:status");
    static final Usage TABLE = new Usage("masq:table [-p tcp|udp|icmp] [-n ROWS] [HOST]   (ROWS 1 to " + MAX_ROWS
            + ", default " + DEFAULT_ROWS + "; HOST an inside or remote IPv4 address)");
    static final Usage STATS = new Usage("masq:stats");
    static final Usage TIMEOUTS = new Usage("masq:timeouts [TCP TCPFIN UDP [ICMP]]   (seconds, 0 keeps a value, at "
            + "most " + Timeouts.MAX_SECONDS + ")");
    static final Usage FLUSH = new Usage("masq:flush");
    static final Usage EXPECT = new Usage("masq:expect");
    static final Usage ARP = new Usage("masq:arp");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayAdmin gateway;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayLinks links;

    @Descriptor("show the gateway: addresses, port range, mapping and filtering behaviour, port allocation, mappings in use and free ports per protocol, uptime, "
            + "link state and per-interface counters (received, sent, pcap drops, ring overflows)")
    public Table status(String... args) {
        STATUS.none(args);
        StatusDTO s = gateway().status();
        Table table = new Table("ITEM", "VALUE");
        table.row("inside", s.insideAddress).row("outside", s.outsideAddress).row("ports", s.ports)
                .row("mapping", s.mapping).row("filtering", s.filtering).row("allocation", s.portAllocation);
        if (s.dhcp != null) {
            table.row("dhcp", s.dhcp);
        }
        for (Map.Entry<String, Long> e : s.mappings.entrySet()) {
            table.row("mappings " + e.getKey(), e.getValue() + " (ports free: " + s.freePorts.get(e.getKey()) + ")");
        }
        table.row("expectations", s.expectations).row("uptime", s.uptimeSeconds + " s");
        GatewayLinks link = links;
        if (link != null) {
            table.row("link", link.linkState());
            for (LinkStatsDTO l : link.linkStats()) {
                table.row(l.side + " " + l.interfaceName, l.mac + ", mtu " + l.mtu + ", received " + l.received
                        + ", sent " + l.sent + ", pcap drops " + l.pcapDropped + " (interface " + l.pcapInterfaceDropped
                        + "), ring overflows " + l.ringOverflows + ", errors " + l.errors);
            }
        }
        return table;
    }

    @Descriptor("list the ARP cache of both interfaces: side, address, MAC, state, seconds left, datagrams waiting")
    public Table arp(String... args) {
        ARP.none(args);
        GatewayLinks link = links;
        if (link == null) {
            gateway();
            throw new IllegalStateException("the gateway has no link");
        }
        Table table = new Table("SIDE", "ADDRESS", "MAC", "STATE", "LEFT", "PENDING");
        for (ArpEntryDTO e : link.arp()) {
            table.row(e.side, e.address, e.mac, e.state, e.secondsLeft + " s", e.pending);
        }
        return table;
    }

    @Descriptor("list the masquerade mappings (the modern /proc/net/ip_masquerade): "
            + "masq:table [-p tcp|udp|icmp] [-n ROWS] [HOST], HOST an inside or remote address")
    public Table table(@Descriptor("[-p tcp|udp|icmp] [-n ROWS] [HOST]") String... args) {
        String protocol = "";
        String host = null;
        int rows = DEFAULT_ROWS;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean option = a.equals("-p") || a.equals("--protocol") || a.equals("-n") || a.equals("--rows");
            if (option && i + 1 == args.length) {
                throw TABLE.wrong("option " + a + " needs a value");
            } else if (a.equals("-p") || a.equals("--protocol")) {
                protocol = args[++i];
                if (!protocol.matches("(?i)tcp|udp|icmp")) {
                    throw TABLE.wrong("protocol '" + protocol + "' is not tcp, udp or icmp");
                }
            } else if (option) {
                rows = TABLE.number("ROWS", args[++i], 1, MAX_ROWS, "rows");
            } else if (a.startsWith("-")) {
                throw TABLE.wrong("unknown option '" + a + "'");
            } else if (host != null) {
                throw TABLE.wrong("one HOST only, not '" + host + "' and '" + a + "'");
            } else {
                host = a;
            }
        }
        try {
            return mappings(protocol, host, rows);
        } catch (IllegalArgumentException e) {
            throw TABLE.wrong(e.getMessage());
        }
    }

    @Descriptor("show every counter: the engine's packets and drops by reason, then each interface's "
            + "(Ethernet, ARP and fragmentation events and drops), prefixed inside. and outside.")
    public Table stats(String... args) {
        STATS.none(args);
        Table table = new Table("COUNTER", "VALUE");
        gateway().stats().counters.forEach(table::row);
        GatewayLinks link = links;
        if (link != null) {
            for (LinkStatsDTO l : link.linkStats()) {
                if (l.counters != null) {
                    l.counters.forEach((name, value) -> table.row(l.side + "." + name, value));
                }
            }
        }
        return table;
    }

    @Descriptor("show the mapping timeouts in seconds, or set them as ipchains -M -S did: "
            + "masq:timeouts [TCP TCPFIN UDP [ICMP]] (0 keeps a value)")
    public Table timeouts(@Descriptor("[TCP TCPFIN UDP [ICMP]]: established TCP, TCP opening or closing, UDP, "
            + "ICMP queries") String... args) {
        if (args.length == 0) {
            return timeoutTable(gateway().timeouts());
        }
        if (args.length != 3 && args.length != 4) {
            throw TIMEOUTS.wrong("no numbers, or 3 or 4, expected; got " + args.length + ": '" + String.join(" ", args)
                    + "'");
        }
        String[] names = {"TCP", "TCPFIN", "UDP", "ICMP"};
        int[] seconds = new int[4];
        for (int i = 0; i < args.length; i++) {
            seconds[i] = TIMEOUTS.number(names[i], args[i], 0, Timeouts.MAX_SECONDS, "seconds");
        }
        TimeoutsDTO dto = new TimeoutsDTO();
        dto.tcpSeconds = seconds[0];
        dto.tcpFinSeconds = seconds[1];
        dto.udpSeconds = seconds[2];
        dto.icmpSeconds = seconds[3];
        return timeoutTable(gateway().timeouts(dto));
    }

    @Descriptor("list the pending expectations: related connections helpers let in (FTP data, ...)")
    public Table expect(String... args) {
        EXPECT.none(args);
        Table table = new Table("PROTO", "REMOTE", "GATEWAY-PORT", "INSIDE", "MASTER", "HELPER", "LEFT");
        for (ExpectationDTO e : gateway().expectations()) {
            table.row(e.transport, e.remoteAddress + ":" + (e.remotePort == 0 ? "*" : e.remotePort),
                    e.gatewayPort == 0 ? "-" : e.gatewayPort, e.insideAddress + ":" + e.insidePort, e.masterId,
                    e.helper, e.secondsLeft < 0 ? "with master" : e.secondsLeft + " s");
        }
        return table;
    }

    @Descriptor("remove every mapping and expectation")
    public String flush(String... args) {
        FLUSH.none(args);
        return "flushed " + gateway().flush() + " mappings";
    }

    private Table mappings(String protocol, String host, int rows) {
        Table table = new Table("PROTO", "INSIDE", "MASQ", "REMOTE", "STATE", "EXPIRES", "HELPER", "MASTER");
        String own = gateway().status().outsideAddress;
        for (MappingDTO m : gateway().mappings(protocol.isEmpty() ? null : protocol, host, rows)) {
            // a 1:1 NAT host's mapping shows the host's own address before the port
            boolean gateways = own == null || m.outsideAddress == null || own.startsWith(m.outsideAddress + "/");
            table.row(m.protocol, m.insideAddress + ":" + m.insidePort,
                    gateways ? m.outsidePort : m.outsideAddress + ":" + m.outsidePort,
                    m.remoteAddress + ":" + m.remotePort, m.state, m.expiresInSeconds + " s", m.helper,
                    m.masterId == 0 ? "-" : m.masterId);
        }
        return table;
    }

    private static Table timeoutTable(TimeoutsDTO t) {
        return new Table("TCP", "TCPFIN", "UDP", "ICMP").row(t.tcpSeconds, t.tcpFinSeconds, t.udpSeconds,
                t.icmpSeconds);
    }

    private GatewayAdmin gateway() {
        GatewayAdmin admin = gateway;
        if (admin == null) {
            throw new IllegalStateException("the gateway is not running: configure it in etc/masq.gateway.cfg "
                    + "(see README), or see the log for why its configuration was rejected");
        }
        return admin;
    }
}
