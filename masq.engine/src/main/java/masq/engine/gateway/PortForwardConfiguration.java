package masq.engine.gateway;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The Metatype description of factory PID {@code masq.portfw} ({@code etc/masq.portfw-NAME.cfg},
 * one file per forward). {@link PortForwardConfig} validates the raw values and names the key of
 * any bad one.
 */
@ObjectClassDefinition(id = PortForwardConfig.FACTORY_PID, name = "masq port forward",
        description = "A port of the outside address forwarded to an inside server (ipmasqadm portfw). Several "
                + "forwards of one port share its new connections by weight. Changes apply live to new connections.")
@interface PortForwardConfiguration {
    @AttributeDefinition(description = "The protocol", options = {@Option(value = "tcp", label = "TCP"),
        @Option(value = "udp", label = "UDP")})
    String protocol();

    @AttributeDefinition(description = "The forwarded port of the outside address, or a range: 8080, 6000-6009")
    String outside_port();

    @AttributeDefinition(description = "The inside server's address, in the inside networks")
    String inside_address();

    @AttributeDefinition(required = false, min = "1", max = "65535", description = "The server's port (for a "
            + "range, the port of its first; the others follow); default: the outside port")
    int inside_port();

    @AttributeDefinition(required = false, min = "1", max = "1000000", description = "New connections in a row "
            + "before the next forward of the same port takes its turn (Linux 2.2's preference)")
    int weight() default 10;

    @AttributeDefinition(required = false, description = "The helper attached to the forward's connections, "
            + "by its name (ftp for an FTP server inside); none by default: no helper ever sees an inbound "
            + "connection without this")
    String helper();
}
