package masq.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.ops4j.pax.exam.Option;

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

    static Option[] options() {
        return entries().stream().map(e -> bundle(e.location()).startLevel(e.startLevel())).toArray(Option[]::new);
    }

    static String location(String symbolicName) {
        return "file:" + DIST.resolve("bundle/" + symbolicName + ".jar");
    }
}
