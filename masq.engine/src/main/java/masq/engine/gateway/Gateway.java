package masq.engine.gateway;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.admin.ExpectationDTO;
import masq.api.admin.GatewayAdmin;
import masq.api.admin.MappingDTO;
import masq.api.admin.StatsDTO;
import masq.api.admin.StatusDTO;
import masq.api.admin.TimeoutsDTO;
import masq.api.link.ArpEntryDTO;
import masq.api.link.GatewayLink;
import masq.api.link.LinkConfigDTO;
import masq.api.link.LinkFactory;
import masq.api.link.LinkStatsDTO;
import masq.engine.dhcp.DhcpLease;
import masq.engine.helper.HelperDispatch;
import masq.engine.helper.HelperWhiteboard;
import masq.engine.nat.Timeouts;
import masq.engine.nat.Translator;

/**
 * The gateway as a DS component: configured by PID {@code masq.gateway}, it owns the engine thread
 * ({@link LinkEngine}) with its {@link Translator} and its {@link GatewayLink}, opened through the
 * {@link LinkFactory} service on the configured interfaces and addresses (so the link answers ARP
 * for exactly the configured addresses). It answers the admin API by running requests on that
 * thread between two batches of packets.
 *
 * <p>A configuration change that touches only timeouts or {@code busy.poll} applies to the running
 * engine; any other change (an outside address that changed, as with {@code ip_dynaddr}) stops the
 * engine, closing the link, and starts a new one with the new settings: the link is reopened and the
 * mappings are flushed (they were made for the old addresses or ranges). A bad value, or values that
 * cannot work together (one interface for both sides), is logged naming the key and changes nothing;
 * so does, while the link is up, a change whose link could not open now (an interface that is not
 * there: {@link LinkFactory#check}). A link that cannot be opened (no such interface yet, no
 * permission, no link bundle) leaves the engine and the admin API running; the error is logged
 * once, shown by {@code masq:status}, and the link is retried every few seconds. With
 * {@code outside.address = dhcp} the engine runs on the lease {@link OutsideLease} holds, restarts
 * when it changes and stops while there is none.
 */
@Component(configurationPid = GatewaySettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {GatewayAdmin.class, GatewayLinks.class, GatewayForwards.class}, immediate = true)
@Designate(ocd = GatewayConfiguration.class)
public final class Gateway implements GatewayAdmin, GatewayLinks, GatewayForwards {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How long an admin request may wait for the engine thread. */
    static final long ADMIN_TIMEOUT_MILLIS = 2000;
    /** How often a request that met a stopped engine looks for its successor. */
    private static final long RESTART_POLL_MILLIS = 5;
    /** The most mapping rows copied off the engine thread for one {@code masq:table}. */
    static final int SNAPSHOT_ROWS = 65536;

    /** One running engine with the settings it was built from and the helper dispatch it calls. */
    private record Engine(GatewaySettings settings, LinkEngine loop, HelperDispatch dispatch) {
    }

    /** The helper registry of this bundle: helpers are attached to new flows through it. */
    @Reference
    private HelperWhiteboard helpers;

    private volatile Engine engine;
    /** Orders configuration changes, leases and deactivation. */
    private final Object lock = new Object();
    /** One gateway per interface: what {@code ./masq run} locked, and what a live change takes over. */
    private final InterfaceLocks locks = InterfaceLocks.fromSystem();
    /** The link bundle's factory; absent while that bundle is not active. */
    private volatile LinkFactory linkFactory;
    /** The outside address by DHCP, when the configuration asks for it. */
    private final OutsideLease outside = new OutsideLease(() -> linkFactory, new LeaseTarget());
    /** The factory that opened the current link; written and compared on the engine thread. */
    private volatile LinkFactory openedBy;
    /** The {@code masq.portfw} and {@code masq.autofw} configurations, applied to the engine. */
    private final InboundConfigs inbound = new InboundConfigs(new InboundConfigs.Engine() {
        @Override
        public boolean running() {
            return engine != null;
        }

        @Override
        public <T> T call(Function<Translator, T> request) {
            return Gateway.this.call(request);
        }
    });

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRule(InboundRuleConfig config) {
        inbound.add(config);
    }

    void updatedRule(InboundRuleConfig config) {
        inbound.apply(config);
    }

    void unbindRule(InboundRuleConfig config) {
        inbound.remove(config);
    }

    @Override
    public List<StaticRow> staticNat() {
        return inbound.staticNat();
    }

    @Override
    public List<Row> forwards() {
        return inbound.forwards();
    }

    @Override
    public List<AutoRow> autoForwards() {
        return inbound.autoForwards();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLinkFactory(LinkFactory factory) {
        linkFactory = factory;
        Engine current = engine;
        if (current != null) {
            current.loop().reopenIf(() -> openedBy != factory, "a link factory of higher ranking replaced it");
        }
    }

    void unbindLinkFactory(LinkFactory factory) {
        if (linkFactory == factory) {
            linkFactory = null;
        }
        Engine current = engine;
        if (current != null) {
            current.loop().reopenIf(() -> openedBy == factory, "its link factory went away");
        }
    }

    @Activate
    void activate(Map<String, Object> properties) {
        synchronized (lock) {
            GatewaySettings settings;
            try {
                settings = outside.configure(properties);
            } catch (IllegalArgumentException e) {
                LOG.error("{}; the gateway is not started", e.getMessage());
                throw e;
            }
            if (settings == null) {
                LOG.info("gateway started: waiting for a DHCP lease on {}", outside.interfaceName());
            } else {
                begin(settings);
            }
        }
    }

    /** Starts the first engine (at activation, or at the first lease). */
    private void begin(GatewaySettings settings) {
        engine = start(settings);
        inbound.engineStarted();
        LOG.info("gateway started: inside {} on {}, outside {} on {}, ports {}{}", settings.engine().insideCidr(),
                settings.insideInterface(), settings.engine().outsideCidr(), settings.outsideInterface(),
                settings.engine().ports(),
                settings.busyPollMicros() == 0 ? "" : ", busy poll " + settings.busyPollMicros() + " us");
    }

    @Modified
    void modified(Map<String, Object> properties) {
        synchronized (lock) {
            GatewaySettings settings;
            try {
                settings = outside.configure(properties);
            } catch (IllegalArgumentException e) {
                LOG.error("{}; the running configuration stays", e.getMessage());
                return;
            }
            if (settings == null) {
                halt("waiting for a DHCP lease on " + outside.interfaceName());
            } else if (apply(settings) && !GatewaySettings.dhcp(properties)) {
                outside.stop(); // a configured address now runs: the lease is given back
            }
        }
    }

    /**
     * The DHCP client's lease: the engine starts on it, restarts on a new address (flushing the old
     * address's mappings, as {@code ip_dynaddr} did), or stops when it is lost.
     */
    private final class LeaseTarget implements OutsideLease.Target {
        @Override
        public void leased(Object from, DhcpLease lease) {
            synchronized (lock) {
                if (!outside.isCurrent(from)) {
                    return;
                }
                GatewaySettings settings;
                try {
                    settings = outside.settings(lease);
                } catch (IllegalArgumentException e) {
                    LOG.error("the DHCP lease {} cannot be used: {}", lease.describe(), e.getMessage());
                    halt("no usable outside address");
                    return;
                }
                Engine old = engine;
                String before = old == null ? null : old.settings().engine().outsideCidr();
                LOG.info("outside address by DHCP: {}{}", lease.describe(),
                        before == null || before.equals(lease.cidr()) ? "" : "; it was " + before);
                if (!apply(settings)) {
                    halt("the engine cannot move to the leased address"); // the old address is not ours now
                }
            }
        }

        @Override
        public void lost(Object from, String why) {
            synchronized (lock) {
                if (outside.isCurrent(from)) {
                    halt(why);
                }
            }
        }
    }

    /** Stops the engine, if one runs, saying why; the mappings go with it. */
    private void halt(String why) {
        Engine old = engine;
        if (old == null) {
            LOG.info("{}", why);
            return;
        }
        int flushed = mappingCountOrZero();
        stop(old);
        engine = null;
        LOG.warn("{}: the gateway stopped forwarding and {} mappings were flushed", why, flushed);
    }

    private int mappingCountOrZero() {
        try {
            return call(Translator::mappingCount);
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /**
     * Replaces the running engine by one on {@code settings}, or changes it live; starts one if none
     * runs. @return false when the change is refused and the running engine stays
     */
    private boolean apply(GatewaySettings settings) {
        Engine old = engine;
        if (old == null) {
            begin(settings);
            return true;
        }
        if (settings.sameButLiveKeys(old.settings())) {
            call(t -> {
                t.setPortAllocation(settings.engine().allocation());
                return t.setTimeouts(settings.engine().timeouts().toDTO());
            });
            old.loop().busyPoll(settings.busyPollMicros());
            engine = new Engine(settings, old.loop(), old.dispatch());
            GatewayChecks.warnBelowRfcMinima(settings.engine().timeouts());
            LOG.info("{}: timeouts now {}, busy poll {} us, ports.allocation {}", GatewaySettings.PID,
                    settings.engine().timeouts(), settings.busyPollMicros(), GatewaySettings.spelt(
                    settings.engine().allocation()));
            return true;
        }
        List<GatewayChecks.Side> taken = GatewayChecks.newInterfaces(settings, old.settings());
        String problem = GatewayChecks.cannotReplace(settings, "up".equals(old.loop().linkState()), taken, locks,
                linkFactory);
        if (problem != null) {
            LOG.error("{}: {}; the running configuration stays (the link is up on {}/{})", GatewaySettings.PID, problem,
                    old.settings().insideInterface(), old.settings().outsideInterface());
            return false;
        }
        int flushed = mappingCountOrZero();
        stop(old);
        engine = start(settings);
        inbound.engineStarted();
        LOG.info("{}: applied; the engine restarted and {} mappings were flushed", GatewaySettings.PID, flushed);
        for (GatewayChecks.Side side : taken) {
            try {
                locks.record(side.name(), "taken over by a live change of " + side.key());
            } catch (IOException e) {
                LOG.warn("{}: could not record this gateway as the holder of {} '{}': {}", GatewaySettings.PID,
                        side.key(), side.name(), e.toString());
            }
        }
        return true;
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            outside.stop();
            stop(engine);
            engine = null;
        }
        LOG.info("gateway stopped");
    }

    @Override
    public StatusDTO status() {
        HelperDispatch dispatch = dispatch();
        StatusDTO status = call(t -> {
            StatusDTO s = t.status();
            s.expectations = dispatch.expectations().size();
            return s;
        });
        status.dhcp = outside.describe();
        return status;
    }

    @Override
    public List<MappingDTO> mappings(String protocol, String host, int limit) {
        GatewayChecks.MappingFilter filter = GatewayChecks.MappingFilter.of(protocol, host, limit);
        HelperDispatch dispatch = dispatch();
        return filter.apply(call(t -> t.mappings(SNAPSHOT_ROWS, dispatch::helperName, dispatch::masterId)));
    }

    @Override
    public List<ExpectationDTO> expectations() {
        HelperDispatch dispatch = dispatch();
        return call(t -> dispatch.expectations(System.nanoTime()));
    }

    @Override
    public StatsDTO stats() {
        StatsDTO stats = call(Translator::stats);
        Map<String, Long> counters = new LinkedHashMap<>(stats.counters);
        counters.putAll(loop().sendCounters().snapshot());
        stats.counters = counters;
        return stats;
    }

    @Override
    public String linkState() {
        return loop().linkState();
    }

    @Override
    public List<LinkStatsDTO> linkStats() {
        return loop().linkStats();
    }

    @Override
    public List<ArpEntryDTO> arp() {
        LinkEngine loop = loop();
        return call(t -> loop.arp());
    }

    @Override
    public TimeoutsDTO timeouts() {
        return call(t -> t.timeouts().toDTO());
    }

    @Override
    public TimeoutsDTO timeouts(TimeoutsDTO timeouts) {
        GatewayChecks.checkTimeouts(timeouts);
        TimeoutsDTO now = call(t -> t.setTimeouts(timeouts));
        GatewayChecks.warnBelowRfcMinima(new Timeouts(now.tcpSeconds, now.tcpFinSeconds, now.udpSeconds, now.icmpSeconds));
        return now;
    }

    @Override
    public int flush() {
        return call(t -> {
            int count = t.mappingCount();
            t.flush();
            return count;
        });
    }

    private Engine start(GatewaySettings settings) {
        Translator translator = new Translator(settings.engine(), System.nanoTime());
        HelperDispatch dispatch = new HelperDispatch(helpers.registry(), translator);
        translator.setHook(dispatch);
        translator.setInboundSources(List.of(dispatch.expectations()));
        helpers.registry().addListener(dispatch);
        LinkConfigDTO linkConfig = settings.linkConfig();
        LinkEngine loop = new LinkEngine(translator, () -> openLink(linkConfig),
                settings.insideInterface() + "/" + settings.outsideInterface(), System::nanoTime);
        loop.busyPoll(settings.busyPollMicros());
        loop.start();
        GatewayChecks.warnBelowRfcMinima(settings.engine().timeouts());
        return new Engine(settings, loop, dispatch);
    }

    private GatewayLink openLink(LinkConfigDTO config) throws IOException {
        LinkFactory factory = linkFactory;
        if (factory == null) {
            throw new IOException("no link factory: the bundle masq.link.pcap is not active");
        }
        GatewayLink link = factory.open(config);
        openedBy = factory;
        return link;
    }

    private HelperDispatch dispatch() {
        Engine current = engine;
        if (current == null) {
            throw new IllegalStateException(notRunning());
        }
        return current.dispatch();
    }

    private LinkEngine loop() {
        Engine current = engine;
        if (current == null) {
            throw new IllegalStateException(notRunning());
        }
        return current.loop();
    }

    private void stop(Engine engine) {
        if (engine == null) {
            return;
        }
        helpers.registry().removeListener(engine.dispatch());
        try {
            engine.loop().stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code request} on the engine thread and waits for it. A request that meets an engine
     * being replaced (a configuration change restarts it) waits for the new one, within the same
     * {@value #ADMIN_TIMEOUT_MILLIS} ms.
     */
    private <T> T call(Function<Translator, T> request) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MILLIS);
        while (true) {
            Engine current = engine;
            if (current == null) {
                throw new IllegalStateException(notRunning());
            }
            long left = deadline - System.nanoTime();
            try {
                return current.loop().submit(request).get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the engine did not answer within " + ADMIN_TIMEOUT_MILLIS + " ms");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof LinkEngine.Stopped) || deadline - System.nanoTime() <= 0) {
                    throw new IllegalStateException("the engine refused the request: " + e.getCause().getMessage(),
                            e.getCause());
                }
                pause(); // the engine is being replaced: try its successor
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the engine");
            }
        }
    }

    /** Why no engine runs: waiting for a DHCP lease, or not started. */
    private String notRunning() {
        return !outside.active() ? "the gateway is not running"
                : "the gateway is waiting for a DHCP lease on " + outside.interfaceName() + " (" + outside.describe() + ")";
    }

    private static void pause() {
        try {
            Thread.sleep(RESTART_POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine");
        }
    }

}
