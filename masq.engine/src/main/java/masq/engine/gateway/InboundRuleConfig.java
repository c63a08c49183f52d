package masq.engine.gateway;

/**
 * The service of every inbound rule configuration component ({@link PortForwardConfig},
 * {@link AutoForwardConfig}, {@link StaticNatConfig}), one per factory configuration, which the
 * {@link Gateway} binds through one reference and hands to its {@link InboundConfigs}.
 */
interface InboundRuleConfig {
}
