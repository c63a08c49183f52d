package masq.engine.console;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import masq.api.admin.HelperAdmin;
import masq.api.admin.HelperDTO;

/** Console commands about protocol helpers, in Gogo scope {@code masq}. */
@Component(service = HelperCommands.class, property = {"osgi.command.scope=masq", "osgi.command.function=helpers"})
public final class HelperCommands {
    static final Usage HELPERS = new Usage("masq:helpers");

    @Reference
    private HelperAdmin admin;

    /** Lists every helper the engine tracks: the modern {@code /proc/net/ip_masq/app}. */
    @Descriptor("list protocol helpers: name, bundle, transport, ports, state (active / refused / disabled)")
    public Table helpers(String... args) {
        HELPERS.none(args);
        Table table = new Table("NAME", "BUNDLE", "VERSION", "TRANSPORT", "PORTS", "FLOWS", "STATE");
        for (HelperDTO h : admin.helpers()) {
            String state = h.reason == null ? h.state : h.state + ": " + h.reason;
            table.row(h.name, h.bundleId + " " + h.bundleSymbolicName, h.bundleVersion, h.transport,
                    ports(h.ports) + (h.configured ? " (configured)" : ""), h.flows, state);
        }
        return table;
    }

    private static String ports(int[] ports) {
        StringBuilder text = new StringBuilder();
        for (int port : ports) {
            text.append(text.length() == 0 ? "" : ",").append(port);
        }
        return text.length() == 0 ? "-" : text.toString();
    }
}
