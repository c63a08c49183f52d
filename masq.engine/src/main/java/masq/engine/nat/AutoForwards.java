package masq.engine.nat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

import masq.api.Ipv4;

/**
 * Port triggering, {@code ipmasqadm autofw}: when an inside host sends to a rule's trigger port
 * (a game's lobby connection, DirectPlay's TCP 47624), the rule's open ports (DirectPlay's
 * 2300-2400) accept inbound connections from anywhere for that host, on the same port numbers,
 * until {@code timeout} seconds after its last packet to the trigger. One host holds a rule at a
 * time: another host's trigger does not take it while it is held (counted
 * {@code autofw.busy}), and does once it has lapsed. Connections made through the open ports go on
 * after the rule lapses, as their mappings live. Linux 2.2's module never enforced the activity it
 * recorded (protocols.md §1.6): this does.
 *
 * <p>The open ports are held from every allocation, as forwarded ports are. Engine thread only;
 * an {@link InboundSource}, told of outbound packets by {@link #outbound}.
 */
public final class AutoForwards implements InboundSource {
    /** The default hold, seconds: Linux 2.2's 15 s timer. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 15;

    /**
     * One rule.
     *
     * @param name the configuration's name for it
     * @param triggerProtocol the trigger's IP protocol number, TCP or UDP
     * @param triggerLow the first trigger port (a remote port an inside host sends to)
     * @param triggerHigh the last
     * @param openProtocols IP protocol numbers the open ports take: TCP, UDP or both
     * @param openLow the first port opened back
     * @param openHigh the last
     * @param timeoutSeconds how long after the last trigger packet the ports stay open, at least 1
     */
    public record Rule(String name, int triggerProtocol, int triggerLow, int triggerHigh, int[] openProtocols,
            int openLow, int openHigh, int timeoutSeconds) {
        public Rule {
            checkProtocol(name, "trigger", triggerProtocol);
            if (openProtocols.length == 0 || openProtocols.length > 2) {
                throw new IllegalArgumentException(name + ": open protocols must be tcp, udp or both");
            }
            for (int p : openProtocols) {
                checkProtocol(name, "open", p);
            }
            openProtocols = openProtocols.clone();
            checkRange(name, "trigger", triggerLow, triggerHigh);
            checkRange(name, "open", openLow, openHigh);
            if (timeoutSeconds < 1) {
                throw new IllegalArgumentException(name + ": timeout " + timeoutSeconds + " is not at least 1 s");
            }
        }

        private static void checkProtocol(String name, String what, int p) {
            if (p != 6 && p != 17) {
                throw new IllegalArgumentException(name + ": " + what + " protocol " + p + " is not tcp or udp");
            }
        }

        private static void checkRange(String name, String what, int low, int high) {
            if (low < 1 || high > 65535 || low > high) {
                throw new IllegalArgumentException(name + ": " + what + " ports " + low + "-" + high
                        + " are not a range within 1-65535");
            }
        }

        boolean opens(int protocol) {
            for (int p : openProtocols) {
                if (p == protocol) {
                    return true;
                }
            }
            return false;
        }

        /** The rule as the console prints it: {@code tcp 47624 opens tcp,udp 2300-2400 for 15 s}. */
        public String describe() {
            StringBuilder protocols = new StringBuilder();
            for (int p : openProtocols) {
                protocols.append(protocols.length() == 0 ? "" : ",").append(p == 6 ? "tcp" : "udp");
            }
            return (triggerProtocol == 6 ? "tcp " : "udp ") + range(triggerLow, triggerHigh) + " opens " + protocols
                    + " " + range(openLow, openHigh) + " for " + timeoutSeconds + " s";
        }

        private static String range(int low, int high) {
            return low == high ? "" + low : low + "-" + high;
        }
    }

    private final Rule[] rules;
    /** Per rule: the holding inside host (0: none), and the second its hold ends. */
    private final int[] holder;
    private final int[] until;
    private final long[] triggers;
    private final long[] opened;
    private Counters counters = new Counters();
    private IntSupplier clock = () -> 0;
    /** True when some rule has a trigger of that (protocol index, port): the outbound path's one test. */
    private final boolean[][] trigger = new boolean[Protocols.COUNT][];

    private AutoForwards(Rule[] rules) {
        this.rules = rules;
        this.holder = new int[rules.length];
        this.until = new int[rules.length];
        this.triggers = new long[rules.length];
        this.opened = new long[rules.length];
        for (Rule r : rules) {
            int proto = Protocols.index(r.triggerProtocol());
            if (trigger[proto] == null) {
                trigger[proto] = new boolean[65536];
            }
            for (int port = r.triggerLow(); port <= r.triggerHigh(); port++) {
                trigger[proto][port] = true;
            }
        }
    }

    /** The rules as one set; open ports of two rules may not overlap. */
    public static AutoForwards of(List<Rule> list) {
        Rule[] rules = list.toArray(new Rule[0]);
        for (int i = 0; i < rules.length; i++) {
            for (int j = 0; j < i; j++) {
                for (int p : rules[i].openProtocols()) {
                    if (rules[j].opens(p) && rules[i].openLow() <= rules[j].openHigh()
                            && rules[j].openLow() <= rules[i].openHigh()) {
                        throw new IllegalArgumentException(rules[i].name() + ": " + rules[i].describe()
                                + " opens ports " + rules[j].name() + " opens too");
                    }
                }
            }
        }
        return new AutoForwards(rules);
    }

    static AutoForwards none() {
        return of(List.of());
    }

    /** Gives the rules the engine's counters and clock (seconds), when the engine takes them. */
    void attach(Counters engineCounters, IntSupplier engineClock) {
        counters = engineCounters;
        clock = engineClock;
    }

    /** The engine's second now. */
    public int now() {
        return clock.getAsInt();
    }

    public List<Rule> rules() {
        return List.of(rules);
    }

    /** The host holding rule {@code i} at second {@code now}, or 0. */
    public int holder(int i, int now) {
        return until[i] > now ? holder[i] : 0;
    }

    /** Seconds left of rule {@code i}'s hold at second {@code now}, 0 when none. */
    public int secondsLeft(int i, int now) {
        return Math.max(0, until[i] - now);
    }

    /** Trigger packets rule {@code i} took, and connections its open ports let in. */
    public long triggers(int i) {
        return triggers[i];
    }

    public long opened(int i) {
        return opened[i];
    }

    /** The open ports of protocol index {@code proto}, ascending, each once. */
    int[] openPorts(int proto) {
        int protocol = Protocols.ipProtocol(proto);
        List<Integer> ports = new ArrayList<>();
        for (Rule r : rules) {
            if (r.opens(protocol)) {
                for (int port = r.openLow(); port <= r.openHigh(); port++) {
                    ports.add(port);
                }
            }
        }
        return ports.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    }

    /** An outbound packet of protocol index {@code proto} from {@code source} to remote port {@code port}. */
    void outbound(int proto, int source, int port) {
        boolean[] t = trigger[proto];
        if (t == null || !t[port]) {
            return;
        }
        int now = clock.getAsInt();
        int protocol = Protocols.ipProtocol(proto);
        for (int i = 0; i < rules.length; i++) {
            Rule r = rules[i];
            if (r.triggerProtocol() != protocol || port < r.triggerLow() || port > r.triggerHigh()) {
                continue;
            }
            if (until[i] > now && holder[i] != source) {
                counters.increment(Counter.AUTOFW_BUSY);
                continue;
            }
            holder[i] = source;
            until[i] = now + r.timeoutSeconds();
            triggers[i]++;
        }
    }

    @Override
    public boolean offer(int protocol, int remoteAddress, int remotePort, int gatewayPort, InboundTarget target) {
        int now = clock.getAsInt();
        for (int i = 0; i < rules.length; i++) {
            Rule r = rules[i];
            if (gatewayPort >= r.openLow() && gatewayPort <= r.openHigh() && r.opens(protocol)) {
                if (until[i] <= now) {
                    return false;
                }
                opened[i]++;
                target.set(holder[i], gatewayPort, null);
                return true;
            }
        }
        return false;
    }

    /** The holder as text, or {@code -}. */
    public String holderText(int i, int now) {
        int h = holder(i, now);
        return h == 0 ? "-" : Ipv4.toString(h);
    }
}
