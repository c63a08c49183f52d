package masq.helper.ftp;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.api.MasqHelper;
import masq.testkit.HelperConformance;
import masq.testkit.HelperHarness;

/** The FTP helper against masq.testkit's helper contract: its commands and replies, damaged and forged. */
class FtpConformanceTest {
    @Test
    void keepsTheHelperContract() {
        HelperConformance.Report report = kit().run();
        System.out.println("ftp conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance kit() {
        Map<String, Object> p = new HashMap<>(HelperHarness.properties("ftp", "tcp", 21));
        p.put(MasqHelper.MAX_EXPECTED, FtpHelper.MAX_EXPECTED);
        return HelperConformance.of(new FtpHelper(), p)
                .sample(Direction.OUTBOUND, "PORT 192,168,0,2,4,1\r\n")
                .sample(Direction.OUTBOUND, "EPRT |1|192.168.0.2|1025|\r\n")
                .sample(Direction.INBOUND, "227 Entering Passive Mode (198,51,100,5,39,16)\r\n")
                .sample(Direction.INBOUND, "229 Entering Extended Passive Mode (|||10000|)\r\n");
    }
}
