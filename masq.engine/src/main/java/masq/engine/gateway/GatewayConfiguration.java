package masq.engine.gateway;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The Metatype description of Config Admin PID {@code masq.gateway} ({@code etc/masq.gateway.cfg}).
 * Method names map to keys with {@code _} read as {@code .}; {@link GatewaySettings} validates the
 * raw values and names the key of any bad one.
 */
@ObjectClassDefinition(id = GatewaySettings.PID, name = "masq gateway",
        description = "The masquerading gateway: its interfaces, addresses, masq port range, timeouts, limits, "
                + "filtering and mapping. Changes apply live; a bad value is rejected and the running configuration stays.")
@interface GatewayConfiguration {
    @AttributeDefinition(description = "Interface on the inside (LAN) side, e.g. in0")
    String inside_interface();

    @AttributeDefinition(description = "The gateway's inside address with prefix, e.g. 192.168.0.1/24")
    String inside_address();

    @AttributeDefinition(required = false, description = "Comma-separated CIDRs whose hosts may be masqueraded; "
            + "default: the inside address's network")
    String inside_networks();

    @AttributeDefinition(description = "Interface on the outside (WAN) side, e.g. out0")
    String outside_interface();

    @AttributeDefinition(description = "The gateway's outside address with prefix, e.g. 203.0.113.1/24; or dhcp: "
            + "leased by a DHCP server on the outside interface (RFC 2131), renewed, and followed when it changes "
            + "(the mappings of the old address are flushed)")
    String outside_address();

    @AttributeDefinition(required = false,
            description = "Next hop for destinations not on the outside network, e.g. 203.0.113.254; with "
                    + "outside.address = dhcp, the lease's router unless set")
    String outside_gateway();

    @AttributeDefinition(required = false, description = "The masq port range, a sub-range of 1024-65535")
    String ports() default "61000-65095";

    @AttributeDefinition(required = false, description = "Established TCP timeout, seconds (RFC 5382: >= 7440)")
    int timeout_tcp() default 7440;

    @AttributeDefinition(required = false, description = "TCP opening/closing timeout, seconds (RFC 5382: >= 240)")
    int timeout_tcpfin() default 240;

    @AttributeDefinition(required = false, description = "UDP timeout, seconds (RFC 4787: >= 120)")
    int timeout_udp() default 300;

    @AttributeDefinition(required = false, description = "ICMP query timeout, seconds (RFC 5508: >= 60)")
    int timeout_icmp() default 60;

    @AttributeDefinition(required = false, description = "Most mappings in total")
    int limits_mappings() default 65536;

    @AttributeDefinition(required = false, description = "Most mappings per inside host")
    int limits_mappings_per_host() default 8192;

    @AttributeDefinition(required = false, description = "Most inside hosts tracked")
    int limits_hosts() default 4096;

    @AttributeDefinition(required = false, description = "Most pending expectations (helpers' related "
            + "connections), all hosts together")
    int limits_expectations() default 1024;

    @AttributeDefinition(required = false, description = "Most pending expectations naming one inside host")
    int limits_expectations_per_host() default 128;

    @AttributeDefinition(required = false, min = "0", max = "1000000", description = "Microseconds the engine "
            + "thread keeps polling the interfaces after a frame before it sleeps: lower latency for CPU time; "
            + "0 sleeps at once")
    int busy_poll() default 0;

    @AttributeDefinition(required = false, description = "Which inbound packets a mapping admits", options = {
        @Option(value = "address-and-port-dependent", label = "only the remote address and port the host sent to"),
        @Option(value = "address-dependent", label = "only remote addresses the host sent to"),
        @Option(value = "endpoint-independent", label = "any remote endpoint")})
    String filtering() default "address-and-port-dependent";

    @AttributeDefinition(required = false, description = "Which outbound packets of an inside endpoint share "
            + "one gateway port; the dependent behaviours are Linux 2.2's, for helpers that expect them", options = {
        @Option(value = "endpoint-independent", label = "one port per inside endpoint (RFC 4787 REQ-1)"),
        @Option(value = "address-dependent", label = "a port per remote address"),
        @Option(value = "address-and-port-dependent", label = "a port per remote address and port (Linux 2.2)")})
    String mapping() default "endpoint-independent";

    @AttributeDefinition(required = false, description = "How a new mapping's gateway "
            + "port is chosen; every way keeps the inside port's parity and keeps ports below 1024 below 1024 "
            + "(RFC 4787 REQ-3a, REQ-4). Applies to new mappings at once", options = {
        @Option(value = "preserve", label = "the inside port when free on the outside address, else sequential (Linux)"),
        @Option(value = "sequential", label = "the next free port of the range (Linux 2.2)"),
        @Option(value = "random", label = "a random port of the range (RFC 6056)")})
    String ports_allocation() default "preserve";

    @AttributeDefinition(required = false, description = "Datagrams with a loose or "
            + "strict source route option (RFC 7126 §4.3, §4.4)", options = {
        @Option(value = "drop", label = "dropped and counted (drop.ip.source-route)"),
        @Option(value = "pass", label = "forwarded as they are")})
    String ip_source_route() default "drop";
}
