package masq.engine.gateway;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The Metatype description of factory PID {@code masq.static} ({@code etc/masq.static-NAME.cfg},
 * one file per inside host). {@link StaticNatConfig} validates the raw values and names the key of
 * any bad one.
 */
@ObjectClassDefinition(id = StaticNatConfig.FACTORY_PID, name = "masq 1:1 static NAT",
        description = "An inside host given an outside address of its own, which the gateway answers ARP for: "
                + "everything the host sends leaves from that address with its own ports, and every port and "
                + "protocol of the address reaches the host. Changes apply live.")
@interface StaticNatConfiguration {
    @AttributeDefinition(description = "The inside host's address, in the inside networks")
    String inside_address();

    @AttributeDefinition(description = "Its outside address: a free host address of the outside network, not "
            + "the gateway's own")
    String outside_address();
}
