package masq.engine.gateway;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.link.LinkFactory;
import masq.engine.dhcp.DhcpLease;
import masq.engine.dhcp.DhcpRunner;

/**
 * The gateway's outside address by DHCP ({@code outside.address = dhcp}): the DHCP client on the
 * outside interface, started, kept or stopped as the configuration changes, and the settings its
 * lease makes of the configuration. Every lease change reaches {@link Target} on the client's
 * thread; the {@link Gateway} orders it with configuration changes under its lock.
 */
final class OutsideLease {
    private static final Logger LOG = LoggerFactory.getLogger(OutsideLease.class);

    /** What the gateway does with a lease. */
    interface Target {
        /**
         * {@code lease} is to be used ({@link #settings}), if client {@code from} is still
         * {@link #isCurrent}.
         */
        void leased(Object from, DhcpLease lease);

        /** No outside address any more: the engine is to stop, for {@code why}, if {@code from} is current. */
        void lost(Object from, String why);
    }

    private final Supplier<LinkFactory> factory;
    private final Target target;
    private volatile DhcpRunner runner;
    private volatile Map<String, Object> configured;

    OutsideLease(Supplier<LinkFactory> factory, Target target) {
        this.factory = factory;
        this.target = target;
    }

    /**
     * Takes a configuration: a DHCP one starts the client on its outside interface (or keeps the
     * one running there); for any other the caller {@link #stop}s the client once it has applied it.
     *
     * @return the settings to run now: those of a configured address, those of the lease held, or
     *     null while a DHCP configuration has no lease yet
     * @throws IllegalArgumentException naming the key of a bad value; nothing changes then
     */
    GatewaySettings configure(Map<String, Object> properties) {
        if (!GatewaySettings.dhcp(properties)) {
            GatewaySettings settings = GatewaySettings.parse(properties);
            configured = properties;
            return settings; // the client, if one runs, is stopped once these settings are applied
        }
        String outside = GatewaySettings.checkDhcp(properties);
        DhcpRunner current = runner;
        boolean keep = current != null && current.interfaceName().equals(outside);
        DhcpLease lease = keep ? current.lease() : null;
        GatewaySettings settings = lease == null ? null : GatewaySettings.parse(properties, lease);
        configured = properties;
        if (!keep) {
            stop();
            start(outside);
        }
        return settings;
    }

    /**
     * The settings the configuration now in force makes of {@code lease}.
     *
     * @throws IllegalArgumentException naming the key, when the lease cannot be used with it
     */
    GatewaySettings settings(DhcpLease lease) {
        return GatewaySettings.parse(configured, lease);
    }

    /** Whether {@code client}, as a {@link Target} was given it, is the client running now. */
    boolean isCurrent(Object client) {
        return client != null && client == runner;
    }

    /** True while the client runs: the configuration asks for DHCP. */
    boolean active() {
        return runner != null;
    }

    /** The client's state and lease in one line, or null when none runs. */
    String describe() {
        DhcpRunner current = runner;
        return current == null ? null : current.describe();
    }

    /** The interface the client runs on, or null. */
    String interfaceName() {
        DhcpRunner current = runner;
        return current == null ? null : current.interfaceName();
    }

    /** Stops the client, if one runs, releasing its lease. */
    void stop() {
        DhcpRunner running = runner;
        runner = null;
        if (running != null) {
            running.close();
            LOG.info("DHCP on {}: stopped; the lease was released", running.interfaceName());
        }
    }

    private void start(String outside) {
        runner = DhcpRunner.start(() -> {
            LinkFactory links = factory.get();
            if (links == null) {
                throw new IOException("no link factory: the bundle masq.link.pcap is not active");
            }
            return links.openFramePort(outside, DhcpRunner.FILTER);
        }, outside, this::changed);
    }

    /** A lease got, changed or lost (null), from a client that may have been stopped since. */
    private void changed(DhcpRunner from, DhcpLease lease) {
        if (lease == null) {
            target.lost(from, "the DHCP lease on " + from.interfaceName() + " is lost; discovering again");
            return;
        }
        target.leased(from, lease);
    }
}
