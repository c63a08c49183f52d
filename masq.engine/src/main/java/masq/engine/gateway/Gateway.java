package masq.engine.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.Ipv4;
import masq.api.admin.ExpectationDTO;
import masq.api.admin.GatewayAdmin;
import masq.api.admin.MappingDTO;
import masq.api.admin.StatsDTO;
import masq.api.admin.StatusDTO;
import masq.api.admin.TimeoutsDTO;
import masq.engine.nat.EngineLoop;
import masq.engine.nat.Timeouts;
import masq.engine.nat.Translator;

/**
 * The gateway as a DS component: configured by PID {@code masq.gateway}, it owns the engine thread
 * ({@link EngineLoop}) and its {@link Translator}, and answers the admin API by running requests on
 * that thread between two packets.
 *
 * <p>A configuration change that touches only timeouts applies to the running engine; any other
 * change starts a new engine with the new settings and flushes the mappings (they were made for the
 * old addresses or ranges). A bad value is logged naming the key and changes nothing.
 */
@Component(configurationPid = GatewaySettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = GatewayAdmin.class, immediate = true)
@Designate(ocd = GatewayConfiguration.class)
public final class Gateway implements GatewayAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How long an admin request may wait for the engine thread. */
    static final long ADMIN_TIMEOUT_MILLIS = 2000;
    /** Datagrams and requests the engine thread may have queued. */
    static final int QUEUE_CAPACITY = 4096;
    /** The most mapping rows copied off the engine thread for one {@code masq:table}. */
    static final int SNAPSHOT_ROWS = 65536;

    /** One running engine with the settings it was built from. */
    private record Engine(GatewaySettings settings, EngineLoop loop) {
    }

    private volatile Engine engine;

    @Activate
    void activate(Map<String, Object> properties) {
        GatewaySettings settings;
        try {
            settings = GatewaySettings.parse(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("{}; the gateway is not started", e.getMessage());
            throw e;
        }
        engine = start(settings);
        LOG.info("gateway started: inside {} on {}, outside {} on {}, ports {}", settings.engine().insideCidr(),
                settings.insideInterface(), settings.engine().outsideCidr(), settings.outsideInterface(),
                settings.engine().ports());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        GatewaySettings settings;
        try {
            settings = GatewaySettings.parse(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("{}; the running configuration stays", e.getMessage());
            return;
        }
        Engine old = engine;
        if (settings.sameButTimeouts(old.settings())) {
            call(t -> t.setTimeouts(settings.engine().timeouts().toDTO()));
            engine = new Engine(settings, old.loop());
            warnBelowRfcMinima(settings.engine().timeouts());
            LOG.info("{}: timeouts now {}", GatewaySettings.PID, settings.engine().timeouts());
            return;
        }
        int flushed = call(Translator::mappingCount);
        engine = start(settings);
        stop(old);
        LOG.info("{}: applied; the engine restarted and {} mappings were flushed", GatewaySettings.PID, flushed);
    }

    @Deactivate
    void deactivate() {
        stop(engine);
        LOG.info("gateway stopped");
    }

    @Override
    public StatusDTO status() {
        return call(Translator::status);
    }

    @Override
    public List<MappingDTO> mappings(String protocol, String host, int limit) {
        String wanted = protocol == null ? null : protocol.toLowerCase(Locale.ROOT);
        if (wanted != null && !List.of("tcp", "udp", "icmp").contains(wanted)) {
            throw new IllegalArgumentException("protocol '" + protocol + "' is not tcp, udp or icmp");
        }
        String address = host == null ? null : Ipv4.toString(parseHost(host));
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is not at least 1");
        }
        List<MappingDTO> rows = new ArrayList<>();
        for (MappingDTO m : call(t -> t.mappings(SNAPSHOT_ROWS, helper -> null))) {
            boolean protocolMatches = wanted == null || wanted.equals(m.protocol);
            boolean hostMatches = address == null || address.equals(m.insideAddress)
                    || address.equals(m.remoteAddress);
            if (protocolMatches && hostMatches && rows.size() < limit) {
                rows.add(m);
            }
        }
        return rows;
    }

    @Override
    public List<ExpectationDTO> expectations() {
        return List.of();
    }

    @Override
    public StatsDTO stats() {
        return call(Translator::stats);
    }

    @Override
    public TimeoutsDTO timeouts() {
        return call(t -> t.timeouts().toDTO());
    }

    @Override
    public TimeoutsDTO timeouts(TimeoutsDTO timeouts) {
        int[] values = {timeouts.tcpSeconds, timeouts.tcpFinSeconds, timeouts.udpSeconds, timeouts.icmpSeconds};
        String[] names = {"tcp", "tcpfin", "udp", "icmp"};
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                throw new IllegalArgumentException("timeout " + names[i] + " " + values[i] + " is negative");
            }
        }
        TimeoutsDTO now = call(t -> t.setTimeouts(timeouts));
        warnBelowRfcMinima(new Timeouts(now.tcpSeconds, now.tcpFinSeconds, now.udpSeconds, now.icmpSeconds));
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

    private static Engine start(GatewaySettings settings) {
        Translator translator = new Translator(settings.engine(), System.nanoTime());
        // The interfaces are opened by the link (issue #5); until then no datagram reaches this sink.
        EngineLoop loop = new EngineLoop(translator, (verdict, packet) -> { }, System::nanoTime, QUEUE_CAPACITY);
        loop.start();
        warnBelowRfcMinima(settings.engine().timeouts());
        return new Engine(settings, loop);
    }

    private static void stop(Engine engine) {
        if (engine == null) {
            return;
        }
        try {
            engine.loop().stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> T call(Function<Translator, T> request) {
        Engine current = engine;
        if (current == null) {
            throw new IllegalStateException("the gateway is not running");
        }
        try {
            return current.loop().submit(request).get(ADMIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the engine did not answer within " + ADMIN_TIMEOUT_MILLIS + " ms");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the engine refused the request: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine");
        }
    }

    private static int parseHost(String host) {
        try {
            return Ipv4.parse(host.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host '" + host + "' is not an IPv4 address");
        }
    }

    /** Timeouts below what the RFCs require are allowed (2.2 admins shortened them) but said out loud. */
    private static void warnBelowRfcMinima(Timeouts t) {
        warnIfBelow("tcp", t.tcpEstablishedSeconds(), 7440, "RFC 5382 REQ-5");
        warnIfBelow("tcpfin", t.tcpTransitorySeconds(), 240, "RFC 5382 REQ-5");
        warnIfBelow("udp", t.udpSeconds(), 120, "RFC 4787 REQ-5");
        warnIfBelow("icmp", t.icmpSeconds(), 60, "RFC 5508 REQ-1");
    }

    private static void warnIfBelow(String name, int seconds, int minimum, String rfc) {
        if (seconds < minimum) {
            LOG.warn("timeout {} {} s is below the {} s {} asks for", name, seconds, minimum, rfc);
        }
    }
}
