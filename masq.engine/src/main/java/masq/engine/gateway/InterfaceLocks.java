package masq.engine.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM's side of one gateway per interface: {@code ./masq run} takes a lock file per interface
 * under the directory of system property {@code masq.locks}, {@code net-<namespace inode>/<name>.lock},
 * naming its holder ({@code pid N, ...}), before it becomes this JVM. A live configuration change to
 * another interface asks here whether another masq JVM holds it, and once applied records this JVM
 * as the new interface's holder. Without the property (tests, a runtime started otherwise) nothing
 * is checked or written.
 */
final class InterfaceLocks {
    private static final Pattern HOLDER = Pattern.compile("pid (\\d+),.*");

    private final Path directory;
    private final long self = ProcessHandle.current().pid();

    /** @param locks the lock directory, or null to check nothing */
    InterfaceLocks(String locks) {
        this.directory = locks == null || locks.isBlank() ? null : namespaceDirectory(Path.of(locks));
    }

    /** The locks of the running JVM, from its system properties. */
    static InterfaceLocks fromSystem() {
        return new InterfaceLocks(System.getProperty("masq.locks"));
    }

    /** @return the lock's holder line if another running masq JVM holds interface {@code name}, else null */
    String heldByOther(String name) {
        if (directory == null) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(directory.resolve(name + ".lock"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        Matcher m = lines.isEmpty() ? null : HOLDER.matcher(lines.get(0));
        if (m == null || !m.matches()) {
            return null;
        }
        long pid = Long.parseLong(m.group(1));
        return pid != self && isMasqJvm(pid) ? lines.get(0) : null;
    }

    /** Records this JVM as the holder of interface {@code name}; a failure is only logged by the caller. */
    void record(String name, String why) throws IOException {
        if (directory == null) {
            return;
        }
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(name + ".lock"), "pid " + self + ", started "
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + ", " + why + "\n");
    }

    /** @return whether {@code pid} runs a masq runtime (its command line names {@code -Dmasq.home=}) */
    static boolean isMasqJvm(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.ISO_8859_1);
            return ("\0" + cmdline).contains("\0-Dmasq.home=");
        } catch (IOException e) {
            return false;
        }
    }

    /** The directory of this process's network namespace, by the inode {@code /proc/self/ns/net} names. */
    private static Path namespaceDirectory(Path locks) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            return locks.resolve("net-" + link.replaceAll("[^0-9]", ""));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
