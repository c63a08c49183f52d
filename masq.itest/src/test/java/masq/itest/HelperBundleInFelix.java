package masq.itest;

import static masq.itest.TcpSegment.ACK;
import static masq.itest.TcpSegment.SYN;
import static masq.itest.TcpSegment.tcp;

import java.nio.file.Path;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What the in-framework tests of one helper bundle share: the runtime's bundles, a
 * {@link MemoryGateway}, a TCP handshake from the inside client 192.168.0.2 to the server
 * 203.0.113.2 on the helper's port, and whether {@code masq:helpers} lists the helper active.
 */
abstract class HelperBundleInFelix {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "203.0.113.2";

    @Inject
    BundleContext context;
    @Inject
    ConfigurationAdmin configurationAdmin;
    @Inject
    CommandProcessor commandProcessor;
    MemoryGateway gateway;

    /** @return the helper's name, e.g. {@code irc}; its bundle is {@code masq.helper.<name>} */
    abstract String helper();

    /** @return the server port the client connects to */
    abstract int serverPort();

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("masq.itest.work", "target/itest-work"), helper());
        return RuntimeBundles.paxOptions(work.resolve("load"), work.resolve("etc"));
    }

    @After
    public void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    String bundleName() {
        return "masq.helper." + helper();
    }

    /** SYN out, SYN-ACK in, ACK out (client ISN 1000, server 5000); returns the gateway port. */
    int handshake(int clientPort) throws Exception {
        TcpSegment syn = gateway.outbound(fromClient(clientPort).flags(SYN).seq(1000));
        int masq = syn.sourcePort();
        gateway.inbound(tcp(SERVER, serverPort(), MemoryGateway.GATEWAY, masq).flags(SYN | ACK).seq(5000).ack(1001));
        gateway.outbound(fromClient(clientPort).seq(1001).ack(5001));
        return masq;
    }

    boolean listsHelper() {
        return gateway.run("masq:helpers").matches("(?s)(.*\n)?" + helper() + " +\\d+ " + Pattern.quote(bundleName())
                + " .* active\n.*");
    }

    TcpSegment fromClient(int port) {
        return tcp(CLIENT, port, SERVER, serverPort());
    }
}
