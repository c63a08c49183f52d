package masq.itest;

import static masq.itest.UdpDatagram.udp;
import static masq.itest.Waits.waitFor;
import static org.junit.Assert.assertEquals;

import java.nio.ByteBuffer;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import masq.api.Ipv4;

/**
 * Issue 12: the CU-SeeMe helper bundle in the runtime rewrites the client's own address in the
 * conference header; uninstalled at runtime, the inside address leaks unchanged; installed again,
 * it is rewritten again, without restarting the gateway.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class CuSeeMeHelperInFelixTest extends HelperBundleInFelix {
    @Override
    String helper() {
        return "cuseeme";
    }

    @Override
    int serverPort() {
        return 7648;
    }

    /** A 26-byte conference header carrying {@code addr} as the sender's own address. */
    private static byte[] header(int addr) {
        return ByteBuffer.allocate(26).putShort((short) 2).putShort((short) 7648).putInt(0).putShort((short) 2)
                .putShort((short) 7648).putInt(addr).putInt(1).putShort((short) 0).putShort((short) 257)
                .putShort((short) 26).array();
    }

    private int addressSent(int clientPort) throws Exception {
        UdpDatagram out = gateway.outbound(udp(CLIENT, clientPort, SERVER, 7648, header(Ipv4.parse(CLIENT))));
        return ByteBuffer.wrap(out.payload()).getInt(12);
    }

    @Test
    public void uninstalledAtRuntimeTheInsideAddressLeaksAndInstalledAgainItIsRewritten() throws Exception {
        gateway = new MemoryGateway(context, configurationAdmin, commandProcessor);
        waitFor(this::listsHelper, "masq:helpers lists cuseeme active:\n" + gateway.run("masq:helpers"));
        assertEquals("the gateway's address in the header", Ipv4.parse(MemoryGateway.GATEWAY), addressSent(7648));

        gateway.bundle(bundleName()).uninstall();
        waitFor(() -> !listsHelper(), "masq:helpers no longer lists cuseeme");
        assertEquals("without the helper the inside address leaves", Ipv4.parse(CLIENT), addressSent(7649));

        Bundle again = context.installBundle(RuntimeBundles.location(bundleName()));
        again.start();
        waitFor(this::listsHelper, "masq:helpers lists cuseeme again after install + start");
        assertEquals("a new conference flow is helped again", Ipv4.parse(MemoryGateway.GATEWAY), addressSent(7650));
    }
}
