package masq.engine.nat;

import masq.api.admin.TimeoutsDTO;

/**
 * Idle timeouts in seconds per class. Defaults meet the RFC minima: RFC 5382 REQ-5 (established
 * at least 2 h 4 min, transitory at least 4 min), RFC 4787 REQ-5c (UDP 5 min), RFC 5508 REQ-2
 * (ICMP query 60 s).
 */
public record Timeouts(int tcpEstablishedSeconds, int tcpTransitorySeconds, int udpSeconds, int icmpSeconds) {
    public static final int TCP_ESTABLISHED_SECONDS = 7440;
    public static final int TCP_TRANSITORY_SECONDS = 240;
    public static final int UDP_SECONDS = 300;
    public static final int ICMP_SECONDS = 60;
    /** The longest timeout, 10 days (Linux's established TCP default is 5): a bound, as ipchains had one. */
    public static final int MAX_SECONDS = 864000;
    /** The defaults above. */
    public static final Timeouts DEFAULT = new Timeouts(TCP_ESTABLISHED_SECONDS, TCP_TRANSITORY_SECONDS,
            UDP_SECONDS, ICMP_SECONDS);

    /** Rejects values that are not positive or above {@link #MAX_SECONDS}, naming the one that is wrong. */
    public Timeouts {
        check("tcp", tcpEstablishedSeconds);
        check("tcpfin", tcpTransitorySeconds);
        check("udp", udpSeconds);
        check("icmp", icmpSeconds);
    }

    private static void check(String name, int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("timeout " + name + " " + seconds + " s is not positive");
        }
        if (seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("timeout " + name + " " + seconds + " s is above the most, "
                    + MAX_SECONDS + " s (10 days)");
        }
    }

    /** These timeouts with each non-zero field of {@code dto} applied, as {@code ipchains -M -S} does. */
    public Timeouts with(TimeoutsDTO dto) {
        return new Timeouts(pick(dto.tcpSeconds, tcpEstablishedSeconds), pick(dto.tcpFinSeconds, tcpTransitorySeconds),
                pick(dto.udpSeconds, udpSeconds), pick(dto.icmpSeconds, icmpSeconds));
    }

    private static int pick(int requested, int current) {
        return requested == 0 ? current : requested;
    }

    /** A DTO for the console. */
    public TimeoutsDTO toDTO() {
        TimeoutsDTO dto = new TimeoutsDTO();
        dto.tcpSeconds = tcpEstablishedSeconds;
        dto.tcpFinSeconds = tcpTransitorySeconds;
        dto.udpSeconds = udpSeconds;
        dto.icmpSeconds = icmpSeconds;
        return dto;
    }
}
