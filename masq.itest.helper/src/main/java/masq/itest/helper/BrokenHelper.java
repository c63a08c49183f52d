package masq.itest.helper;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.Verdict;

/**
 * A test-only helper whose activation throws, as a badly written third-party helper might: the
 * registry and the other helpers must not notice.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=broken",
        MasqHelper.TRANSPORT + "=udp",
        MasqHelper.PORTS + ":Integer=9999" })
public final class BrokenHelper implements MasqHelper {
    @Activate
    void activate() {
        throw new IllegalStateException("broken on purpose");
    }

    @Override
    public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        return Verdict.ACCEPT;
    }
}
