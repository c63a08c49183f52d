package __PACKAGE__;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/** The __NAME__ helper through masq's real engine (masq.testkit's HelperHarness), without a framework. */
class __CLASS__HelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String SERVER = "198.51.100.5";
    static final String GATEWAY = "203.0.113.1";

    private final HelperHarness gateway = HelperHarness.builder().engine(b -> b.ports(61000, 61999))
            .helper(new __CLASS__Helper(), "__NAME__", "__TRANSPORT__", __PORT__).build();
    private long seq = 1000;

    __CLASS__HelperTest() {
        gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, __PORT__).flags(Packets.SYN).seq(seq - 1).build());
        gateway.inbound(Packets.tcp(SERVER, __PORT__, GATEWAY, 61000).flags(Packets.SYN | Packets.ACK).seq(4999)
                .ack(seq).build());
    }

    private HelperStep send(String line) {
        HelperStep step = gateway.outbound(Packets.tcp(CLIENT, 40000, SERVER, __PORT__).flags(Packets.ACK).seq(seq)
                .ack(5000).payload(line).build());
        seq += line.length();
        return step;
    }

    @Test
    void theAnnouncedPortNamesTheGatewayAndTheServerGetsIn() {
        assertEquals("LISTEN 203.0.113.1 61001\r\n", send("LISTEN 192.168.0.2 2000\r\n").outputText());
        HelperStep syn = gateway.inbound(Packets.tcp(SERVER, 3000, GATEWAY, 61001).flags(Packets.SYN).build());
        assertEquals(CLIENT, Packets.destination(syn.output()));
        assertEquals(2000, Packets.destinationPort(syn.output()));
    }

    @Test
    void anotherHostsAddressOpensNothing() {
        assertEquals("LISTEN 192.168.0.3 2000\r\n", send("LISTEN 192.168.0.3 2000\r\n").outputText());
        assertEquals(List.of(), gateway.expectations());
        assertEquals(Map.of(__CLASS__Helper.REFUSED_ADDRESS, 1L), gateway.refusals("__NAME__"));
    }

    @Test
    void aPrivilegedOrBadPortOpensNothing() {
        send("LISTEN 192.168.0.2 22\r\n");
        send("LISTEN 192.168.0.2 70000\r\n");
        send("LISTEN 192.168.0.2 x\r\n");
        assertEquals(List.of(), gateway.expectations());
        assertEquals(Map.of(__CLASS__Helper.REFUSED_PORT, 2L, __CLASS__Helper.REFUSED_MALFORMED, 1L),
                gateway.refusals("__NAME__"));
    }

    @Test
    void otherLinesPassUnchanged() {
        assertTrue(send("HELLO there\r\n").outputText().equals("HELLO there\r\n"));
    }
}
