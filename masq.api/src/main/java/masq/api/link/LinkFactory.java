package masq.api.link;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens the gateway's link on real interfaces. The link bundle registers one as a service; the
 * engine, which owns the {@code masq.gateway} configuration, calls it when it activates and again
 * (after closing the old link) when interfaces or addresses change.
 *
 * <p>Threading: any thread; {@link #open} blocks while the interfaces are opened (milliseconds).
 */
@ProviderType
public interface LinkFactory {
    /**
     * Opens both interfaces, ready to receive, and announces the gateway's addresses
     * (gratuitous ARP).
     *
     * @param config the interfaces and addresses
     * @return the open link; the caller closes it
     * @throws IllegalArgumentException naming the field if {@code config} is inconsistent
     * @throws IOException with a message naming the interface if one is missing, or saying that
     *     root or CAP_NET_RAW is needed if capture is not permitted
     */
    GatewayLink open(LinkConfigDTO config) throws IOException;

    /**
     * Checks, opening nothing, whether {@link #open} could succeed on {@code config} here and now: the
     * fields consistent and both interfaces present. The gateway calls it before it replaces a
     * working link by a new configuration, which it refuses when this throws. The default checks
     * nothing.
     *
     * @param config the interfaces and addresses
     * @throws IllegalArgumentException saying what is wrong: the field, or the interface that is missing
     * @since 1.1
     */
    default void check(LinkConfigDTO config) {
    }

    /**
     * Opens a port for raw frames on interface {@code name} that pass {@code filter} (a pcap filter
     * expression such as {@code "udp dst port 68"}): how the gateway's DHCP client talks on the
     * outside interface while the link runs. The default has no such ports.
     *
     * @throws IOException naming the interface if it is missing or capture is not permitted, or
     *     saying that this link offers no frame ports
     * @since 1.2
     */
    default FramePort openFramePort(String name, String filter) throws IOException {
        throw new IOException("the link " + getClass().getName() + " opens no raw frame ports");
    }
}
