package masq.itest;

import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Issue 21, item 3: the bundle commands an operator adds and removes helpers with ({@code install},
 * {@code uninstall}, {@code start}, {@code stop}, {@code update}, {@code refresh}, {@code resolve})
 * answer a non-bundle, a missing file, an unreachable URL and an unknown bundle in one line, and
 * wrong arguments with what was wrong and the usage line, never a Gogo coercion dump; and they
 * still do their work, by number, symbolic name or location.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleCommandsInFelixTest {
    private static final Path WORK = Path.of(System.getProperty("masq.itest.work", "target/itest-work"), "bundles");
    private static final String HELPER = "masq.helper.vdolive";
    static final String INSTALL_USAGE = "usage: install [-s] URL...   (a bundle JAR: file:PATH, http://..., or a path; "
            + "-s starts it)";
    static final String UNINSTALL_USAGE = "usage: uninstall BUNDLE...   (BUNDLE: number, symbolic name or location, as "
            + "lb shows)";
    static final String START_USAGE = "usage: start [-t] [-p] BUNDLE|URL...   (-t transient, -p declared activation "
            + "policy)";
    static final String STOP_USAGE = "usage: stop [-t] BUNDLE...   (-t transient)";
    static final String UPDATE_USAGE = "usage: update BUNDLE [URL]   (from URL, or from where it was installed)";
    static final String REFRESH_USAGE = "usage: refresh [BUNDLE...]   (all pending removals and updates when none is "
            + "named)";
    static final String RESOLVE_USAGE = "usage: resolve [BUNDLE...]   (every unresolved bundle when none is named)";

    @Inject
    private BundleContext context;
    @Inject
    private CommandProcessor commandProcessor;

    @Configuration
    public Option[] config() throws Exception {
        return RuntimeBundles.paxOptions(WORK.resolve("load"), WORK.resolve("etc"));
    }

    @Test
    public void aFileThatIsNotABundleIsAnsweredInOneLine() throws Exception {
        Console console = new Console(commandProcessor);
        String notAJar = "cannot install file:/etc/passwd: not a bundle: not a JAR file (";
        failsInOneLine(console, "install file:/etc/passwd", notAJar);
        failsInOneLine(console, "start file:/etc/passwd", notAJar);
        Path manifestless = Files.createTempFile("manifestless", ".jar");
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(manifestless))) {
            jar.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
        }
        failsInOneLine(console, "install " + manifestless, "cannot install " + manifestless + ": ");
    }

    @Test
    public void aMissingFileAndAnUnreachableUrlAreAnsweredInOneLine() throws Exception {
        Console console = new Console(commandProcessor);
        failsInOneLine(console, "install /nonexistent/helper.jar",
                "cannot install /nonexistent/helper.jar: no such file or not readable");
        assertEquals("cannot install http://127.0.0.1:1/helper.jar: cannot read it: Connection refused",
                console.fail("install http://127.0.0.1:1/helper.jar"));
        String message = console.fail("install nosuchscheme://x/helper.jar");
        assertTrue(message, message.startsWith("'nosuchscheme://x/helper.jar' is not a URL this gateway can read ("));
        assertTrue(message, message.endsWith("\n" + INSTALL_USAGE));
    }

    private static void failsInOneLine(Console console, String command, String start) {
        String message = console.fail(command);
        assertTrue(command + ": " + message, message.startsWith(start));
        assertEquals(command + ": " + message, 1, message.lines().count());
    }

    @Test
    public void wrongArgumentsAreAnsweredWithWhatWasWrongAndTheUsage() throws Exception {
        Console console = new Console(commandProcessor);
        assertEquals("no URL given\n" + INSTALL_USAGE, console.fail("install"));
        assertEquals("unknown option '-x'\n" + INSTALL_USAGE, console.fail("install -x file:/a.jar"));
        assertEquals("no bundle 9999 (lb lists them)\n" + UNINSTALL_USAGE, console.fail("uninstall 9999"));
        assertEquals("no bundle named 'no.such.helper' (lb -s lists symbolic names, lb -l locations)\n"
                + UNINSTALL_USAGE, console.fail("uninstall no.such.helper"));
        assertEquals("no bundle given\n" + UNINSTALL_USAGE, console.fail("uninstall"));
        assertEquals("no bundle 9999 (lb lists them)\n" + START_USAGE, console.fail("start 9999"));
        assertEquals("no bundle given\n" + START_USAGE, console.fail("start -t"));
        assertEquals("unknown option '--now'\n" + START_USAGE, console.fail("start --now 1"));
        assertEquals("no bundle 9999 (lb lists them)\n" + STOP_USAGE, console.fail("stop 9999"));
        assertEquals("no bundle given\n" + STOP_USAGE, console.fail("stop"));
        assertEquals("no bundle 9999 (lb lists them)\n" + UPDATE_USAGE, console.fail("update 9999"));
        assertEquals("one bundle and at most one URL expected, got '1 a b'\n" + UPDATE_USAGE,
                console.fail("update 1 a b"));
        assertEquals("no bundle given\n" + UPDATE_USAGE, console.fail("update"));
        assertEquals("no bundle 9999 (lb lists them)\n" + REFRESH_USAGE, console.fail("refresh 9999"));
        assertEquals("no bundle 9999 (lb lists them)\n" + RESOLVE_USAGE, console.fail("resolve 9999"));
    }

    @Test
    public void theCommandsStillManageAHelperByNumberNameAndLocation() throws Exception {
        Console console = new Console(commandProcessor);
        waitFor(() -> helpers(console).contains("\nvdolive "), "vdolive listed at start");
        String location = RuntimeBundles.location(HELPER);
        assertEquals("", console.run("stop " + HELPER));
        waitFor(() -> !helpers(console).contains("\nvdolive "), "vdolive gone after stop by symbolic name");
        assertEquals("", console.run("uninstall " + location));
        assertEquals("uninstalled by location", null, bundle());

        String installed = console.run("install " + location);
        assertTrue(installed, installed.matches("Bundle ID: \\d+"));
        long id = Long.parseLong(installed.substring("Bundle ID: ".length()));
        assertEquals(Bundle.INSTALLED, context.getBundle(id).getState());
        assertEquals("", console.run("start " + id));
        waitFor(() -> helpers(console).contains("\nvdolive "), "vdolive listed again after install and start");
        assertEquals("", console.run("update " + id));
        assertEquals("", console.run("refresh " + id));
        assertEquals("", console.run("resolve"));
        waitFor(() -> bundle() != null && bundle().getState() == Bundle.ACTIVE, "active after update and refresh");
    }

    private Bundle bundle() {
        for (Bundle b : context.getBundles()) {
            if (HELPER.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static String helpers(Console console) {
        try {
            return console.run("masq:helpers");
        } catch (Exception e) {
            throw new AssertionError("masq:helpers failed", e);
        }
    }
}
