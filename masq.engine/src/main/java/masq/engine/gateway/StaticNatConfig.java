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

import masq.engine.nat.StaticNat;

/**
 * One 1:1 static NAT rule, from one factory configuration of {@code masq.static}
 * ({@code etc/masq.static-NAME.cfg}): a component per configuration, which the {@link Gateway}
 * collects and applies as a whole. A bad value is logged naming the key, and the rule keeps the
 * last good values it had (none, for a new one: it maps nothing).
 */
@Component(configurationPid = StaticNatConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = InboundRuleConfig.class)
@Designate(ocd = StaticNatConfiguration.class, factory = true)
public final class StaticNatConfig implements InboundRuleConfig {
    public static final String FACTORY_PID = "masq.static";
    private static final Logger LOG = LoggerFactory.getLogger(StaticNatConfig.class);
    static final Set<String> KEYS = Set.of("inside.address", "outside.address");

    private volatile StaticNat.Rule rule;
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
                    rule == null ? "it maps nothing" : "it stays " + rule.describe());
        }
    }

    /** The rule, or null while the configuration has never been valid. */
    StaticNat.Rule rule() {
        return rule;
    }

    /** The rule's name: NAME of {@code masq.static-NAME.cfg}, else its configuration's PID. */
    String name() {
        return name;
    }

    /** The rule {@code properties} describe; an exception naming the key of a bad value. */
    public static StaticNat.Rule parse(String name, Map<String, ?> properties) {
        ConfigValues v = new ConfigValues(properties, KEYS);
        return new StaticNat.Rule(name, v.address("inside.address"), v.address("outside.address"));
    }
}
