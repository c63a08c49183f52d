/**
 * The masq helper SPI: what an application-protocol helper (FTP, IRC DCC, RealAudio, ...) implements
 * and what the engine offers it.
 *
 * <p>A helper is an OSGi service of type {@link masq.api.MasqHelper}, usually a Declarative Services
 * component, registered with the service properties named in {@link masq.api.MasqHelper}. The engine
 * attaches a helper to new connections that inside hosts open to the helper's ports and then calls
 * {@link masq.api.MasqHelper#handle} for every packet of those connections that carries payload, in
 * both directions, on the engine thread; a {@link masq.api.MessageHelper} is called instead once per
 * complete message of a TCP stream cut by its {@link masq.api.Framing} (since 1.1). The helper reads the payload and asks its
 * {@link masq.api.HelperContext} to replace bytes or to expect a related connection; the engine owns
 * lengths, checksums, TCP sequence numbers, ports and timers.
 *
 * <p>Addresses are IPv4 addresses held in an {@code int} in network byte order read as a big-endian
 * number ({@code 192.168.0.2} is {@code 0xC0A80002}); {@link masq.api.Ipv4} converts. Ports are
 * {@code int}s from 0 to 65535.
 */
@Export
@Version("1.3.0")
package masq.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
