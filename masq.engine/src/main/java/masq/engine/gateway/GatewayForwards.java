package masq.engine.gateway;

import java.util.List;

/**
 * The gateway's port forwards as the console sees them: a service of this bundle only, registered
 * by {@link Gateway}. Any thread; {@link #forwards} waits briefly for the engine thread.
 */
public interface GatewayForwards {
    /** The state of a forward the gateway has not applied yet (it is being applied). */
    String NOT_APPLIED = "not applied";

    /**
     * One forward's row in {@code masq:portfw}.
     *
     * @param name NAME of {@code etc/masq.portfw-NAME.cfg}
     * @param forward what it forwards, {@code tcp 8080 -> 192.168.0.5:80 weight 10}, or {@code -}
     * @param hits new connections it has taken since the engine started
     * @param state {@code active}, or why not
     */
    record Row(String name, String forward, long hits, String state) {
    }

    /** @return every configured forward, by name */
    List<Row> forwards();

    /**
     * One autofw rule's row in {@code masq:autofw}.
     *
     * @param name NAME of {@code etc/masq.autofw-NAME.cfg}
     * @param rule what it triggers and opens, or {@code -}
     * @param holder the inside host holding it, or {@code -}
     * @param secondsLeft of the hold
     * @param triggers trigger packets it took; {@code opened}: connections its ports let in
     * @param state {@code active}, or why not
     */
    record AutoRow(String name, String rule, String holder, int secondsLeft, long triggers, long opened,
            String state) {
    }

    /** @return every configured autofw rule, by name */
    List<AutoRow> autoForwards();

    /**
     * One 1:1 static NAT rule's row in {@code masq:static}.
     *
     * @param name NAME of {@code etc/masq.static-NAME.cfg}
     * @param rule {@code 192.168.0.4 <-> 203.0.113.50}, or {@code -}
     * @param sessions the live mappings on its outside address
     * @param state {@code active}, or why not
     */
    record StaticRow(String name, String rule, int sessions, String state) {
    }

    /** @return every configured 1:1 static NAT rule, by name */
    List<StaticRow> staticNat();
}
