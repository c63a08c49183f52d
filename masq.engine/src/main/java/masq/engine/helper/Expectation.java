package masq.engine.helper;

/**
 * One pending expectation: a related connection the engine will accept and link to its master.
 * Slots of the {@link Expectations} table are reused; engine thread only.
 */
final class Expectation {
    final int slot;
    boolean live;
    /** IP protocol number. */
    int protocol;
    boolean anyRemoteAddress;
    int remoteAddress;
    /** 0 for any. */
    int remotePort;
    /** The reserved gateway port (the first of a pair); 0 for an expectation from the inside. */
    int gatewayPort;
    boolean pair;
    /** True for {@link masq.api.PortPolicy#MASTER}: the port is the master binding's, never reserved or released. */
    boolean mastersPort;
    /** Bit 0: the first port was taken by a connection; bit 1: the second port of a pair. */
    int matched;
    int insideAddress;
    /** The inside port (the first of a pair); 0 for any, from the inside only. */
    int insidePort;
    boolean fromInside;
    /** Matches every connection to its port while its master lives; the port is held as a forward's. */
    boolean repeating;
    int masterSlot;
    long masterId;
    ActiveHelper helper;
    /** The helper to attach to the related connection, by name, or null. */
    String childHelper;
    /** Engine seconds at which it is dropped unused. */
    int expiresAt;
    /** Registration order, for "the oldest of a master". */
    long order;

    Expectation(int slot) {
        this.slot = slot;
    }

    /** @return how many gateway ports it holds */
    int ports() {
        return fromInside ? 0 : pair ? 2 : 1;
    }

    /** @return whether the given port of it (0 or 1) is still waiting for its connection */
    boolean waiting(int index) {
        return index < ports() && (matched & (1 << index)) == 0;
    }
}
