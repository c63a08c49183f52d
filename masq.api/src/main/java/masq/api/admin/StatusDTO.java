package masq.api.admin;

import java.util.Map;

import org.osgi.dto.DTO;

/** The gateway at a glance, as {@code masq:status} prints it. */
public class StatusDTO extends DTO {
    /** The inside address in CIDR form, e.g. {@code 192.168.0.1/24}. */
    public String insideAddress;
    /** The outside address in CIDR form. */
    public String outsideAddress;
    /** The masq port range, e.g. {@code 61000-65095}. */
    public String ports;
    /**
     * The mapping behaviour, as the {@code mapping} configuration key spells it:
     * {@code endpoint-independent}, {@code address-dependent} or {@code address-and-port-dependent}.
     *
     * @since 1.1
     */
    public String mapping;
    /**
     * The filtering behaviour of inbound packets, spelt as {@link #mapping} is.
     *
     * @since 1.1
     */
    public String filtering;
    /**
     * How new mappings' gateway ports are chosen, as the {@code ports.allocation} configuration key
     * spells it: {@code preserve}, {@code sequential} or {@code random}.
     *
     * @since 1.2
     */
    public String portAllocation;
    /**
     * With {@code outside.address = dhcp}: the DHCP client's state and lease ({@code bound
     * 203.0.113.7/24, router 203.0.113.254, from 203.0.113.254, lease 120 s, renewal in 52 s});
     * null with a configured address.
     *
     * @since 1.3
     */
    public String dhcp;
    /** Mappings in use per protocol ({@code tcp}, {@code udp}, {@code icmp}). */
    public Map<String, Long> mappings;
    /** Free gateway ports per protocol. */
    public Map<String, Long> freePorts;
    /** Pending expectations. */
    public long expectations;
    /** Seconds since the engine started. */
    public long uptimeSeconds;
}
