package masq.api.admin;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The helper registry as the administrator sees it: every helper service the engine tracks. */
@ProviderType
public interface HelperAdmin {
    /** @return one entry per tracked helper service, active ones first, each group by name */
    List<HelperDTO> helpers();
}
