/**
 * The link API: how the engine receives IPv4 datagrams from the gateway's two Ethernet interfaces
 * and sends datagrams out of them, without knowing about Ethernet, ARP or pcap.
 *
 * <p>The link bundle implements {@link masq.api.link.GatewayLink} (and {@link masq.api.link.LinkFactory},
 * which opens one); the engine implements {@link masq.api.link.Ipv4Receiver}. Everything on the
 * data path runs on one thread, the engine thread: it calls {@link masq.api.link.GatewayLink#poll},
 * which calls the receiver back on the same thread, and {@link masq.api.link.GatewayLink#send}.
 * A link may read its interfaces on that thread too (the pcap link does) or in threads of its own
 * that fill bounded buffers, but only the engine thread calls the engine. So the
 * engine's single-writer ownership of its tables holds with no locks.
 *
 * <p>Sides are {@link masq.api.link.GatewayLink#INSIDE} and {@link masq.api.link.GatewayLink#OUTSIDE};
 * addresses are {@code int}s as in {@link masq.api.Ipv4}. Packets are passed as
 * {@code (byte[] buf, int off, int len)}: the IPv4 datagram, from the first byte of its header.
 */
@Export
@Version("1.3.0")
package masq.api.link;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
