package masq.link.pcap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import masq.api.link.FramePort;
import masq.api.link.GatewayLink;
import masq.api.link.LinkConfigDTO;
import masq.api.link.LinkFactory;
import masq.link.pcap.ether.EthernetGateway;
import masq.link.pcap.ether.Ipv4Fragments;

/**
 * Opens the gateway's {@link GatewayLink} on two live interfaces through pcap. The DS component
 * registers it as the {@link LinkFactory} service, which the gateway component uses; tests call
 * {@link #open} directly. Nothing native is touched until {@link #open}: the component activates
 * without libpcap, and JNA (lazily activated) starts on the first open.
 *
 * <p>The engine thread then loops: {@code link.await(timeout)}, {@code link.poll(receiver, n, now)},
 * its own timers and requests; and calls {@code link.send} with its verdicts.
 */
@Component(service = LinkFactory.class)
public final class PcapLinks implements LinkFactory {
    private static final int ETHERNET_MAX_MTU = 1500;

    @Override
    public GatewayLink open(LinkConfigDTO config) throws IOException {
        return openLink(config);
    }

    /** A second pcap handle on {@code name}, filtered by {@code filter}: {@link PcapFramePort}. */
    @Override
    public FramePort openFramePort(String name, String filter) throws IOException {
        return PcapFramePort.open(name, filter);
    }

    /** Checks the fields, and that both interfaces exist in this process's network namespace. */
    @Override
    public void check(LinkConfigDTO config) {
        validate(config);
        Set<String> present = interfaces();
        if (present != null) {
            require(present.contains(config.insideInterface),
                    "there is no inside interface '" + config.insideInterface + "' (in this network namespace)");
            require(present.contains(config.outsideInterface),
                    "there is no outside interface '" + config.outsideInterface + "' (in this network namespace)");
        }
    }

    /**
     * @return the interfaces of this process's network namespace, from {@code /proc/self/net/dev}
     *     (java.net.NetworkInterface misses those without an address, as a gateway's often are), or
     *     null where that cannot be read (not Linux): then nothing is checked
     */
    static Set<String> interfaces() {
        try {
            Set<String> names = new HashSet<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/net/dev"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    names.add(line.substring(0, colon).trim());
                }
            }
            return names;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Checks {@code config}, opens both interfaces and sends the gratuitous ARP announcements.
     *
     * @throws IllegalArgumentException naming the field if {@code config} is inconsistent
     * @throws IOException naming the interface if one is missing or capture is not permitted
     */
    public static EthernetGateway openLink(LinkConfigDTO config) throws IOException {
        validate(config);
        PcapFrameLink inside = PcapFrameLink.open(config.insideInterface);
        PcapFrameLink outside;
        try {
            outside = PcapFrameLink.open(config.outsideInterface);
        } catch (IOException | RuntimeException e) {
            inside.close();
            throw e;
        }
        PollWaiter waiter;
        try {
            waiter = PollWaiter.open(inside.selectableFd(), outside.selectableFd());
        } catch (IOException | RuntimeException e) {
            inside.close();
            outside.close();
            throw e;
        }
        EthernetGateway link = new EthernetGateway(config, inside, outside, waiter, System.nanoTime());
        link.start();
        return link;
    }

    /** @throws IllegalArgumentException naming the first bad field */
    static void validate(LinkConfigDTO c) {
        if (c == null) {
            throw new IllegalArgumentException("link configuration is missing");
        }
        require(c.insideInterface != null && !c.insideInterface.isBlank(), "insideInterface is empty");
        require(c.outsideInterface != null && !c.outsideInterface.isBlank(), "outsideInterface is empty");
        require(!c.insideInterface.equals(c.outsideInterface),
                "insideInterface and outsideInterface are both '" + c.insideInterface + "'");
        require(c.insideAddress != 0, "insideAddress is not set");
        require(c.outsideAddress != 0, "outsideAddress is not set");
        require(c.insidePrefixLength >= 1 && c.insidePrefixLength <= 30,
                "insidePrefixLength " + c.insidePrefixLength + " is not 1-30");
        require(c.outsidePrefixLength >= 1 && c.outsidePrefixLength <= 30,
                "outsidePrefixLength " + c.outsidePrefixLength + " is not 1-30");
        require(c.insideMtu >= Ipv4Fragments.MIN_MTU && c.insideMtu <= ETHERNET_MAX_MTU,
                "insideMtu " + c.insideMtu + " is not 68-1500");
        require(c.outsideMtu >= Ipv4Fragments.MIN_MTU && c.outsideMtu <= ETHERNET_MAX_MTU,
                "outsideMtu " + c.outsideMtu + " is not 68-1500");
        int mask = -1 << (32 - c.outsidePrefixLength);
        require(c.outsideGateway == 0 || (c.outsideGateway & mask) == (c.outsideAddress & mask),
                "outsideGateway " + masq.api.Ipv4.toString(c.outsideGateway) + " is not on the outside subnet");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
