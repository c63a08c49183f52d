package masq.engine.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import masq.engine.gateway.GatewayForwards;
import masq.engine.gateway.PortForwardConfig;
import masq.engine.gateway.StaticNatConfig;

/**
 * {@code masq:portfw}, the modern {@code ipmasqadm portfw -l/-a/-d}, {@code masq:autofw}
 * ({@code ipmasqadm autofw -l}) and {@code masq:static} (1:1 NAT hosts, listed, added and removed as
 * forwards are). The first lists the forwards with their
 * hit counts, and adds or removes one by writing or deleting its file
 * {@code etc/masq.portfw-NAME.cfg}, which FileInstall applies, so a forward added here persists as
 * one written by hand does. The configuration directory is the running gateway's
 * ({@code masq.etc}).
 */
@Component(service = PortForwardCommands.class, property = {"osgi.command.scope=masq",
    "osgi.command.function=portfw", "osgi.command.function=autofw", "osgi.command.function=static"})
public final class PortForwardCommands {
    static final Usage PORTFW = new Usage("masq:portfw [add NAME tcp|udp PORT[-PORT] ADDRESS [PORT [WEIGHT]] "
            + "[helper HELPER] | remove NAME]   (NAME: letters, digits, . _ -; WEIGHT 1 to 1000000, default 10; "
            + "HELPER: the name of the helper for its connections)");
    static final Usage AUTOFW = new Usage("masq:autofw   (rules are files: etc/masq.autofw-NAME.cfg)");
    static final Usage STATIC = new Usage("masq:static [add NAME INSIDE-ADDRESS OUTSIDE-ADDRESS | remove NAME]   "
            + "(NAME: letters, digits, . _ -)");
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

    /** {@code masq:static} (Gogo calls a command named as a Java keyword by the name with an underscore). */
    @Descriptor("list the 1:1 static NAT hosts (name, inside <-> outside address, live mappings, state), or add or "
            + "remove one: masq:static add NAME INSIDE-ADDRESS OUTSIDE-ADDRESS, masq:static remove NAME")
    public Object _static(@Descriptor("[add NAME INSIDE-ADDRESS OUTSIDE-ADDRESS | remove NAME]") String... args)
            throws IOException, InterruptedException {
        if (args == null || args.length == 0) {
            Table table = new Table("NAME", "HOST", "MAPPINGS", "STATE");
            for (GatewayForwards.StaticRow r : gateway().staticNat()) {
                table.row(r.name(), r.rule(), r.sessions(), r.state());
            }
            return table;
        }
        switch (args[0]) {
            case "add": {
                if (args.length != 4) {
                    throw STATIC.wrong("add takes NAME, the inside address and the outside address; got "
                            + (args.length - 1) + " arguments");
                }
                String name = name(args[1], STATIC);
                Map<String, String> properties = new LinkedHashMap<>();
                properties.put("inside.address", args[2]);
                properties.put("outside.address", args[3]);
                try {
                    StaticNatConfig.parse(name, properties);
                } catch (IllegalArgumentException e) {
                    throw STATIC.wrong(e.getMessage());
                }
                Path file = write(StaticNatConfig.FACTORY_PID, name, properties, "masq:static add");
                String[] row = await(name, true, this::staticRow);
                return row == null ? "wrote " + file + "; the gateway has not shown it yet (masq:static, the log)"
                        : name + ": " + row[0] + ", " + row[1];
            }
            case "remove": {
                if (args.length != 2) {
                    throw STATIC.wrong("remove takes one NAME, got " + (args.length - 1) + " arguments");
                }
                String name = name(args[1], STATIC);
                Path file = file(StaticNatConfig.FACTORY_PID, name);
                if (!Files.deleteIfExists(file)) {
                    throw STATIC.wrong("no 1:1 NAT host '" + name + "': " + file + " does not exist");
                }
                return await(name, false, this::staticRow) == null
                        ? name + ": removed; its mappings on the outside address ended"
                        : "deleted " + file + "; the gateway still shows it (masq:static, the log)";
            }
            default:
                throw STATIC.wrong("'" + args[0] + "' is not add or remove");
        }
    }

    private String[] staticRow(String name) {
        for (GatewayForwards.StaticRow r : gateway().staticNat()) {
            if (r.name().equals(name)) {
                return new String[] {r.rule(), r.state()};
            }
        }
        return null;
    }

    private String[] forwardRow(String name) {
        for (GatewayForwards.Row r : gateway().forwards()) {
            if (r.name().equals(name)) {
                return new String[] {r.forward(), r.state()};
            }
        }
        return null;
    }

    private String add(String[] all) throws IOException, InterruptedException {
        boolean named = all.length >= 7 && all[all.length - 2].equals("helper");
        String[] args = named ? Arrays.copyOf(all, all.length - 2) : all;
        if (args.length < 5 || args.length > 7) {
            throw PORTFW.wrong("add takes NAME, the protocol, the outside port, the inside address, then "
                    + "optionally its port and the weight; got " + (args.length - 1) + " arguments");
        }
        String name = name(args[1], PORTFW);
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
        Path file = write(PortForwardConfig.FACTORY_PID, name, properties, "masq:portfw add");
        String[] row = await(name, true, this::forwardRow);
        return row == null ? "wrote " + file + "; the gateway has not shown it yet (masq:portfw, the log)"
                : name + ": " + row[0] + ", " + row[1];
    }

    /** Writes {@code etc/PID-NAME.cfg} at once (a temporary file moved over it), for FileInstall to apply. */
    private static Path write(String pid, String name, Map<String, String> properties, String by) throws IOException {
        StringBuilder text = new StringBuilder("# written by " + by + "\n");
        properties.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path file = file(pid, name);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private String remove(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            throw PORTFW.wrong("remove takes one NAME, got " + (args.length - 1) + " arguments");
        }
        String name = name(args[1], PORTFW);
        Path file = file(PortForwardConfig.FACTORY_PID, name);
        if (!Files.deleteIfExists(file)) {
            throw PORTFW.wrong("no forward '" + name + "': " + file + " does not exist");
        }
        return await(name, false, this::forwardRow) == null ? name + ": removed; connections it forwarded go on until they end"
                : "deleted " + file + "; the gateway still shows it (masq:portfw, the log)";
    }

    /**
     * The row of {@code name} ({@code find}: what it shows and its state, or null) once it is there
     * ({@code present}) or gone; the last seen row.
     */
    private static String[] await(String name, boolean present, Function<String, String[]> find)
            throws InterruptedException {
        long end = System.currentTimeMillis() + APPLY_WAIT_MILLIS;
        while (true) {
            String[] found = find.apply(name);
            boolean settled = found == null || !found[1].equals(GatewayForwards.NOT_APPLIED);
            if ((found != null) == present && settled || System.currentTimeMillis() > end) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    private static String name(String name, Usage usage) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw usage.wrong("NAME '" + name + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    private static Path file(String pid, String name) {
        String etc = System.getProperty("masq.etc");
        if (etc == null || !Files.isDirectory(Path.of(etc))) {
            throw new IllegalStateException("no configuration directory to write " + pid + "-" + name
                    + ".cfg in (the gateway runs without masq.etc; start it with ./masq run ETC)");
        }
        return Path.of(etc, pid + "-" + name + ".cfg");
    }

    private GatewayForwards gateway() {
        GatewayForwards g = gateway;
        if (g == null) {
            throw new IllegalStateException("the gateway is not running: configure it in etc/masq.gateway.cfg");
        }
        return g;
    }
}
