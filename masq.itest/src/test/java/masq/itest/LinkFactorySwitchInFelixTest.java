package masq.itest;

import static masq.itest.Waits.WAIT_MILLIS;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Hashtable;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import masq.api.admin.GatewayAdmin;
import masq.api.link.LinkFactory;

/**
 * The gateway's greedy link factory reference while a link is up: a higher-ranked factory takes
 * over (the old link is closed, the new one opened), and a factory that goes away takes its open
 * link with it even when it is no longer the bound one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class LinkFactorySwitchInFelixTest {
    private static final Path WORK = Path.of(System.getProperty("masq.itest.work", "target/itest-work"),
            "link-factory");

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() throws Exception {
        return RuntimeBundles.paxOptions(WORK.resolve("load"), WORK.resolve("etc"));
    }

    @Test
    public void aHigherRankedFactoryReplacesTheOpenLink() throws Exception {
        MemoryLink first = new MemoryLink();
        register(first, 1000);
        configure();
        waitFor(() -> first.opened() == 1, "the first factory's link opened");
        MemoryLink second = new MemoryLink();
        register(second, 2000);
        waitFor(() -> second.opened() == 1, "the higher-ranked factory's link opened");
        assertTrue("the first link was closed", first.isClosed());
    }

    @Test
    public void aFactoryThatGoesAwayTakesItsOpenLinkWithIt() throws Exception {
        MemoryLink first = new MemoryLink();
        ServiceRegistration<LinkFactory> firstRegistration = register(first, 1000);
        configure();
        waitFor(() -> first.opened() == 1, "the first factory's link opened");
        MemoryLink second = new MemoryLink();
        register(second, 2000);
        firstRegistration.unregister();
        waitFor(first::isClosed, "the unregistered factory's link closed");
        waitFor(() -> second.opened() == 1, "the remaining factory's link opened");
    }

    private ServiceRegistration<LinkFactory> register(MemoryLink link, int ranking) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(LinkFactory.class, link, properties);
    }

    private void configure() throws Exception {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("inside.interface", "in0");
        p.put("inside.address", "192.168.0.1/24");
        p.put("outside.interface", "out0");
        p.put("outside.address", "203.0.113.1/24");
        configurationAdmin.getConfiguration("masq.gateway", "?").update(p);
        ServiceTracker<GatewayAdmin, GatewayAdmin> tracker = new ServiceTracker<>(context, GatewayAdmin.class, null);
        tracker.open();
        try {
            assertNotNull("gateway started from its configuration", tracker.waitForService(WAIT_MILLIS));
        } finally {
            tracker.close();
        }
    }
}
