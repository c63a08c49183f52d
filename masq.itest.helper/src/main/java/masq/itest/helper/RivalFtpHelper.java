package masq.itest.helper;

import org.osgi.service.component.annotations.Component;

import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.Verdict;

/**
 * A test-only helper that claims tcp/21 like the FTP helper, ranked higher, so that the integration
 * tests can watch the registry resolve a duplicate claim by {@code service.ranking}.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=rival",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + ":Integer=21",
        "service.ranking:Integer=10" })
public final class RivalFtpHelper implements MasqHelper {
    @Override
    public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        return Verdict.ACCEPT;
    }
}
