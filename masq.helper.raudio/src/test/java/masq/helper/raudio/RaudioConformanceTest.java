package masq.helper.raudio;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.api.MasqHelper;
import masq.testkit.HelperConformance;
import masq.testkit.HelperHarness;

/** The RealAudio helper against masq.testkit's helper contract: an RTSP SETUP and a PNA hello, damaged. */
class RaudioConformanceTest {
    @Test
    void keepsTheHelperContract() {
        HelperConformance.Report report = kit().run();
        System.out.println("raudio conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance kit() {
        Map<String, Object> p = new HashMap<>(HelperHarness.properties("raudio", "tcp", 554, 7070));
        p.put(MasqHelper.MAX_EXPECTED, RaudioHelper.MAX_STREAMS);
        return HelperConformance.of(new RaudioHelper(), p)
                .sample(Direction.OUTBOUND, "SETUP rtsp://198.51.100.5/tone/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n"
                        + "Transport: RTP/AVP;unicast;client_port=5004-5005\r\n\r\n")
                .sample(Direction.OUTBOUND, PnaTest.VECTOR);
    }
}
