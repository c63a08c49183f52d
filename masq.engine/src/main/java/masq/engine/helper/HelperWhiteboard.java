package masq.engine.helper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.MasqHelper;
import masq.api.admin.HelperAdmin;
import masq.api.admin.HelperDTO;
import masq.engine.helper.HelperEntry.Origin;

/**
 * The OSGi side of the helper registry: tracks every {@link MasqHelper} service (dynamic, greedy)
 * and the administrator's Config Admin overrides ({@code masq.helper.<name>}, key {@code ports}),
 * feeds them to the {@link HelperRegistry}, logs each change of resolution, and answers the console.
 *
 * <p>Configurations are read with {@link ConfigurationAdmin#listConfigurations}, which does not bind
 * them to this bundle, so a helper may read its own options from the same PID.
 */
@Component(service = {HelperAdmin.class, ConfigurationListener.class, HelperWhiteboard.class}, immediate = true)
public final class HelperWhiteboard implements HelperAdmin, ConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(HelperWhiteboard.class);

    private final HelperRegistry registry = new HelperRegistry();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, bind = "bindConfigurationAdmin",
            unbind = "unbindConfigurationAdmin")
    private volatile ConfigurationAdmin configurationAdmin;

    /** @return the registry the engine reads */
    public HelperRegistry registry() {
        return registry;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindHelper(MasqHelper helper, ServiceReference<MasqHelper> reference) {
        change(() -> registry.put(HelperService.of(helper, properties(reference), origin(reference), null)));
    }

    void updatedHelper(MasqHelper helper, ServiceReference<MasqHelper> reference) {
        HelperEntry old = registry.snapshot().byServiceId(serviceId(reference));
        HelperService counters = old == null ? null
                : new HelperService(null, null, null, null, null, 0, 0, null, old.failures, old.flows);
        change(() -> registry.put(HelperService.of(helper, properties(reference), origin(reference), counters)));
    }

    void unbindHelper(ServiceReference<MasqHelper> reference) {
        change(() -> registry.remove(serviceId(reference)));
    }

    void bindConfigurationAdmin(ConfigurationAdmin admin) {
        this.configurationAdmin = admin;
        try {
            Configuration[] all = admin.listConfigurations(
                    "(" + Constants.SERVICE_PID + "=" + MasqHelper.CONFIG_PID_PREFIX + "*)");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                applyConfiguration(c.getPid(), c.getProperties());
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("cannot read helper configurations: {}", e.toString());
        }
    }

    void unbindConfigurationAdmin(ConfigurationAdmin admin) {
        if (this.configurationAdmin == admin) {
            this.configurationAdmin = null;
        }
    }

    @Deactivate
    void deactivate() {
        LOG.info("helper registry stopped");
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String pid = event.getPid();
        if (event.getFactoryPid() != null || !pid.startsWith(MasqHelper.CONFIG_PID_PREFIX)) {
            return;
        }
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            applyConfiguration(pid, null);
            return;
        }
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null) {
            return;
        }
        try {
            Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            applyConfiguration(pid, found == null ? null : found[0].getProperties());
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("{}: cannot read the configuration: {}", pid, e.toString());
        }
    }

    @Override
    public List<HelperDTO> helpers() {
        List<HelperDTO> rows = new ArrayList<>();
        for (HelperEntry entry : registry.snapshot().entries()) {
            rows.add(toDTO(entry));
        }
        return rows;
    }

    /** Applies one helper configuration; a bad value is logged naming the key and changes nothing. */
    private void applyConfiguration(String pid, Dictionary<String, Object> properties) {
        String name = pid.substring(MasqHelper.CONFIG_PID_PREFIX.length());
        Object ports = properties == null ? null : properties.get(MasqHelper.CONFIG_PORTS);
        try {
            change(() -> registry.configure(name, ports));
            LOG.info("{}: {}", pid, ports == null ? "ports back to the helper's defaults"
                    : MasqHelper.CONFIG_PORTS + " = " + ports);
        } catch (IllegalArgumentException e) {
            HelperEntry current = findByName(name);
            LOG.error("{}: {} '{}' rejected: {}; the ports stay {}", pid, MasqHelper.CONFIG_PORTS, ports,
                    e.getMessage(), current == null ? "as they were" : PortList.format(current.ports()));
        }
    }

    private HelperEntry findByName(String name) {
        for (HelperEntry e : registry.snapshot().entries()) {
            if (name.equals(e.name())) {
                return e;
            }
        }
        return null;
    }

    /** Runs a registry change and logs every helper whose resolution it changed. */
    private void change(Runnable change) {
        HelperSnapshot before = registry.snapshot();
        change.run();
        HelperSnapshot after = registry.snapshot();
        for (HelperEntry now : after.entries()) {
            HelperEntry old = before.byServiceId(now.origin().serviceId());
            if (old == null || old.state() != now.state() || !Objects.equals(old.reason(), now.reason())
                    || !java.util.Arrays.equals(old.ports(), now.ports())) {
                if (now.state() == HelperEntry.State.ACTIVE) {
                    LOG.info("helper {}", now);
                } else {
                    LOG.warn("helper {}", now);
                }
            }
        }
        for (HelperEntry old : before.entries()) {
            if (after.byServiceId(old.origin().serviceId()) == null) {
                LOG.info("helper {} removed", old.label());
            }
        }
    }

    static HelperDTO toDTO(HelperEntry entry) {
        HelperDTO dto = new HelperDTO();
        dto.name = entry.name();
        dto.bundleId = entry.origin().bundleId();
        dto.bundleSymbolicName = entry.origin().bundleSymbolicName();
        dto.bundleVersion = entry.origin().bundleVersion();
        dto.serviceId = entry.origin().serviceId();
        dto.ranking = entry.origin().ranking();
        dto.transport = entry.transport() == null ? null : entry.transport().label();
        dto.ports = entry.ports();
        dto.configured = entry.configured();
        dto.state = entry.state().name().toLowerCase(java.util.Locale.ROOT);
        dto.reason = entry.reason();
        dto.flows = entry.flows();
        dto.failures = entry.failures();
        return dto;
    }

    private static Map<String, Object> properties(ServiceReference<?> reference) {
        Map<String, Object> map = new HashMap<>();
        for (String key : reference.getPropertyKeys()) {
            map.put(key, reference.getProperty(key));
        }
        return map;
    }

    private static long serviceId(ServiceReference<?> reference) {
        return (Long) reference.getProperty(Constants.SERVICE_ID);
    }

    private static Origin origin(ServiceReference<?> reference) {
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        Bundle bundle = reference.getBundle();
        return new Origin(serviceId(reference), ranking instanceof Integer ? (Integer) ranking : 0,
                bundle == null ? -1 : bundle.getBundleId(), bundle == null ? "?" : bundle.getSymbolicName(),
                bundle == null ? "?" : bundle.getVersion().toString());
    }
}
