/**
 * Ethernet and ARP in user space, below the engine's IPv4: what a router's kernel does for an
 * interface, for interfaces that carry no kernel address (DESIGN.md, "How the gateway owns its
 * interfaces"). Pure Java, no pcap: tests drive it with an in-memory {@link masq.link.pcap.ether.FrameLink}.
 *
 * <p>Data path, all on the engine thread and allocation-free per frame:
 * <pre>
 * engine thread: EthernetGateway.await ─▶ FrameWaiter (poll(2) on both interfaces and a wake-up fd)
 *                EthernetGateway.poll ─▶ FrameLink.receive (pcap_next_ex, one frame buffer) ─▶ EthernetSide.receive
 *     ARP  ─▶ answer who-has for our address; learn/refresh the sender; flush its pending queue
 *     IPv4 ─▶ Ipv4Receiver.receive(side, frame, 14, len)      (padding cut off)
 * engine: GatewayLink.send(side, ...) ─▶ EthernetSide.send
 *     next hop ─▶ ArpCache: reachable → frame (fragment if &gt; MTU) → FrameLink.send
 *                           unknown   → queue (bounded) + broadcast request
 * </pre>
 *
 * <p>ARP behaviour, and where it deviates from a naive reading of RFC 826:
 * <ul>
 * <li>Who-has for the gateway's own address on a side is answered on that side only (no proxy
 * ARP). ARP probes (sender 0.0.0.0, RFC 5227) are answered too.</li>
 * <li>Learning: a known sender is updated by any ARP (RFC 826 merge); a new neighbour is added only
 * from a request to us (we are about to talk to it) and only if it is on this side's subnet; an
 * unsolicited reply adds nothing. Dropped and counted: ARP whose sender MAC is not the frame's
 * unicast source, ARP claiming our address (RFC 5227 conflict), wrong hardware/protocol types or
 * lengths, other operations.</li>
 * <li>Resolution: the first datagram to an unknown next hop sends a broadcast request and waits in
 * a per-next-hop queue ({@link masq.link.pcap.ether.ArpCache#PENDING_PER_NEXT_HOP}, from a shared
 * pool); requests repeat once a second, three in all (RFC 1122 2.3.2.1), then the queued datagrams
 * go to {@link masq.api.link.Ipv4Receiver#unresolved} (the engine may send ICMP host
 * unreachable) and the entry is forgotten. Learned entries live 60 s; a used entry in its last 5 s
 * is refreshed with a unicast request so a busy next hop never stalls.</li>
 * <li>Next hop: on the inside the destination itself; on the outside the destination if on the
 * outside subnet, else the outside gateway, else {@link masq.api.link.GatewayLink#NO_ROUTE}.
 * Limited and subnet broadcasts go to ff:ff:ff:ff:ff:ff.</li>
 * <li>On start each side announces its address (gratuitous request, RFC 5227 2.3) once.</li>
 * <li>MTU: a datagram longer than the MTU with DF set is not sent
 * ({@link masq.api.link.GatewayLink#NEEDS_FRAGMENTATION}: the engine owes ICMP 3/4 with the MTU);
 * without DF it is fragmented (RFC 791), copying only options with the copied flag into later
 * fragments.</li>
 * </ul>
 */
package masq.link.pcap.ether;
