package masq.itest;

import static masq.itest.Waits.WAIT_MILLIS;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

import masq.api.admin.HelperAdmin;
import masq.api.admin.HelperDTO;

/**
 * The runtime's bundle set in Felix: the helper registry as helpers are installed, updated,
 * uninstalled, duplicated and configured at runtime, and the {@code masq:helpers} command.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HelperRegistryInFelixTest {
    private static final Path WORK = Path.of(System.getProperty("masq.itest.work", "target/itest-work"));
    private static final Path LOAD = WORK.resolve("load");
    private static final Path ETC = WORK.resolve("etc");
    private static final String FTP_BUNDLE = "masq.helper.ftp";

    @Inject
    private BundleContext context;
    @Inject
    private HelperAdmin helpers;
    @Inject
    private ConfigurationAdmin configurationAdmin;
    @Inject
    private CommandProcessor commandProcessor;

    @Configuration
    public Option[] config() throws Exception {
        return RuntimeBundles.paxOptions(LOAD, ETC);
    }

    @Test
    public void everyRuntimeBundleIsActive() {
        Set<String> locations = RuntimeBundles.entries().stream().map(RuntimeBundles.Entry::location)
                .collect(Collectors.toSet());
        int seen = 0;
        for (Bundle b : context.getBundles()) {
            if (locations.contains(b.getLocation())) {
                // A lazily activated bundle (JNA) stays STARTING until a class of it is first loaded.
                String policy = b.getHeaders().get(Constants.BUNDLE_ACTIVATIONPOLICY);
                boolean lazy = policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
                int state = b.getState();
                assertTrue(b.getSymbolicName() + " state " + state, state == Bundle.ACTIVE
                        || lazy && state == Bundle.STARTING);
                seen++;
            }
        }
        assertEquals("runtime bundles installed", locations.size(), seen);
    }

    @Test
    public void ftpHelperIsInTheRegistry() {
        HelperDTO ftp = helper("ftp");
        assertNotNull("ftp helper registered", ftp);
        assertEquals("active", ftp.state);
        assertEquals("tcp", ftp.transport);
        assertTrue(Arrays.equals(new int[] {21}, ftp.ports));
        assertEquals(FTP_BUNDLE, ftp.bundleSymbolicName);
    }

    @Test
    public void uninstallRemovesTheHelperAndInstallBringsItBack() throws Exception {
        bundle(FTP_BUNDLE).uninstall();
        assertEquals("ftp gone after uninstall", null, helper("ftp"));

        Bundle again = context.installBundle(RuntimeBundles.location(FTP_BUNDLE));
        again.start();
        waitFor(() -> helper("ftp") != null, "ftp back after install + start");
        assertEquals("active", helper("ftp").state);
    }

    @Test
    public void stopAndStartWithdrawAndRestoreTheHelper() throws Exception {
        Bundle ftp = bundle(FTP_BUNDLE);
        ftp.stop();
        assertEquals(null, helper("ftp"));
        ftp.start();
        waitFor(() -> helper("ftp") != null, "ftp back after start");
    }

    @Test
    public void updateSwapsTheHelperService() throws Exception {
        long before = helper("ftp").serviceId;
        bundle(FTP_BUNDLE).update();
        waitFor(() -> helper("ftp") != null && helper("ftp").serviceId != before, "ftp re-registered by update");
        assertEquals("active", helper("ftp").state);
        assertNotEquals(before, helper("ftp").serviceId);
    }

    @Test
    public void duplicateClaimIsRefusedByRankingAndTheLoserIsShown() throws Exception {
        Bundle rivals = context.installBundle("file:" + System.getProperty("masq.itest.helper.jar"));
        rivals.start();
        waitFor(() -> helper("rival") != null, "rival helper registered");

        assertEquals("higher ranking wins", "active", helper("rival").state);
        HelperDTO ftp = helper("ftp");
        assertEquals("refused", ftp.state);
        assertTrue(ftp.reason, ftp.reason.startsWith("duplicate of rival (bundle " + rivals.getBundleId() + ")"));
        assertTrue(ftp.reason, ftp.reason.endsWith("on tcp/21"));

        rivals.uninstall();
        assertEquals("ftp active again once the winner left", "active", helper("ftp").state);
    }

    @Test
    public void helperWhoseActivationThrowsDisturbsNothing() throws Exception {
        Bundle rivals = context.installBundle("file:" + System.getProperty("masq.itest.helper.jar"));
        rivals.start();
        waitFor(() -> helper("rival") != null, "rival helper registered");

        assertEquals("the bundle itself is fine", Bundle.ACTIVE, rivals.getState());
        assertEquals("a helper that cannot activate is never in the registry", null, helper("broken"));
        assertEquals("the runtime's helpers (cuseeme, ftp, icq, irc, oscar, quake, raudio, vdolive) and the rival", 9, helpers.helpers().size());
        rivals.uninstall();
        assertEquals("active", helper("ftp").state);
        assertEquals("the runtime's helpers: cuseeme, ftp, icq, irc, oscar, quake, raudio, vdolive", 8, helpers.helpers().size());
    }

    @Test
    public void configAdminOverridesPortsLiveAndABadValueIsRejected() throws Exception {
        org.osgi.service.cm.Configuration config = configurationAdmin.getConfiguration("masq.helper.ftp", "?");
        config.update(new Hashtable<>(java.util.Map.of("ports", "21,2121")));
        waitFor(() -> Arrays.equals(new int[] {21, 2121}, helper("ftp").ports), "ports 21,2121 applied");
        assertTrue(helper("ftp").configured);

        for (String bad : new String[] {"70000", "21,2121,x", "0", ""}) {
            config.update(new Hashtable<>(java.util.Map.of("ports", bad)));
            Thread.sleep(500);
            assertTrue("ports = '" + bad + "' leaves the ports as they were",
                    Arrays.equals(new int[] {21, 2121}, helper("ftp").ports));
        }

        config.delete();
        waitFor(() -> Arrays.equals(new int[] {21}, helper("ftp").ports), "back to the default port");
        assertFalse(helper("ftp").configured);
    }

    @Test
    public void fileInstallLoadsHelperBundlesAndConfigurations() throws Exception {
        Path jar = LOAD.resolve("masq.itest.helper.jar");
        Files.copy(Path.of(System.getProperty("masq.itest.helper.jar")), jar, StandardCopyOption.REPLACE_EXISTING);
        try {
            waitFor(() -> helper("rival") != null, "helper bundle dropped into load/ installed");
        } finally {
            Files.delete(jar);
        }
        waitFor(() -> helper("rival") == null, "helper bundle deleted from load/ uninstalled");

        Path cfg = ETC.resolve("masq.helper.ftp.cfg");
        Files.writeString(cfg, "ports = 21,2121\n");
        try {
            waitFor(() -> Arrays.equals(new int[] {21, 2121}, helper("ftp").ports), "etc/masq.helper.ftp.cfg applied");
        } finally {
            Files.delete(cfg);
        }
        waitFor(() -> Arrays.equals(new int[] {21}, helper("ftp").ports), "deleted cfg restores the default");
    }

    @Test
    public void helpersCommandPrintsATable() throws Exception {
        String text = new Console(commandProcessor).run("masq:helpers");
        String[] lines = text.split("\n");
        assertTrue(text, lines[0].matches("NAME +BUNDLE +VERSION +TRANSPORT +PORTS +FLOWS +STATE"));
        assertTrue(text, lines[1].matches("cuseeme +\\d+ masq\\.helper\\.cuseeme +0\\.1\\.0\\.SNAPSHOT +udp +7648 +0 +active"));
        assertTrue(text, lines[2].matches("ftp +\\d+ masq\\.helper\\.ftp +0\\.1\\.0\\.SNAPSHOT +tcp +21 +0 +active"));
        assertTrue(text, lines[3].matches("icq +\\d+ masq\\.helper\\.icq +0\\.1\\.0\\.SNAPSHOT +udp +4000 +0 +active"));
        assertTrue(text, lines[4].matches("irc +\\d+ masq\\.helper\\.irc +0\\.1\\.0\\.SNAPSHOT +tcp"
                + " +6660,6661,6662,6663,6664,6665,6666,6667,6668,6669 +0 +active"));
        assertTrue(text, lines[5].matches("oscar +\\d+ masq\\.helper\\.icq +0\\.1\\.0\\.SNAPSHOT +tcp +5190 +0 +active"));
        assertTrue(text, lines[6].matches("quake +\\d+ masq\\.helper\\.quake +0\\.1\\.0\\.SNAPSHOT +udp +26000 +0 +active"));
        assertTrue(text, lines[7].matches("raudio +\\d+ masq\\.helper\\.raudio +0\\.1\\.0\\.SNAPSHOT +tcp +554,7070 +0 +active"));
        assertTrue(text, lines[8].matches("vdolive +\\d+ masq\\.helper\\.vdolive +0\\.1\\.0\\.SNAPSHOT +tcp +7000 +0 +active"));
        assertEquals(text, 9, lines.length);
    }

    private HelperDTO helper(String name) {
        return helpers.helpers().stream().filter(h -> name.equals(h.name)).findFirst().orElse(null);
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " not installed"));
    }
}
