package masq.engine.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import masq.engine.gateway.GatewayForwards;
import masq.engine.gateway.PortForwardConfig;

/**
 * {@code masq:portfw}, the modern {@code ipmasqadm portfw -l/-a/-d}, and {@code masq:autofw}
 * ({@code ipmasqadm autofw -l}). The first lists the forwards with their
 * hit counts, and adds or removes one by writing or deleting its file
 * {@code etc/masq.portfw-NAME.cfg}, which FileInstall applies, so a forward added here persists as
 * one written by hand does. The configuration directory is the running gateway's
 * ({@code masq.etc}).
 */
@Component(service = PortForwardCommands.class, property = {"osgi.command.scope=masq",
    "osgi.command.function=portfw", "osgi.command.function=autofw"})
public final class PortForwardCommands {
    static final Usage PORTFW = new Usage("masq:portfw [add NAME tcp|udp PORT[-PORT] ADDRESS [PORT [WEIGHT]] "
            + "[helper HELPER] | remove NAME]   (NAME: letters, digits, . _ -; WEIGHT 1 to 1000000, default 10; "
            + "HELPER: the name of the helper for its connections)");
    static final Usage AUTOFW = new Usage("masq:autofw   (rules are files: etc/masq.autofw-NAME.cfg)");
    /** How long add and remove wait for the gateway to show the change. */
    static final long APPLY_WAIT_MILLIS = 10_000;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayForwards gateway;

    @Descriptor("list the port forwards (name, forward, new connections taken, state), or add or remove one: "
            + "masq:portfw add NAME tcp|udp PORT[-PORT] ADDRESS [PORT [WEIGHT]] [helper HELPER], "
            + "masq:portfw remove NAME")
    public Object portfw(@Descriptor("[add NAME tcp|udp PORT[-PORT] ADDRESS [PORT [WEIGHT]] [helper HELPER] "
            + "| remove NAME]")
            String... args) throws IOException, InterruptedException {
        if (args == null || args.length == 0) {
            Table table = new Table("NAME", "FORWARD", "HITS", "STATE");
            for (GatewayForwards.Row r : gateway().forwards()) {
                table.row(r.name(), r.forward(), r.hits(), r.state());
            }
            return table;
        }
        switch (args[0]) {
            case "add":
                return add(args);
            case "remove":
                return remove(args);
            default:
                throw PORTFW.wrong("'" + args[0] + "' is not add or remove");
        }
    }

    @Descriptor("list the autofw (port triggering) rules: name, rule, the inside host holding it, seconds left, "
            + "trigger packets taken, connections let in, state")
    public Table autofw(String... args) {
        AUTOFW.none(args);
        Table table = new Table("NAME", "RULE", "HOLDER", "LEFT", "TRIGGERS", "OPENED", "STATE");
        for (GatewayForwards.AutoRow r : gateway().autoForwards()) {
            table.row(r.name(), r.rule(), r.holder(), r.secondsLeft() + " s", r.triggers(), r.opened(), r.state());
        }
        return table;
    }

    private String add(String[] all) throws IOException, InterruptedException {
        boolean named = all.length >= 7 && all[all.length - 2].equals("helper");
        String[] args = named ? Arrays.copyOf(all, all.length - 2) : all;
        if (args.length < 5 || args.length > 7) {
            throw PORTFW.wrong("add takes NAME, the protocol, the outside port, the inside address, then "
                    + "optionally its port and the weight; got " + (args.length - 1) + " arguments");
        }
        String name = name(args[1]);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("protocol", args[2]);
        properties.put("outside.port", args[3]);
        properties.put("inside.address", args[4]);
        if (args.length > 5) {
            properties.put("inside.port", args[5]);
        }
        if (args.length > 6) {
            properties.put("weight", args[6]);
        }
        if (named) {
            properties.put("helper", all[all.length - 1]);
        }
        try {
            PortForwardConfig.parse(name, properties);
        } catch (IllegalArgumentException e) {
            throw PORTFW.wrong(e.getMessage());
        }
        StringBuilder text = new StringBuilder("# written by masq:portfw add\n");
        properties.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path file = file(name);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        GatewayForwards.Row row = await(name, true);
        return row == null ? "wrote " + file + "; the gateway has not shown it yet (masq:portfw, the log)"
                : name + ": " + row.forward() + ", " + row.state();
    }

    private String remove(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            throw PORTFW.wrong("remove takes one NAME, got " + (args.length - 1) + " arguments");
        }
        String name = name(args[1]);
        Path file = file(name);
        if (!Files.deleteIfExists(file)) {
            throw PORTFW.wrong("no forward '" + name + "': " + file + " does not exist");
        }
        return await(name, false) == null ? name + ": removed; connections it forwarded go on until they end"
                : "deleted " + file + "; the gateway still shows it (masq:portfw, the log)";
    }

    /** The row of {@code name} once it is there ({@code present}) or gone; the last seen row. */
    private GatewayForwards.Row await(String name, boolean present) throws InterruptedException {
        long end = System.currentTimeMillis() + APPLY_WAIT_MILLIS;
        while (true) {
            GatewayForwards.Row found = null;
            for (GatewayForwards.Row r : gateway().forwards()) {
                if (r.name().equals(name)) {
                    found = r;
                }
            }
            boolean settled = found == null || !found.state().equals(GatewayForwards.NOT_APPLIED);
            if ((found != null) == present && settled || System.currentTimeMillis() > end) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    private static String name(String name) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw PORTFW.wrong("NAME '" + name + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    private static Path file(String name) {
        String etc = System.getProperty("masq.etc");
        if (etc == null || !Files.isDirectory(Path.of(etc))) {
            throw new IllegalStateException("no configuration directory to write " + PortForwardConfig.FACTORY_PID
                    + "-" + name + ".cfg in (the gateway runs without masq.etc; start it with ./masq run ETC)");
        }
        return Path.of(etc, PortForwardConfig.FACTORY_PID + "-" + name + ".cfg");
    }

    private GatewayForwards gateway() {
        GatewayForwards g = gateway;
        if (g == null) {
            throw new IllegalStateException("the gateway is not running: configure it in etc/masq.gateway.cfg");
        }
        return g;
    }
}
