package masq.helper.ftp;

import org.osgi.service.component.annotations.Component;

import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.Verdict;

/**
 * The FTP helper (RFC 959, RFC 2428), the successor of Linux 2.2's {@code ip_masq_ftp}: attached to
 * FTP control connections that inside clients open to port 21 (or the ports configured under
 * {@code masq.helper.ftp}).
 *
 * <p>This bundle registers the helper with the engine; the payload rewriting of {@code PORT},
 * {@code EPRT}, {@code 227} and {@code 229} is issue #4 and not in this version, which forwards the
 * control connection unchanged.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=ftp",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + ":Integer=" + FtpHelper.FTP_CONTROL_PORT,
        MasqHelper.MAX_EXPECTED + ":Integer=1" })
public final class FtpHelper implements MasqHelper {
    /** The well-known FTP control port (RFC 959). */
    static final int FTP_CONTROL_PORT = 21;

    @Override
    public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        return Verdict.ACCEPT;
    }
}
