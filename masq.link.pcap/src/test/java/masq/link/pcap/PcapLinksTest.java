package masq.link.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.stream.Stream;

import masq.api.Ipv4;
import masq.api.link.LinkConfigDTO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Configuration checks and the error messages an operator sees; no interfaces needed. */
class PcapLinksTest {
    static LinkConfigDTO good() {
        LinkConfigDTO c = new LinkConfigDTO();
        c.insideInterface = "in0";
        c.insideAddress = Ipv4.parse("192.168.0.1");
        c.insidePrefixLength = 24;
        c.outsideInterface = "out0";
        c.outsideAddress = Ipv4.parse("203.0.113.1");
        c.outsidePrefixLength = 24;
        c.outsideGateway = Ipv4.parse("203.0.113.254");
        return c;
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.insideInterface = " ", "insideInterface"),
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.outsideInterface = null, "outsideInterface"),
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.outsideInterface = "in0", "both 'in0'"),
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.insideAddress = 0, "insideAddress"),
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.outsidePrefixLength = 33, "outsidePrefixLength 33"),
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.insideMtu = 67, "insideMtu 67"),
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.outsideMtu = 9000, "outsideMtu 9000"),
                Arguments.of((Consumer<LinkConfigDTO>) c -> c.outsideGateway = Ipv4.parse("198.51.100.1"),
                        "outsideGateway 198.51.100.1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void aBadFieldIsNamed(Consumer<LinkConfigDTO> breakIt, String named) {
        LinkConfigDTO c = good();
        breakIt.accept(c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcapLinks.validate(c));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void aGoodConfigurationPasses() {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> PcapLinks.validate(good()));
    }

    @Test
    void theCheckBeforeApplyFindsInterfacesWithoutAddressesAndNamesAMissingOne() {
        java.util.Set<String> present = PcapLinks.interfaces();
        assertTrue(present.contains("lo"), "every network namespace has lo: " + present);
        LinkConfigDTO c = good();
        c.insideInterface = "lo";
        c.outsideInterface = "mqt-none1";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PcapLinks().check(c));
        assertEquals("there is no outside interface 'mqt-none1' (in this network namespace)", e.getMessage());
        c.insideInterface = "mqt-none2";
        e = assertThrows(IllegalArgumentException.class, () -> new PcapLinks().check(c));
        assertEquals("there is no inside interface 'mqt-none2' (in this network namespace)", e.getMessage());
        c.insideInterface = "lo";
        c.outsideInterface = "lo";
        e = assertThrows(IllegalArgumentException.class, () -> new PcapLinks().check(c));
        assertEquals("insideInterface and outsideInterface are both 'lo'", e.getMessage());
    }

    @Test
    void aMissingInterfaceIsNamedBeforeLibpcapIsTouched() {
        LinkConfigDTO c = good();
        c.insideInterface = "mqt-none0";
        IOException e = assertThrows(IOException.class, () -> new PcapLinks().open(c));
        assertEquals("interface 'mqt-none0' does not exist (see 'ip link show')", e.getMessage());
    }

    @Test
    void permissionFailuresSayWhatIsNeeded() {
        IOException e = PcapFrameLink.explain("in0", new RuntimeException("in0: You don't have permission to capture"
                + " on that device (socket: Operation not permitted)"));
        assertTrue(e.getMessage().startsWith("capturing on interface 'in0' needs root or the capabilities CAP_NET_RAW"),
                e.getMessage());
        assertTrue(PcapFrameLink.explain("x9", new RuntimeException("No such device exists")).getMessage()
                .contains("'x9' does not exist"));
    }
}
