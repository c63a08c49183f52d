package masq.engine.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.engine.nat.AutoForwards;
import masq.engine.nat.PortForwards;
import masq.engine.nat.StaticNat;
import masq.engine.nat.Translator;

/**
 * The {@link Gateway}'s inbound rules: the {@code masq.portfw}, {@code masq.autofw} and
 * {@code masq.static} configurations it is bound to, applied to the running engine as a whole whenever one comes, goes
 * or changes, and once more when an engine starts; and their rows for the console. A set that does
 * not fit is logged by name and the rules that ran stay.
 */
final class InboundConfigs implements GatewayForwards {
    private static final Logger LOG = LoggerFactory.getLogger(InboundConfigs.class);

    /** The running engine, as the gateway reaches it. */
    interface Engine {
        boolean running();

        /** Runs {@code request} on the engine thread and returns its result. */
        <T> T call(Function<Translator, T> request);
    }

    private final Engine engine;
    private final Set<PortForwardConfig> forwardConfigs = ConcurrentHashMap.newKeySet();
    private final Set<AutoForwardConfig> autoConfigs = ConcurrentHashMap.newKeySet();
    private final Set<StaticNatConfig> staticConfigs = ConcurrentHashMap.newKeySet();
    /** Why the last set was refused, or null when it runs. */
    private volatile String forwardsRefused;
    private volatile String autoRefused;
    private volatile String staticRefused;

    InboundConfigs(Engine engine) {
        this.engine = engine;
    }

    /** A rule configuration came: its set is applied. */
    void add(InboundRuleConfig config) {
        setOf(config).add(config);
        apply(config);
    }

    /** A rule configuration went: its set is applied without it. */
    void remove(InboundRuleConfig config) {
        setOf(config).remove(config);
        apply(config);
    }

    /** Applies the set {@code config} belongs to (it changed). */
    void apply(InboundRuleConfig config) {
        if (config instanceof PortForwardConfig) {
            applyForwards();
        } else if (config instanceof AutoForwardConfig) {
            applyAutoForwards();
        } else {
            applyStatic();
        }
    }

    @SuppressWarnings("unchecked")
    private Set<InboundRuleConfig> setOf(InboundRuleConfig config) {
        Set<?> set = config instanceof PortForwardConfig ? forwardConfigs
                : config instanceof AutoForwardConfig ? autoConfigs : staticConfigs;
        return (Set<InboundRuleConfig>) set;
    }

    /** Applies every set to an engine that has just started (those bound before found none). */
    void engineStarted() {
        if (!staticConfigs.isEmpty()) {
            applyStatic();
        }
        if (!forwardConfigs.isEmpty()) {
            applyForwards();
        }
        if (!autoConfigs.isEmpty()) {
            applyAutoForwards();
        }
    }

    /** Applies the configured forwards, or logs why not. */
    synchronized void applyForwards() {
        if (!engine.running()) {
            return;
        }
        List<PortForwards.Forward> list = new ArrayList<>();
        for (PortForwardConfig c : forwardConfigs) {
            if (c.forward() != null) {
                list.add(c.forward());
            }
        }
        list.sort(Comparator.comparing(PortForwards.Forward::name));
        String refused;
        try {
            PortForwards next = PortForwards.of(list);
            refused = engine.call(t -> t.setPortForwards(next));
        } catch (IllegalArgumentException e) {
            refused = e.getMessage() + "; the forwards stay as they were";
        }
        forwardsRefused = refused;
        report(PortForwardConfig.FACTORY_PID, refused, list.size() + " forwards");
    }

    /** Applies the configured autofw rules, or logs why not. */
    synchronized void applyAutoForwards() {
        if (!engine.running()) {
            return;
        }
        List<AutoForwards.Rule> list = new ArrayList<>();
        for (AutoForwardConfig c : autoConfigs) {
            if (c.rule() != null) {
                list.add(c.rule());
            }
        }
        list.sort(Comparator.comparing(AutoForwards.Rule::name));
        String refused;
        try {
            AutoForwards next = AutoForwards.of(list);
            refused = engine.call(t -> t.setAutoForwards(next));
        } catch (IllegalArgumentException e) {
            refused = e.getMessage() + "; the autofw rules stay as they were";
        }
        autoRefused = refused;
        report(AutoForwardConfig.FACTORY_PID, refused, list.size() + " rules");
    }

    /** Applies the configured 1:1 NAT rules, or logs why not; the link then answers ARP for their addresses. */
    synchronized void applyStatic() {
        if (!engine.running()) {
            return;
        }
        List<StaticNat.Rule> list = new ArrayList<>();
        for (StaticNatConfig c : staticConfigs) {
            if (c.rule() != null) {
                list.add(c.rule());
            }
        }
        list.sort(Comparator.comparing(StaticNat.Rule::name));
        String refused;
        try {
            StaticNat next = StaticNat.of(list);
            refused = engine.call(t -> t.setStaticNat(next));
        } catch (IllegalArgumentException e) {
            refused = e.getMessage();
        }
        refused = refused == null ? null : refused + "; the 1:1 NAT rules stay as they were";
        staticRefused = refused;
        report(StaticNatConfig.FACTORY_PID, refused, list.size() + " 1:1 NAT hosts");
    }

    private static void report(String pid, String refused, String applied) {
        if (refused != null) {
            LOG.error("{}-{}", pid, refused);
        } else {
            LOG.info("{}: {}", pid, applied);
        }
    }

    /** The state of a configured rule the engine does not run. */
    private static String notRunning(boolean valid, String refused) {
        return !valid ? "invalid: see the log" : refused != null ? "refused: " + refused : NOT_APPLIED;
    }

    @Override
    public List<Row> forwards() {
        Map<String, Long> hits = new HashMap<>();
        if (engine.running()) {
            engine.call(t -> {
                PortForwards running = t.portForwards();
                for (int i = 0; i < running.forwards().size(); i++) {
                    hits.put(running.forwards().get(i).name(), running.hits(i));
                }
                return null;
            });
        }
        String refused = forwardsRefused;
        List<Row> rows = new ArrayList<>();
        for (PortForwardConfig c : forwardConfigs) {
            PortForwards.Forward f = c.forward();
            String state = hits.containsKey(c.name()) ? "active" : notRunning(f != null, refused);
            rows.add(new Row(c.name(), f == null ? "-" : f.describe(), hits.getOrDefault(c.name(), 0L), state));
        }
        rows.sort(Comparator.comparing(Row::name));
        return rows;
    }

    @Override
    public List<StaticRow> staticNat() {
        Map<String, Integer> running = new HashMap<>();
        if (engine.running()) {
            engine.call(t -> {
                for (StaticNat.Rule r : t.staticNat().rules()) {
                    running.put(r.name(), t.staticSessions(r.outsideAddress()));
                }
                return null;
            });
        }
        String refused = staticRefused;
        List<StaticRow> rows = new ArrayList<>();
        for (StaticNatConfig c : staticConfigs) {
            StaticNat.Rule r = c.rule();
            Integer sessions = running.get(c.name());
            rows.add(new StaticRow(c.name(), r == null ? "-" : r.describe(), sessions == null ? 0 : sessions,
                    sessions != null ? "active" : notRunning(r != null, refused)));
        }
        rows.sort(Comparator.comparing(StaticRow::name));
        return rows;
    }

    @Override
    public List<AutoRow> autoForwards() {
        Map<String, AutoRow> running = new HashMap<>();
        if (engine.running()) {
            engine.call(t -> {
                AutoForwards rules = t.autoForwards();
                int now = rules.now();
                for (int i = 0; i < rules.rules().size(); i++) {
                    AutoForwards.Rule r = rules.rules().get(i);
                    running.put(r.name(), new AutoRow(r.name(), r.describe(), rules.holderText(i, now),
                            rules.secondsLeft(i, now), rules.triggers(i), rules.opened(i), "active"));
                }
                return null;
            });
        }
        String refused = autoRefused;
        List<AutoRow> rows = new ArrayList<>();
        for (AutoForwardConfig c : autoConfigs) {
            AutoRow r = running.get(c.name());
            rows.add(r != null ? r : new AutoRow(c.name(), c.rule() == null ? "-" : c.rule().describe(), "-", 0, 0,
                    0, notRunning(c.rule() != null, refused)));
        }
        rows.sort(Comparator.comparing(AutoRow::name));
        return rows;
    }
}
