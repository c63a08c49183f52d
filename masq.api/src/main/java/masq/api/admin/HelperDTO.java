package masq.api.admin;

import org.osgi.dto.DTO;

/** One helper service as the registry sees it. */
public class HelperDTO extends DTO {
    /** The helper is attached to new connections to its ports. */
    public static final String STATE_ACTIVE = "active";
    /** The helper lost a duplicate claim (name or transport and port) and is not used. */
    public static final String STATE_REFUSED = "refused";
    /** The helper's service properties are invalid, or it failed too often; it is not used. */
    public static final String STATE_DISABLED = "disabled";

    /** The helper's name, e.g. {@code ftp}. */
    public String name;
    /** The id of the bundle that registered the helper. */
    public long bundleId;
    /** The symbolic name of that bundle. */
    public String bundleSymbolicName;
    /** The version of that bundle. */
    public String bundleVersion;
    /** The helper's {@code service.id}. */
    public long serviceId;
    /** The helper's {@code service.ranking}. */
    public int ranking;
    /** The transport, {@code tcp} or {@code udp}. */
    public String transport;
    /** The ports in effect (configuration overrides defaults), ascending. */
    public int[] ports;
    /** Whether {@link #ports} come from Config Admin rather than the service properties. */
    public boolean configured;
    /** {@link #STATE_ACTIVE}, {@link #STATE_REFUSED} or {@link #STATE_DISABLED}. */
    public String state;
    /** Why the helper is refused or disabled ("duplicate of ftp (bundle 7) on tcp/21"), else null. */
    public String reason;
    /** Connections the helper is attached to now. */
    public long flows;
    /** Exceptions the helper has thrown. */
    public long failures;
}
