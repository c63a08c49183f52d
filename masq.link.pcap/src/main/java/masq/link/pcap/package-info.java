/**
 * The pcap link: the gateway's two Ethernet interfaces read and written through pcap4j 1.8.2
 * (libpcap), embedded in this bundle (see {@code bnd.bnd}); the bundle exports nothing, the engine
 * sees the link as {@link masq.api.link.GatewayLink}.
 *
 * <p>{@link masq.link.pcap.PcapLinks} is the {@link masq.api.link.LinkFactory}: it opens both
 * interfaces as {@link masq.link.pcap.PcapFrameLink}s (non-blocking handles the engine thread reads
 * itself, waiting in {@link masq.link.pcap.PollWaiter}) and wraps them in a
 * {@link masq.link.pcap.ether.EthernetGateway}.
 * {@link masq.link.pcap.PcapFiles} reads pcap/pcapng and writes pcap for capture replay.
 *
 * <p>Decisions:
 * <ul>
 * <li>Capture direction is inbound only, so the gateway never sees its own frames again; the BPF
 * filter {@code arp or ip} keeps IPv6, LLDP and the like in the kernel.</li>
 * <li>Interface existence is checked in {@code /sys/class/net} before libpcap is touched, so a
 * typo gives "interface 'in0' does not exist" and not a libpcap message; a permission failure says
 * that root or CAP_NET_RAW/CAP_NET_ADMIN is needed.</li>
 * <li>The MAC address is the interface's own ({@code /sys/class/net/NAME/address}).</li>
 * </ul>
 */
package masq.link.pcap;
