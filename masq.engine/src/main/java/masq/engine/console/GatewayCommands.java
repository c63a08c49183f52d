package masq.engine.console;

import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayAdmin gateway;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayLinks links;

    @Descriptor("show the gateway: addresses, port range, mapping and filtering behaviour, mappings in use and free ports per protocol, uptime, "
            + "link state and per-interface counters (received, sent, pcap drops, ring overflows)")
    public Table status() {
        StatusDTO s = gateway().status();
        Table table = new Table("ITEM", "VALUE");
        table.row("inside", s.insideAddress).row("outside", s.outsideAddress).row("ports", s.ports)
                .row("mapping", s.mapping).row("filtering", s.filtering);
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
    public Table arp() {
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

    @Descriptor("list the masquerade mappings (the modern /proc/net/ip_masquerade)")
    public Table table(
            @Descriptor("only this protocol: tcp, udp or icmp") @Parameter(names = {"-p", "--protocol"},
                    absentValue = "") String protocol,
            @Descriptor("the most rows to print") @Parameter(names = {"-n", "--rows"},
                    absentValue = "" + DEFAULT_ROWS) int rows) {
        return mappings(protocol, null, rows);
    }

    @Descriptor("list the masquerade mappings of one inside or remote host")
    public Table table(
            @Descriptor("only this protocol: tcp, udp or icmp") @Parameter(names = {"-p", "--protocol"},
                    absentValue = "") String protocol,
            @Descriptor("the most rows to print") @Parameter(names = {"-n", "--rows"},
                    absentValue = "" + DEFAULT_ROWS) int rows,
            @Descriptor("an inside or remote IPv4 address") String host) {
        return mappings(protocol, host, rows);
    }

    @Descriptor("show every counter: the engine's packets and drops by reason, then each interface's "
            + "(Ethernet, ARP and fragmentation events and drops), prefixed inside. and outside.")
    public Table stats() {
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

    @Descriptor("show the mapping timeouts in seconds")
    public Table timeouts() {
        return timeoutTable(gateway().timeouts());
    }

    @Descriptor("set the timeouts in seconds, as ipchains -M -S did (0 keeps a value)")
    public Table timeouts(@Descriptor("established TCP") int tcp, @Descriptor("TCP opening or closing") int tcpfin,
            @Descriptor("UDP") int udp) {
        return timeouts(tcp, tcpfin, udp, 0);
    }

    @Descriptor("set the timeouts in seconds, as ipchains -M -S did (0 keeps a value)")
    public Table timeouts(@Descriptor("established TCP") int tcp, @Descriptor("TCP opening or closing") int tcpfin,
            @Descriptor("UDP") int udp, @Descriptor("ICMP queries") int icmp) {
        TimeoutsDTO dto = new TimeoutsDTO();
        dto.tcpSeconds = tcp;
        dto.tcpFinSeconds = tcpfin;
        dto.udpSeconds = udp;
        dto.icmpSeconds = icmp;
        return timeoutTable(gateway().timeouts(dto));
    }

    @Descriptor("list the pending expectations: related connections helpers let in (FTP data, ...)")
    public Table expect() {
        Table table = new Table("PROTO", "REMOTE", "GATEWAY-PORT", "INSIDE", "MASTER", "HELPER", "LEFT");
        for (ExpectationDTO e : gateway().expectations()) {
            table.row(e.transport, e.remoteAddress + ":" + (e.remotePort == 0 ? "*" : e.remotePort),
                    e.gatewayPort == 0 ? "-" : e.gatewayPort, e.insideAddress + ":" + e.insidePort, e.masterId,
                    e.helper, e.secondsLeft + " s");
        }
        return table;
    }

    @Descriptor("remove every mapping and expectation")
    public String flush() {
        return "flushed " + gateway().flush() + " mappings";
    }

    private Table mappings(String protocol, String host, int rows) {
        Table table = new Table("PROTO", "INSIDE", "MASQ", "REMOTE", "STATE", "EXPIRES", "HELPER", "MASTER");
        for (MappingDTO m : gateway().mappings(protocol.isEmpty() ? null : protocol, host, rows)) {
            table.row(m.protocol, m.insideAddress + ":" + m.insidePort, m.outsidePort,
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
