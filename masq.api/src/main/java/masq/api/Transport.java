package masq.api;

import java.util.Locale;

/** An IP transport protocol the engine can masquerade, with its IANA protocol number. */
public enum Transport {
    /** RFC 9293 TCP. */
    TCP(6),
    /** RFC 768 UDP. */
    UDP(17),
    /** RFC 2784 GRE, as PPTP's enhanced GRE (RFC 2637) uses it. */
    GRE(47),
    /** RFC 4303 ESP. */
    ESP(50);

    private final int protocolNumber;

    Transport(int protocolNumber) {
        this.protocolNumber = protocolNumber;
    }

    /** @return the value of the IPv4 protocol field for this transport */
    public int protocolNumber() {
        return protocolNumber;
    }

    /** @return the lower-case name used in service properties and configuration ({@code "tcp"}) */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a transport name as written in service properties and configuration.
     *
     * @param name {@code tcp}, {@code udp}, {@code gre} or {@code esp}, in any case
     * @return the transport
     * @throws IllegalArgumentException if the name is none of those
     */
    public static Transport parse(String name) {
        if (name != null) {
            for (Transport t : values()) {
                if (t.name().equalsIgnoreCase(name.trim())) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a transport (tcp, udp, gre, esp)");
    }

    /**
     * @param protocolNumber an IPv4 protocol field value
     * @return the transport, or {@code null} if masq does not masquerade that protocol by ports
     */
    public static Transport of(int protocolNumber) {
        for (Transport t : values()) {
            if (t.protocolNumber == protocolNumber) {
                return t;
            }
        }
        return null;
    }
}
