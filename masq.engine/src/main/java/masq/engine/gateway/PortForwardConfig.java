package masq.engine.gateway;

import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.engine.nat.PortForwards;

/**
 * One port forward, from one factory configuration of {@code masq.portfw}
 * ({@code etc/masq.portfw-NAME.cfg}): a component per configuration, which the {@link Gateway}
 * collects and applies as a whole. A bad value is logged naming the key, and the forward keeps the
 * last good values it had (none, for a new one: it forwards nothing).
 */
@Component(configurationPid = PortForwardConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = InboundRuleConfig.class)
@Designate(ocd = PortForwardConfiguration.class, factory = true)
public final class PortForwardConfig implements InboundRuleConfig {
    public static final String FACTORY_PID = "masq.portfw";
    private static final Logger LOG = LoggerFactory.getLogger(PortForwardConfig.class);
    static final Set<String> KEYS = Set.of("protocol", "outside.port", "inside.address", "inside.port", "weight",
            "helper");

    private volatile PortForwards.Forward forward;
    private volatile String name = "?";

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        name = name(properties);
        try {
            forward = parse(name, properties);
            LOG.info("{}-{}: {}", FACTORY_PID, name, forward.describe());
        } catch (IllegalArgumentException e) {
            LOG.error("{}-{}: {}; {}", FACTORY_PID, name, e.getMessage(),
                    forward == null ? "it forwards nothing" : "it stays " + forward.describe());
        }
    }

    /** The forward, or null while the configuration has never been valid. */
    PortForwards.Forward forward() {
        return forward;
    }

    /** The forward's name: NAME of {@code masq.portfw-NAME.cfg}, else its configuration's PID. */
    String name() {
        return name;
    }

    static String name(Map<String, ?> properties) {
        return ConfigValues.name(properties, FACTORY_PID);
    }

    /** The forward {@code properties} describe; an exception naming the key of a bad value. */
    public static PortForwards.Forward parse(String name, Map<String, ?> properties) {
        ConfigValues v = new ConfigValues(properties, KEYS);
        int proto = v.protocol("protocol", v.required("protocol"));
        int[] ports = v.ports("outside.port");
        int address = v.address("inside.address");
        int insidePort = v.number("inside.port", ports[0], 1, 65535 - (ports[1] - ports[0]));
        int weight = v.number("weight", PortForwards.DEFAULT_WEIGHT, 1, 1_000_000);
        return new PortForwards.Forward(name, proto, ports[0], ports[1], address, insidePort, weight,
                v.helperName("helper"));
    }
}
