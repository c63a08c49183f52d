/**
 * The masq test kit, for masq's own tests and for authors of protocol helpers: build the packets
 * a test sends, read back what the engine made of them, and replay real captures through the
 * real translator. A plain jar on the test class path; it needs no OSGi framework, and libpcap
 * only for reading and writing capture files.
 *
 * <h2>Packet builders</h2>
 * {@link masq.testkit.Packets} starts a builder per message, each producing one IPv4 datagram
 * (no link header) with every checksum valid:
 *
 * <pre>{@code
 * byte[] port = Packets.tcp("192.168.0.2", 1025, "203.0.113.2", 21)
 *         .seq(1000).ack(1).flags(Packets.ACK | Packets.PSH)
 *         .payload("PORT 192,168,0,2,4,1\r\n").build();
 * byte[] probe = Packets.udp("192.168.0.2", 33000, "198.51.100.9", 33434).ttl(1).build();
 * byte[] expired = Packets.icmpError("198.51.100.254", "203.0.113.1", Packets.ICMP_TIME_EXCEEDED, 0, sentProbe).build();
 * List<byte[]> pieces = Packets.fragment(Packets.icmpEcho("192.168.0.2", "198.51.100.1", 7, 1)
 *         .payload(new byte[3000]).build(), 1480);
 * }</pre>
 *
 * The same class reads datagrams back ({@link masq.testkit.Packets#tuple}, {@code seq},
 * {@code ack}, {@code payloadText}, {@code quoted}) and checks them
 * ({@link masq.testkit.Packets#checksumsValid}); {@link masq.testkit.Checksums} has the Internet
 * checksum itself and the residual comparison for checksums a translation must pass through.
 *
 * <h2>Capture replay</h2>
 * {@link masq.testkit.replay.CaptureReplay} pushes a pcap or pcapng file through a
 * {@code masq.engine.nat.Translator} as if a gateway stood between the capture's inside network
 * (which the caller names) and the rest, using the capture's timestamps as the clock, and can
 * write what the engine sent as a pcap. {@link masq.testkit.replay.ReplayCheck} then asserts the
 * masquerading properties packet by packet: nothing inside leaks out, replies return to exactly
 * the captured endpoint, checksums survive.
 *
 * <h2>Helper harness (for helper authors)</h2>
 * {@link masq.testkit.HelperHarness} runs one or more {@code MasqHelper}s against the real engine
 * without OSGi: a translator, a helper registry holding the helpers with the service properties
 * they would carry in the framework, and the engine's helper dispatch wired between them as the
 * gateway component wires it. A test pushes datagrams in on either side and reads a
 * {@link masq.testkit.HelperStep}: the verdict, the datagram sent, the payload before and after
 * the helper's edits ({@link masq.testkit.HelperStep#change()}), the expectations registered, and
 * the counters that moved. The clock is the test's; {@code uninstall} withdraws a helper as
 * stopping its bundle would.
 *
 * <pre>{@code
 * HelperHarness gw = HelperHarness.builder().helper(new MyHelper(), "mine", "tcp", 7000).build();
 * gw.outbound(Packets.tcp("192.168.0.2", 40000, "198.51.100.5", 7000).flags(Packets.SYN).seq(999).build());
 * HelperStep s = gw.outbound(Packets.tcp("192.168.0.2", 40000, "198.51.100.5", 7000).seq(1000)
 *         .payload("CALL 2000\n").build());
 * assertEquals(new HelperStep.Change(5, "2000", "61001"), s.change());
 * assertEquals(61001, s.newExpectations().get(0).gatewayPort);
 * gw.advanceSeconds(30);                       // expectations time out
 * }</pre>
 *
 * With helpers attached ({@code CaptureReplay.Builder.helper}), a capture replay stands in for the
 * remote ends as a gatewayed peer would behave (it connects to the gateway ports helpers reserved,
 * and acknowledges the translated byte stream) and reassembles each connection's streams before
 * and after translation ({@link masq.testkit.replay.Replay#tcpStream}).
 *
 * <p>Builders are not thread-safe; the static readers are. A replay runs on the caller's thread.
 */
package masq.testkit;
