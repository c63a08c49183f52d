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

import masq.engine.nat.AutoForwards;

/**
 * One port-triggering rule, from one factory configuration of {@code masq.autofw}
 * ({@code etc/masq.autofw-NAME.cfg}), which the {@link Gateway} collects and applies as a whole, as
 * it does {@link PortForwardConfig}s. A bad value is logged naming the key; the rule keeps its last
 * good values (none, for a new one).
 */
@Component(configurationPid = AutoForwardConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = InboundRuleConfig.class)
@Designate(ocd = AutoForwardConfiguration.class, factory = true)
public final class AutoForwardConfig implements InboundRuleConfig {
    public static final String FACTORY_PID = "masq.autofw";
    private static final Logger LOG = LoggerFactory.getLogger(AutoForwardConfig.class);
    static final Set<String> KEYS = Set.of("trigger.protocol", "trigger.port", "open.protocol", "open.ports",
            "timeout");

    private volatile AutoForwards.Rule rule;
    private volatile String name = "?";

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        name = ConfigValues.name(properties, FACTORY_PID);
        try {
            rule = parse(name, properties);
            LOG.info("{}-{}: {}", FACTORY_PID, name, rule.describe());
        } catch (IllegalArgumentException e) {
            LOG.error("{}-{}: {}; {}", FACTORY_PID, name, e.getMessage(),
                    rule == null ? "it opens nothing" : "it stays " + rule.describe());
        }
    }

    /** The rule, or null while the configuration has never been valid. */
    AutoForwards.Rule rule() {
        return rule;
    }

    String name() {
        return name;
    }

    /** The rule {@code properties} describe; an exception naming the key of a bad value. */
    public static AutoForwards.Rule parse(String name, Map<String, ?> properties) {
        ConfigValues v = new ConfigValues(properties, KEYS);
        int trigger = v.protocol("trigger.protocol", v.required("trigger.protocol"));
        int[] triggerPorts = v.ports("trigger.port");
        String open = v.required("open.protocol");
        String[] names = open.split("\\s*,\\s*");
        if (names.length > 2 || names.length == 2 && names[0].equalsIgnoreCase(names[1])) {
            throw new IllegalArgumentException("open.protocol '" + open + "' is not tcp, udp or tcp,udp");
        }
        int[] protocols = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            protocols[i] = v.protocol("open.protocol", names[i]);
        }
        int[] openPorts = v.ports("open.ports");
        int timeout = v.number("timeout", AutoForwards.DEFAULT_TIMEOUT_SECONDS, 1, 86_400);
        return new AutoForwards.Rule(name, trigger, triggerPorts[0], triggerPorts[1], protocols, openPorts[0],
                openPorts[1], timeout);
    }
}
