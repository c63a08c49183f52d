package masq.api.admin;

import org.osgi.dto.DTO;

/** One pending expectation, as a row of {@code masq:expect}. */
public class ExpectationDTO extends DTO {
    /** {@code tcp} or {@code udp}. */
    public String transport;
    /** The remote address expected, or {@code *}. */
    public String remoteAddress;
    /** The remote port expected, or 0 for any. */
    public int remotePort;
    /** The gateway port allocated (0 for an expectation from the inside). */
    public int gatewayPort;
    /** The inside target address. */
    public String insideAddress;
    /** The inside target port. */
    public int insidePort;
    /** The id of the master connection. */
    public long masterId;
    /** The helper that registered it. */
    public String helper;
    /** Seconds until it is dropped unused; -1 for a repeating one, which lasts as long as its master. */
    public long secondsLeft;
}
