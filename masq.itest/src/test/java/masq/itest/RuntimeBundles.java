package masq.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.DefaultCompositeOption;

/**
 * The bundle set of the runtime as {@code masq.run/target/masq/conf/config.properties} lists it, so
 * that the integration tests boot exactly what {@code ./masq console} boots, at the same start levels.
 */
final class RuntimeBundles {
    static final Path DIST = Path.of(System.getProperty("masq.dist", "../masq.run/target/masq")).toAbsolutePath();
    private static final String AUTO_START = "felix.auto.start.";

    /** One bundle of the runtime. */
    record Entry(String location, int startLevel) {
    }

    private RuntimeBundles() {
    }

    static List<Entry> entries() {
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(DIST.resolve("conf/config.properties"))) {
            config.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("build masq.run first: " + e, e);
        }
        List<Entry> entries = new ArrayList<>();
        for (String key : config.stringPropertyNames()) {
            if (key.startsWith(AUTO_START)) {
                int level = Integer.parseInt(key.substring(AUTO_START.length()));
                for (String url : config.getProperty(key).trim().split("\\s+")) {
                    entries.add(new Entry(url.replace("${masq.home}", DIST.toString()), level));
                }
            }
        }
        return entries;
    }

    static Option[] bundleOptions() {
        return entries().stream().map(e -> bundle(e.location()).startLevel(e.startLevel())).toArray(Option[]::new);
    }

    /**
     * The Pax Exam options of an in-framework test: the runtime's bundles at their start levels, no
     * interactive shell, and FileInstall watching the given folders.
     */
    static Option[] paxOptions(Path load, Path etc) throws IOException {
        Files.createDirectories(load);
        Files.createDirectories(etc);
        return options(
                new DefaultCompositeOption(bundleOptions()),
                junitBundles(),
                frameworkStartLevel(10),
                systemProperty("gosh.args").value("--nointeractive"),
                systemProperty("masq.itest.helper.jar").value(System.getProperty("masq.itest.helper.jar")),
                frameworkProperty("felix.fileinstall.dir").value(load.toAbsolutePath() + "," + etc.toAbsolutePath()),
                frameworkProperty("felix.fileinstall.poll").value("200"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
    }

    static String location(String symbolicName) {
        return "file:" + DIST.resolve("bundle/" + symbolicName + ".jar");
    }
}
