package masq.engine.nat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import masq.api.Ipv4;

/**
 * Port forwarding, {@code ipmasqadm portfw}: new inbound connections to a forwarded port of the
 * outside address go to an inside server. Several forwards of one port (or of one identical port
 * range) share its new connections by weight as Linux 2.2's preference counters did: a forward of
 * weight N takes N new connections in a row, then the next forward in turn; each connection stays
 * with the server it got (its mapping, through which the server's replies leave from the forwarded
 * port). A range forwards each of its ports to the inside port at the same offset.
 *
 * <p>A forwarded port is held for the forwards ({@link Bindings#reserveForward}): no outbound
 * mapping is given it from then on, whatever {@code ports.allocation}; a mapping that had it goes on,
 * sharing the port with the forward's connections until it ends. Inside hosts reach a forward by the outside address too: the packet is
 * hairpinned with its source translated, so the server's replies come back through the gateway.
 *
 * <p>Engine thread only: built, applied ({@link Translator#setPortForwards}) and offered packets
 * there. An {@link InboundSource}.
 */
public final class PortForwards implements InboundSource {
    /** The default weight, Linux 2.2's default preference. */
    public static final int DEFAULT_WEIGHT = 10;

    /**
     * One forward.
     *
     * @param name the configuration's name for it, as messages and the console say it
     * @param protocol the IP protocol number, TCP or UDP
     * @param outsideLow the first forwarded port of the outside address
     * @param outsideHigh the last (the first for a single port)
     * @param insideAddress the inside server
     * @param insidePort the server's port for {@code outsideLow}; the others follow at the same offset
     * @param weight new connections in a row, at least 1
     * @param helper the name of the helper to attach to its connections ({@code helper = ftp}), or
     *               null: no helper is ever attached to an inbound connection without one
     */
    public record Forward(String name, int protocol, int outsideLow, int outsideHigh, int insideAddress,
            int insidePort, int weight, String helper) {
        public Forward {
            if (protocol != 6 && protocol != 17) {
                throw new IllegalArgumentException(name + ": protocol " + protocol + " is not tcp or udp");
            }
            if (outsideLow < 1 || outsideHigh > 65535 || outsideLow > outsideHigh) {
                throw new IllegalArgumentException(name + ": outside ports " + outsideLow + "-" + outsideHigh
                        + " are not a range within 1-65535");
            }
            if (insidePort < 1 || insidePort + (outsideHigh - outsideLow) > 65535) {
                throw new IllegalArgumentException(name + ": inside ports from " + insidePort
                        + " run past 65535");
            }
            if (weight < 1) {
                throw new IllegalArgumentException(name + ": weight " + weight + " is not at least 1");
            }
        }

        /**
         * The forward as the console prints it: {@code tcp 8080 -> 192.168.0.5:80 weight 10}, and
         * {@code helper ftp} after it when it names one.
         */
        public String describe() {
            String ports = outsideLow == outsideHigh ? "" + outsideLow : outsideLow + "-" + outsideHigh;
            return (protocol == 6 ? "tcp " : "udp ") + ports + " -> " + Ipv4.toString(insideAddress) + ":"
                    + insidePort + (outsideLow == outsideHigh ? "" : "-" + (insidePort + outsideHigh - outsideLow))
                    + " weight " + weight + (helper == null ? "" : " helper " + helper);
        }
    }

    /** Forwards of one protocol and port range, taking turns. */
    private static final class Group {
        final int[] members;
        int turn;
        int credit;

        Group(int[] members, int firstWeight) {
            this.members = members;
            this.credit = firstWeight;
        }
    }

    private final Forward[] forwards;
    private final long[] hits;
    private final Group[] groups;
    /** The group of each (protocol index, port), or -1. */
    private final short[][] groupOf = new short[Protocols.COUNT][];

    private PortForwards(Forward[] forwards, Group[] groups, short[][] groupOf) {
        this.forwards = forwards;
        this.hits = new long[forwards.length];
        this.groups = groups;
        System.arraycopy(groupOf, 0, this.groupOf, 0, groupOf.length);
    }

    /** No forwards. */
    public static PortForwards none() {
        return of(List.of());
    }

    /**
     * The forwards as one set, checked as a whole: forwards that share ports must share them all
     * (the same range), and one server may not be named twice for a port.
     */
    public static PortForwards of(List<Forward> list) {
        Forward[] forwards = list.toArray(new Forward[0]);
        short[][] groupOf = new short[Protocols.COUNT][];
        List<int[]> ranges = new ArrayList<>();
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < forwards.length; i++) {
            Forward f = forwards[i];
            int proto = Protocols.index(f.protocol());
            if (groupOf[proto] == null) {
                groupOf[proto] = new short[65536];
                Arrays.fill(groupOf[proto], (short) -1);
            }
            int g = groupOf[proto][f.outsideLow()];
            if (g < 0) {
                for (int port = f.outsideLow(); port <= f.outsideHigh(); port++) {
                    if (groupOf[proto][port] >= 0) {
                        throw new IllegalArgumentException(f.name() + ": " + f.describe() + " overlaps "
                                + forwards[members.get(groupOf[proto][port]).get(0)].describe()
                                + " without the same ports");
                    }
                }
                g = ranges.size();
                if (g > Short.MAX_VALUE) {
                    throw new IllegalArgumentException(f.name() + ": more than " + Short.MAX_VALUE + " forwards");
                }
                ranges.add(new int[] {proto, f.outsideLow(), f.outsideHigh()});
                members.add(new ArrayList<>());
                Arrays.fill(groupOf[proto], f.outsideLow(), f.outsideHigh() + 1, (short) g);
            } else {
                int[] range = ranges.get(g);
                Forward first = forwards[members.get(g).get(0)];
                if (range[1] != f.outsideLow() || range[2] != f.outsideHigh()) {
                    throw new IllegalArgumentException(f.name() + ": " + f.describe() + " overlaps "
                            + first.describe() + " without the same ports");
                }
                for (int other : members.get(g)) {
                    Forward o = forwards[other];
                    if (o.insideAddress() == f.insideAddress() && o.insidePort() == f.insidePort()) {
                        throw new IllegalArgumentException(f.name() + ": " + f.describe() + " repeats "
                                + o.name() + "'s server");
                    }
                }
            }
            members.get(g).add(i);
        }
        Group[] groups = new Group[members.size()];
        for (int g = 0; g < groups.length; g++) {
            int[] m = members.get(g).stream().mapToInt(Integer::intValue).toArray();
            groups[g] = new Group(m, forwards[m[0]].weight());
        }
        return new PortForwards(forwards, groups, groupOf);
    }

    /** The forwards, in their order. */
    public List<Forward> forwards() {
        return List.of(forwards);
    }

    /** New connections forward {@code i} (in {@link #forwards} order) has taken. */
    public long hits(int i) {
        return hits[i];
    }

    /** The forwarded ports of protocol index {@code proto}, each once, ascending. */
    int[] ports(int proto) {
        short[] of = groupOf[proto];
        if (of == null) {
            return new int[0];
        }
        int[] out = new int[65536];
        int n = 0;
        for (int port = 1; port < 65536; port++) {
            if (of[port] >= 0) {
                out[n++] = port;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public boolean offer(int protocol, int remoteAddress, int remotePort, int gatewayPort, InboundTarget target) {
        int proto = Protocols.index(protocol);
        if (proto < 0 || groupOf[proto] == null || gatewayPort <= 0 || gatewayPort > 65535) {
            return false;
        }
        int g = groupOf[proto][gatewayPort];
        if (g < 0) {
            return false;
        }
        Group group = groups[g];
        int i = group.members[group.turn];
        Forward f = forwards[i];
        if (--group.credit == 0) {
            group.turn = (group.turn + 1) % group.members.length;
            group.credit = forwards[group.members[group.turn]].weight();
        }
        hits[i]++;
        target.set(f.insideAddress(), f.insidePort() + gatewayPort - f.outsideLow(), f.helper());
        return true;
    }
}
