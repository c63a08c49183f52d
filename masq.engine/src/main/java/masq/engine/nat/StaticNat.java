package masq.engine.nat;

import java.util.ArrayList;
import java.util.List;

import masq.api.Ipv4;

/**
 * One-to-one static NAT (the iproute2 {@code nat} route of the HOWTO's days, DNAT plus SNAT in
 * netfilter): an inside host owns an extra outside address, which the gateway answers ARP for.
 * Everything that host sends leaves from its address with its own ports (no port is translated, so
 * none is ever short), and everything sent to the address from outside, on any port and of any
 * protocol, reaches the host. TCP, UDP and ICMP go through mappings as masqueraded flows do (TCP
 * state, the window checks, ICMP errors, the helpers of the remote's port), on bindings of the
 * host's address instead of the gateway's; other protocols (GRE, ESP, ...) have their addresses
 * rewritten and nothing else.
 *
 * <p>Immutable; built anywhere, applied and read on the engine thread ({@link Translator#setStaticNat}).
 * Lookups are open-addressed hash probes, so a gateway with no rules pays one emptiness test.
 */
public final class StaticNat {
    /** The most rules one gateway takes. */
    public static final int MAX_RULES = 1024;
    /** No rules. */
    public static final StaticNat NONE = new StaticNat(List.of());

    /**
     * One rule.
     *
     * @param name the configuration's name for it ({@code etc/masq.static-NAME.cfg})
     * @param insideAddress the inside host
     * @param outsideAddress its outside address
     */
    public record Rule(String name, int insideAddress, int outsideAddress) {
        public Rule {
            if (insideAddress == 0 || outsideAddress == 0) {
                throw new IllegalArgumentException(name + ": 0.0.0.0 is no host's address");
            }
        }

        /** The rule as the console prints it: {@code 192.168.0.4 <-> 203.0.113.50}. */
        public String describe() {
            return Ipv4.toString(insideAddress) + " <-> " + Ipv4.toString(outsideAddress);
        }
    }

    private final List<Rule> rules;
    private final boolean empty;
    /** Open-addressed tables, 0 meaning empty (0.0.0.0 is no rule's address): key, then value. */
    private final int[] byInside;
    private final int[] byOutside;
    private final int mask;

    private StaticNat(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.empty = rules.isEmpty();
        int size = 4;
        while (size < rules.size() * 4) {
            size <<= 1;
        }
        mask = size - 1;
        byInside = new int[size * 2];
        byOutside = new int[size * 2];
        for (Rule r : rules) {
            put(byInside, r.insideAddress, r.outsideAddress);
            put(byOutside, r.outsideAddress, r.insideAddress);
        }
    }

    /**
     * The rules, checked against each other: no inside or outside address twice, no address on both
     * sides, at most {@link #MAX_RULES}. The checks against the gateway's own configuration are
     * {@link Translator#setStaticNat}'s.
     */
    public static StaticNat of(List<Rule> rules) {
        if (rules.size() > MAX_RULES) {
            throw new IllegalArgumentException(rules.size() + " static NAT rules are more than " + MAX_RULES);
        }
        List<Rule> seen = new ArrayList<>();
        for (Rule r : rules) {
            for (Rule s : seen) {
                if (s.insideAddress == r.insideAddress) {
                    throw new IllegalArgumentException(r.name + ": inside address " + Ipv4.toString(r.insideAddress)
                            + " is " + s.name + "'s already");
                }
                if (s.outsideAddress == r.outsideAddress) {
                    throw new IllegalArgumentException(r.name + ": outside address "
                            + Ipv4.toString(r.outsideAddress) + " is " + s.name + "'s already");
                }
                if (s.insideAddress == r.outsideAddress || s.outsideAddress == r.insideAddress) {
                    throw new IllegalArgumentException(r.name + " and " + s.name + " name one address on both sides");
                }
            }
            if (r.insideAddress == r.outsideAddress) {
                throw new IllegalArgumentException(r.name + ": the inside and the outside address are the same");
            }
            seen.add(r);
        }
        return rules.isEmpty() ? NONE : new StaticNat(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return empty;
    }

    /** The outside address of inside host {@code inside}, or 0 when it has no rule. */
    public int outsideOf(int inside) {
        return get(byInside, inside);
    }

    /** The inside host owning outside address {@code outside}, or 0 when no rule has it. */
    public int insideOf(int outside) {
        return get(byOutside, outside);
    }

    /** The rules' outside addresses, in rule order: what the link answers ARP for. */
    public int[] outsideAddresses() {
        int[] out = new int[rules.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rules.get(i).outsideAddress;
        }
        return out;
    }

    private void put(int[] table, int key, int value) {
        int i = slot(key);
        while (table[2 * i] != 0) {
            i = (i + 1) & mask;
        }
        table[2 * i] = key;
        table[2 * i + 1] = value;
    }

    private int get(int[] table, int key) {
        if (empty || key == 0) {
            return 0;
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            int k = table[2 * i];
            if (k == key) {
                return table[2 * i + 1];
            }
            if (k == 0) {
                return 0;
            }
        }
    }

    private int slot(int key) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
