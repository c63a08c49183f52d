package masq.engine.gateway;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.Ipv4;
import masq.api.link.LinkFactory;
import masq.engine.nat.Timeouts;

/** The {@link Gateway}'s checks of a configuration that is to replace the running one, and of admin input. */
final class GatewayChecks {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private GatewayChecks() {
    }

    /**
     * @return why {@code settings} must not replace the running engine, or null: an interface it takes
     *     ({@code taken}) that another masq gateway holds is refused whatever the link; while the link is up, a
     *     configuration whose link could not open now (an interface that is not there) is refused, so
     *     that forwarding goes on; with the link down (at first start, or an interface gone) there is
     *     nothing working to keep, and the new link is waited for, as a PPP link that comes up later needs
     */
    static String cannotReplace(GatewaySettings settings, boolean linkUp, List<Side> taken, InterfaceLocks locks,
            LinkFactory factory) {
        for (Side side : taken) {
            String holder = locks.heldByOther(side.name());
            if (holder != null) {
                return side.key() + " '" + side.name() + "' is in use by the masq gateway " + holder;
            }
        }
        if (factory == null || !linkUp) {
            return null;
        }
        try {
            factory.check(settings.linkConfig());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "the link cannot be checked: " + e;
        }
    }

    /** An interface a configuration names: its key and its name. */
    record Side(String key, String name) {
    }

    /** @return the interfaces {@code settings} names that {@code old} does not use */
    static List<Side> newInterfaces(GatewaySettings settings, GatewaySettings old) {
        List<String> before = List.of(old.insideInterface(), old.outsideInterface());
        List<Side> taken = new ArrayList<>();
        if (!before.contains(settings.insideInterface())) {
            taken.add(new Side("inside.interface", settings.insideInterface()));
        }
        if (!before.contains(settings.outsideInterface())) {
            taken.add(new Side("outside.interface", settings.outsideInterface()));
        }
        return taken;
    }

    static int parseHost(String host) {
        try {
            return Ipv4.parse(host.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host '" + host + "' is not an IPv4 address");
        }
    }

    /** Timeouts below what the RFCs require are allowed (2.2 admins shortened them) but said out loud. */
    static void warnBelowRfcMinima(Timeouts t) {
        warnIfBelow("tcp", t.tcpEstablishedSeconds(), 7440, "RFC 5382 REQ-5");
        warnIfBelow("tcpfin", t.tcpTransitorySeconds(), 240, "RFC 5382 REQ-5");
        warnIfBelow("udp", t.udpSeconds(), 120, "RFC 4787 REQ-5");
        warnIfBelow("icmp", t.icmpSeconds(), 60, "RFC 5508 REQ-1");
    }

    private static void warnIfBelow(String name, int seconds, int minimum, String rfc) {
        if (seconds < minimum) {
            LOG.warn("timeout {} {} s is below the {} s {} asks for", name, seconds, minimum, rfc);
        }
    }

    /** @throws IllegalArgumentException for a negative timeout or one above {@link Timeouts#MAX_SECONDS} */
    static void checkTimeouts(masq.api.admin.TimeoutsDTO timeouts) {
        int[] values = {timeouts.tcpSeconds, timeouts.tcpFinSeconds, timeouts.udpSeconds, timeouts.icmpSeconds};
        String[] names = {"tcp", "tcpfin", "udp", "icmp"};
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                throw new IllegalArgumentException("timeout " + names[i] + " " + values[i] + " is negative");
            }
            if (values[i] > Timeouts.MAX_SECONDS) {
                throw new IllegalArgumentException("timeout " + names[i] + " " + values[i] + " s is above the most, "
                        + Timeouts.MAX_SECONDS + " s (10 days)");
            }
        }
    }

    /** What {@code masq:table} asks for: a protocol or all, a host (inside or remote) or all, at most so many rows. */
    record MappingFilter(String protocol, String address, int limit) {
        /** @throws IllegalArgumentException for a protocol other than tcp, udp, icmp, a bad host or a limit below 1 */
        static MappingFilter of(String protocol, String host, int limit) {
            String wanted = protocol == null ? null : protocol.toLowerCase(java.util.Locale.ROOT);
            if (wanted != null && !List.of("tcp", "udp", "icmp").contains(wanted)) {
                throw new IllegalArgumentException("protocol '" + protocol + "' is not tcp, udp or icmp");
            }
            String address = host == null ? null : Ipv4.toString(parseHost(host));
            if (limit < 1) {
                throw new IllegalArgumentException("limit " + limit + " is not at least 1");
            }
            return new MappingFilter(wanted, address, limit);
        }

        List<masq.api.admin.MappingDTO> apply(List<masq.api.admin.MappingDTO> all) {
            List<masq.api.admin.MappingDTO> rows = new ArrayList<>();
            for (masq.api.admin.MappingDTO m : all) {
                boolean protocolMatches = protocol == null || protocol.equals(m.protocol);
                boolean hostMatches = address == null || address.equals(m.insideAddress)
                        || address.equals(m.remoteAddress);
                if (protocolMatches && hostMatches && rows.size() < limit) {
                    rows.add(m);
                }
            }
            return rows;
        }
    }
}
