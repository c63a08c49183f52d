/**
 * Packet access: static, allocation-free accessors over {@code byte[]} at offsets for IPv4
 * (options included), TCP (options: MSS, SACK, timestamps), UDP and ICMP; the Internet checksum,
 * full (RFC 1071) and incremental (RFC 1624); validators that check every length and checksum and
 * return a {@link masq.engine.packet.Malformed} code, never throw. {@link
 * masq.engine.packet.PacketBuffer} is the one mutable holder a link passes to the engine.
 *
 * <p>No OSGi, no native code, no state: everything here may be called from any thread on buffers
 * that thread owns.
 */
package masq.engine.packet;
