/**
 * The masquerading translator (issue 3): {@link masq.engine.nat.Translator#process} takes one
 * IPv4 datagram and a side, rewrites it in place and returns a verdict.
 *
 * <h2>Tables</h2>
 * A <em>binding</em> ({@code Bindings}) is a mapping: inside (protocol, address, port or ICMP id)
 * to one gateway port, exclusive (no port overloading). By default it is the endpoint-independent
 * mapping of RFC 4787 REQ-1 / RFC 5382 REQ-1, one per inside endpoint; with a dependent
 * {@link masq.engine.nat.Mapping} an endpoint has one per remote address (and port), as Linux 2.2
 * had. Its two keys are the inside tuple (open-addressing hash) and the gateway port
 * (a direct table per protocol: the outside address is single). A <em>session</em>
 * ({@code Sessions}) is one (binding, remote address, remote port): the row {@code masq:table}
 * shows, the unit of TCP state, expiry, filtering memory, limits and the helper slot. A binding
 * lives as long as it has sessions. All arrays are primitive and sized at construction:
 * measured 87 B of heap per mapping at 1 M mappings with the default port range, 98 B with
 * 1024-65535 (JDK 17, compressed oops).
 *
 * <h2>Behaviour, and where it differs from a naive reading</h2>
 * <ul>
 * <li>Filtering is per session and configurable: endpoint-independent, address-dependent, or
 * address-and-port-dependent (default, the HOWTO's stance; stricter than RFC 4787 REQ-8's
 * recommendation, which it allows). Linux 2.2's UDP "dloose" latching is not reproduced.</li>
 * <li>Ports are chosen as {@link masq.engine.nat.PortAllocation} says: by default the inside port
 * where free (as Linux), else by a cursor that moves round the range, so a freed port is reused
 * last (the spirit of RFC 6888 REQ-8, without a timer); or always by the cursor (Linux 2.2); or at
 * random (RFC 6056). UDP parity and the privileged range are kept (RFC 4787 REQ-4, REQ-3a).</li>
 * <li>At a limit (mappings total, per inside host, hosts tracked) or with the range exhausted
 * the new flow is refused, counted, and answered with destination unreachable code 13 (RFC 5508
 * REQ-8; RFC 6888 REQ-11 suggests code 1, the brief chose 13). Nothing live is evicted. Before a
 * TCP flow is refused for want of a port, the least recently used TCP binding whose sessions are
 * all closed (both FINs or an RST) is reclaimed ({@code tcp.reclaimed.closed}): such a binding is
 * no longer live (RFC 5382 REQ-5's 4 min covers half-open and half-closed connections, never
 * reclaimed; RFC 6888 REQ-8 lets a NAT that tracks TCP state reuse a TCP port at once). The list
 * of closed sessions costs 8 B per session slot.</li>
 * <li>An unsolicited inbound SYN is dropped silently (RFC 5382 REQ-4 allows it); the 6 s hold
 * for simultaneous open through unknown mappings is not implemented.</li>
 * <li>TCP state needs both SYNs (in either order, so simultaneous open works) for the
 * established timeout; half-closed stays established; both FINs or an RST give the transitory
 * timeout (RFC 7857 §2.2 keeps a reset session 4 minutes, while ports remain). A SYN without ACK
 * on a closed session reopens it on the same port, as Linux conntrack does in TIME_WAIT and CLOSE;
 * for the {@link masq.engine.nat.FlowHook} the old connection ends there and a new one begins, so
 * its helper is chosen afresh ({@code tcp.reopened}).
 * New timeouts apply to a session at its next packet.</li>
 * <li>An RST or FIN whose sequence number lies outside the window its receiver advertised is
 * dropped ({@code drop.tcp.out-of-window}) and changes neither the state nor the expiry: a blind
 * attacker who knows the four-tuple cannot end the mapping (RFC 5961 §3's reasoning, RFC 7857 §2).
 * {@link masq.engine.nat.TcpWindow} keeps, per direction, the end of what was sent and the largest
 * scaled window: 16 B per session slot. Other segments are never dropped for their sequence
 * numbers; a connection picked up mid-stream is not checked.</li>
 * <li>ICMP errors are translated only through a session matching the quoted datagram; they never
 * create, refresh or remove one. The quoted transport checksum is adjusted when it was quoted
 * (UDP always, TCP when 18 bytes are quoted) and never validated (RFC 5508 REQ-3c).</li>
 * <li>The gateway answers echo on both its addresses, drops everything else addressed to it, and
 * never fragments: an oversized datagram is the link's business. When the link refuses one with DF
 * set, {@link masq.engine.nat.Translator#fragmentationNeeded} turns it into destination
 * unreachable code 4 with the next-hop MTU (RFC 1191, RFC 4787 REQ-13) for its original sender,
 * quoting it untranslated (RFC 5508). When the link gives up on one because its next hop never
 * answered ARP, {@link masq.engine.nat.Translator#hostUnreachable} does the same with code 1 (RFC
 * 1812 §4.3.3.1).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * One engine thread owns a translator ({@link masq.engine.nat.EngineLoop}); admin requests run
 * on it between packets, which makes snapshots consistent without locks. Sharding later means
 * one translator and port sub-range per shard, chosen by flow hash.
 *
 * <h2>Extension points</h2>
 * {@link masq.engine.nat.InboundSource} (expectations, port forwards: consulted in order before an
 * inbound miss is dropped) and {@link masq.engine.nat.FlowHook} (helpers: chosen at mapping
 * creation, kept in a per-mapping int slot, called for packets with payload, which it may resize;
 * then for every TCP segment of such a mapping, to shift sequence and acknowledgment numbers; asked
 * before such a mapping expires, so a master outlives its related connections; ticked once a
 * second). Mappings without a helper pay one int compare per packet for all of it.
 */
package masq.engine.nat;
