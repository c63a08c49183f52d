package masq.engine.console;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipException;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The bundle life-cycle commands an operator uses to add and remove helpers ({@code install},
 * {@code uninstall}, {@code start}, {@code stop}, {@code update}, {@code refresh},
 * {@code resolve}), in place of Felix's own: registered in Gogo scope {@code felix} under the same
 * names with a higher service ranking, which Gogo prefers. They do what Felix's do, but check
 * their arguments themselves, so that a wrong one is answered in words and the usage line rather
 * than a Gogo coercion dump ({@code uninstall 9999}), and a failure in one line a person can act on
 * ({@code install file:/etc/passwd}: not a bundle, not a JAR file) rather than a Java exception.
 *
 * <p>A bundle is named by its number, its symbolic name or its location, as {@code lb -s} and
 * {@code lb -l} show them. A URL without a scheme is a file path, relative to the gateway's
 * working directory.
 */
@Component(service = BundleCommands.class, property = {"osgi.command.scope=felix",
    "osgi.command.function=install", "osgi.command.function=uninstall", "osgi.command.function=start",
    "osgi.command.function=stop", "osgi.command.function=update", "osgi.command.function=refresh",
    "osgi.command.function=resolve", "service.ranking:Integer=1000"})
public final class BundleCommands {
    static final Usage INSTALL = new Usage("install [-s] URL...   (a bundle JAR: file:PATH, http://..., or a path; -s "
            + "starts it)");
    static final Usage UNINSTALL = new Usage("uninstall BUNDLE...   (BUNDLE: number, symbolic name or location, as lb "
            + "shows)");
    static final Usage START = new Usage("start [-t] [-p] BUNDLE|URL...   (-t transient, -p declared activation "
            + "policy)");
    static final Usage STOP = new Usage("stop [-t] BUNDLE...   (-t transient)");
    static final Usage UPDATE = new Usage("update BUNDLE [URL]   (from URL, or from where it was installed)");
    static final Usage REFRESH = new Usage("refresh [BUNDLE...]   (all pending removals and updates when none is "
            + "named)");
    static final Usage RESOLVE = new Usage("resolve [BUNDLE...]   (every unresolved bundle when none is named)");
    /** How long {@code refresh} waits for the framework to finish. */
    static final long REFRESH_WAIT_SECONDS = 60;

    private final BundleContext context;

    @Activate
    public BundleCommands(BundleContext context) {
        this.context = context;
    }

    @Descriptor("install bundles from URLs or file paths, printing their numbers; -s starts them")
    public String install(String... args) throws BundleException {
        List<String> rest = new ArrayList<>();
        boolean start = options(INSTALL, args, rest, "-s").contains("-s");
        if (rest.isEmpty()) {
            throw INSTALL.wrong("no URL given");
        }
        List<Long> installed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String url : rest) {
            Bundle bundle;
            try {
                bundle = context.installBundle(location(INSTALL, url));
            } catch (BundleException | IllegalStateException | SecurityException e) {
                failed.add("cannot install " + url + ": " + reason(e));
                continue;
            }
            installed.add(bundle.getBundleId());
            if (start) {
                try {
                    bundle.start();
                } catch (BundleException | IllegalStateException | SecurityException e) {
                    failed.add("cannot start " + name(bundle) + ": " + reason(e));
                }
            }
        }
        return outcome(ids(installed), failed);
    }

    @Descriptor("uninstall bundles: their services go, helpers among them are withdrawn")
    public String uninstall(String... args) throws BundleException {
        Set<Bundle> bundles = bundles(UNINSTALL, args, false);
        List<String> failed = new ArrayList<>();
        for (Bundle bundle : bundles) {
            try {
                bundle.uninstall();
            } catch (BundleException | IllegalStateException | SecurityException e) {
                failed.add("cannot uninstall " + name(bundle) + ": " + reason(e));
            }
        }
        return outcome("", failed);
    }

    @Descriptor("start bundles, named or installed from URLs first; -t transiently, -p by their activation policy")
    public String start(String... args) throws BundleException {
        List<String> rest = new ArrayList<>();
        Set<String> flags = options(START, args, rest, "-t", "-p");
        if (rest.isEmpty()) {
            throw START.wrong("no bundle given");
        }
        int options = (flags.contains("-t") ? Bundle.START_TRANSIENT : 0)
                | (flags.contains("-p") ? Bundle.START_ACTIVATION_POLICY : 0);
        List<String> failed = new ArrayList<>();
        for (String arg : rest) {
            Bundle bundle = find(arg);
            String verb = "start ";
            try {
                if (bundle == null) {
                    if (!looksLikeUrl(arg)) {
                        throw START.wrong(unknown(arg));
                    }
                    verb = "install ";
                    bundle = context.installBundle(location(START, arg));
                    verb = "start ";
                }
                bundle.start(options);
            } catch (BundleException | IllegalStateException | SecurityException e) {
                failed.add("cannot " + verb + arg + ": " + reason(e));
            }
        }
        return outcome("", failed);
    }

    @Descriptor("stop bundles; -t transiently (they start again with the framework)")
    public String stop(String... args) throws BundleException {
        List<String> rest = new ArrayList<>();
        int options = options(STOP, args, rest, "-t").contains("-t") ? Bundle.STOP_TRANSIENT : 0;
        Set<Bundle> bundles = bundles(STOP, rest.toArray(String[]::new), false);
        List<String> failed = new ArrayList<>();
        for (Bundle bundle : bundles) {
            try {
                bundle.stop(options);
            } catch (BundleException | IllegalStateException | SecurityException e) {
                failed.add("cannot stop " + name(bundle) + ": " + reason(e));
            }
        }
        return outcome("", failed);
    }

    @Descriptor("update a bundle from a URL, or from where it was installed")
    public String update(String... args) throws BundleException {
        if (args == null || args.length < 1 || args.length > 2) {
            throw UPDATE.wrong(args == null || args.length == 0 ? "no bundle given"
                    : "one bundle and at most one URL expected, got '" + String.join(" ", args) + "'");
        }
        Bundle bundle = bundles(UPDATE, new String[] {args[0]}, false).iterator().next();
        try {
            if (args.length == 2) {
                URI uri = uri(UPDATE, args[1]);
                try (var in = uri.toURL().openStream()) {
                    bundle.update(in);
                }
            } else {
                bundle.update();
            }
        } catch (BundleException | IllegalStateException | SecurityException | IOException e) {
            return outcome("", List.of("cannot update " + name(bundle) + ": " + reason(e)));
        }
        return "";
    }

    @Descriptor("refresh bundles: rewire after updates and uninstalls (all pending ones when none is named)")
    public String refresh(String... args) throws BundleException {
        Set<Bundle> bundles = bundles(REFRESH, args, true);
        CountDownLatch done = new CountDownLatch(1);
        wiring().refreshBundles(bundles.isEmpty() ? null : bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return "refresh still running after " + REFRESH_WAIT_SECONDS + " s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "refresh interrupted; it goes on in the framework";
        }
        return "";
    }

    @Descriptor("resolve bundles (every unresolved one when none is named)")
    public String resolve(String... args) throws BundleException {
        Set<Bundle> bundles = bundles(RESOLVE, args, true);
        if (wiring().resolveBundles(bundles.isEmpty() ? null : bundles)) {
            return "";
        }
        List<String> unresolved = new ArrayList<>();
        for (Bundle b : bundles.isEmpty() ? List.of(context.getBundles()) : bundles) {
            if (b.getState() == Bundle.INSTALLED) {
                unresolved.add(name(b));
            }
        }
        throw new BundleException("not resolved: " + String.join(", ", unresolved)
                + " (inspect requirement wiring ID shows what is missing)");
    }

    // ---- arguments

    /** Splits {@code args} into the {@code allowed} flags present and the rest, refusing any other flag. */
    private static Set<String> options(Usage usage, String[] args, List<String> rest, String... allowed) {
        Set<String> flags = new LinkedHashSet<>();
        Set<String> known = Set.of(allowed);
        for (String arg : args == null ? new String[0] : args) {
            if (arg.startsWith("-") && rest.isEmpty() && arg.length() > 1) {
                if (!known.contains(arg)) {
                    throw usage.wrong("unknown option '" + arg + "'");
                }
                flags.add(arg);
            } else {
                rest.add(arg);
            }
        }
        return flags;
    }

    /** The bundles {@code args} name, every one known; none named is an error unless {@code noneIsAll}. */
    private Set<Bundle> bundles(Usage usage, String[] args, boolean noneIsAll) {
        Set<Bundle> bundles = new LinkedHashSet<>();
        if (args == null || args.length == 0) {
            if (!noneIsAll) {
                throw usage.wrong("no bundle given");
            }
            return bundles;
        }
        for (String arg : args) {
            Bundle bundle = find(arg);
            if (bundle == null) {
                throw usage.wrong(unknown(arg));
            }
            bundles.add(bundle);
        }
        return bundles;
    }

    /** The bundle named by number, symbolic name or location, or null. */
    private Bundle find(String arg) {
        if (arg.matches("\\d{1,18}")) {
            return context.getBundle(Long.parseLong(arg));
        }
        for (Bundle b : context.getBundles()) {
            if (arg.equals(b.getSymbolicName()) || arg.equals(b.getLocation())) {
                return b;
            }
        }
        return null;
    }

    private static String unknown(String arg) {
        return arg.matches("\\d{1,18}") ? "no bundle " + arg + " (lb lists them)"
                : "no bundle named '" + arg + "' (lb -s lists symbolic names, lb -l locations)";
    }

    private static boolean looksLikeUrl(String arg) {
        return arg.contains(":") || arg.contains("/") || arg.endsWith(".jar");
    }

    /** A URL as given, or a file path (relative to the working directory) as a file: URL. */
    static String location(Usage usage, String arg) {
        return uri(usage, arg).toString();
    }

    private static URI uri(Usage usage, String arg) {
        if (arg.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            try {
                URI uri = new URI(arg);
                uri.toURL();
                return uri;
            } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
                throw usage.wrong("'" + arg + "' is not a URL this gateway can read (" + e.getMessage() + ")");
            }
        }
        return Path.of(arg).toAbsolutePath().normalize().toUri();
    }

    // ---- answers

    private static String ids(List<Long> ids) {
        if (ids.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(ids.size() == 1 ? "Bundle ID: " : "Bundle IDs: ");
        for (int i = 0; i < ids.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(ids.get(i));
        }
        return text.toString();
    }

    /** {@code done} if nothing failed; else an exception of one line per failure, after what was done. */
    private static String outcome(String done, List<String> failed) throws BundleException {
        if (failed.isEmpty()) {
            return done;
        }
        throw new BundleException((done.isEmpty() ? "" : done + "; ") + String.join("; ", failed));
    }

    private static String name(Bundle bundle) {
        return bundle.getBundleId() + " (" + bundle.getSymbolicName() + ")";
    }

    /** A failure in words: the innermost cause that says something, without Java class names. */
    static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof ZipException) {
            return "not a bundle: not a JAR file (" + cause.getMessage() + ")";
        }
        if (cause instanceof FileNotFoundException) {
            return "no such file or not readable (" + cause.getMessage() + ")";
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host " + cause.getMessage();
        }
        if (cause instanceof IOException) {
            return "cannot read it: " + cause.getMessage();
        }
        if (e instanceof BundleException b && b.getType() == BundleException.DUPLICATE_BUNDLE_ERROR) {
            return "already installed (" + e.getMessage() + ")";
        }
        String message = cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.replace('\n', ' ');
    }

    private FrameworkWiring wiring() {
        return context.getBundle(0).adapt(FrameworkWiring.class);
    }
}
