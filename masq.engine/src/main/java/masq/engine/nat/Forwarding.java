package masq.engine.nat;

import java.util.Arrays;
import java.util.function.IntFunction;

import masq.api.Ipv4;

/**
 * The inbound rules in place, port forwards and autofw rules, and the gateway ports they hold
 * ({@link Bindings#reserveForward}). A new set of either replaces the old as a whole or not at
 * all: it is checked first, then its ports are held and those it no longer names given back.
 * Engine thread only, through {@link Translator}.
 */
final class Forwarding {
    private final EngineConfig config;
    private final Bindings bindings;
    PortForwards forwards = PortForwards.none();
    AutoForwards autoForwards = AutoForwards.none();

    Forwarding(EngineConfig config, Bindings bindings) {
        this.config = config;
        this.bindings = bindings;
    }

    /** {@code next} in place of the forwards; null, or why not (the forwards then stay). */
    String replace(PortForwards next) {
        for (PortForwards.Forward f : next.forwards()) {
            if (!config.isInside(f.insideAddress())) {
                return f.name() + ": " + f.describe() + ": " + Ipv4.toString(f.insideAddress())
                        + " is not in the inside networks";
            }
        }
        for (int proto = 0; proto < Protocols.COUNT; proto++) {
            int[] auto = autoForwards.openPorts(proto);
            for (int port : next.ports(proto)) {
                if (Arrays.binarySearch(auto, port) >= 0) {
                    return forwardOf(next, proto, port) + ": " + Protocols.name(proto) + " port " + port
                            + " is opened by an autofw rule; the forwards stay as they were";
                }
            }
        }
        swapPorts(forwards::ports, next::ports);
        forwards = next;
        return null;
    }

    /** {@code next} in place of the autofw rules; null, or why not (the rules then stay). */
    String replace(AutoForwards next) {
        for (int proto = 0; proto < Protocols.COUNT; proto++) {
            int[] forwarded = forwards.ports(proto);
            for (int port : next.openPorts(proto)) {
                if (Arrays.binarySearch(forwarded, port) >= 0) {
                    return ruleOf(next, Protocols.ipProtocol(proto), port) + ": " + Protocols.name(proto) + " port "
                            + port + " is a port forward's; the autofw rules stay as they were";
                }
            }
        }
        swapPorts(autoForwards::openPorts, next::openPorts);
        autoForwards = next;
        return null;
    }

    /** Holds every port of {@code next} (per protocol index) and gives back those of {@code old} it lacks. */
    private void swapPorts(IntFunction<int[]> old, IntFunction<int[]> next) {
        for (int proto = 0; proto < Protocols.COUNT; proto++) {
            int[] now = next.apply(proto);
            for (int port : now) {
                bindings.reserveForward(proto, port);
            }
            for (int port : old.apply(proto)) {
                if (Arrays.binarySearch(now, port) < 0) {
                    bindings.releaseForward(proto, port);
                }
            }
        }
    }

    private static String forwardOf(PortForwards set, int proto, int port) {
        for (PortForwards.Forward f : set.forwards()) {
            if (Protocols.index(f.protocol()) == proto && port >= f.outsideLow() && port <= f.outsideHigh()) {
                return f.name();
            }
        }
        return "?";
    }

    private static String ruleOf(AutoForwards set, int protocol, int port) {
        for (AutoForwards.Rule r : set.rules()) {
            if (r.opens(protocol) && port >= r.openLow() && port <= r.openHigh()) {
                return r.name();
            }
        }
        return "?";
    }
}
