package masq.engine.gateway;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The Metatype description of factory PID {@code masq.autofw} ({@code etc/masq.autofw-NAME.cfg},
 * one file per rule). {@link AutoForwardConfig} validates the raw values and names the key of any
 * bad one.
 */
@ObjectClassDefinition(id = AutoForwardConfig.FACTORY_PID, name = "masq port trigger",
        description = "Port triggering (ipmasqadm autofw): an inside host's packets to the trigger ports open the "
                + "open ports back to it, on the same port numbers, until the timeout after its last one. One host "
                + "at a time. Changes apply live.")
@interface AutoForwardConfiguration {
    @AttributeDefinition(description = "The trigger's protocol", options = {@Option(value = "tcp", label = "TCP"),
        @Option(value = "udp", label = "UDP")})
    String trigger_protocol();

    @AttributeDefinition(description = "The remote port, or range, an inside host sends to: 47624")
    String trigger_port();

    @AttributeDefinition(description = "The protocols the open ports take: tcp, udp or tcp,udp")
    String open_protocol();

    @AttributeDefinition(description = "The ports opened back to the host: 2300-2400")
    String open_ports();

    @AttributeDefinition(required = false, min = "1", max = "86400", description = "Seconds the ports stay open "
            + "after the host's last packet to the trigger")
    int timeout() default 15;
}
