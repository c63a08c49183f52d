package masq.engine.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortListTest {
    static List<Arguments> valid() {
        return List.of(
                Arguments.of(21, new int[] {21}),
                Arguments.of("21", new int[] {21}),
                Arguments.of(" 2121 , 21 ", new int[] {21, 2121}),
                Arguments.of("21,21,21", new int[] {21}),
                Arguments.of(new int[] {2121, 21}, new int[] {21, 2121}),
                Arguments.of(new Integer[] {6667, 6666}, new int[] {6666, 6667}),
                Arguments.of(new String[] {"21", "2121,990"}, new int[] {21, 990, 2121}),
                Arguments.of(List.of(1, 65535), new int[] {1, 65535}),
                Arguments.of(21L, new int[] {21}));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesEveryShapeConfigAdminAndDsProduce(Object value, int[] expected) {
        assertArrayEquals(expected, PortList.parse(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"70000", "0", "-1", "65536", "x", "21,", ",21", "", " ", "21;22", "0x15", "+21", "21.0",
        "99999999999", "2 1", "\u0661\u0662"})
    void rejectsBadPortText(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortList.parse(value));
        assertEquals(true, e.getMessage().contains("port") || e.getMessage().contains("ports"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("badObjects")
    void rejectsBadPortObjects(Object value, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> PortList.parse(value)).getMessage());
    }

    static List<Arguments> badObjects() {
        return List.of(
                Arguments.of(null, "no ports given"),
                Arguments.of(new int[0], "no ports given"),
                Arguments.of(70000, "port 70000 is not in 1-65535"),
                Arguments.of(21.5, "port 21.5 is not a whole number"),
                Arguments.of(new Object[] {Boolean.TRUE}, "'true' is not a port number"),
                Arguments.of(new int[PortList.MAX_PORTS + 1], "port 0 is not in 1-65535"));
    }

    @org.junit.jupiter.api.Test
    void boundsTheNumberOfPorts() {
        StringBuilder many = new StringBuilder();
        for (int p = 1; p <= PortList.MAX_PORTS + 1; p++) {
            many.append(p).append(',');
        }
        many.setLength(many.length() - 1);
        assertEquals("more than " + PortList.MAX_PORTS + " ports",
                assertThrows(IllegalArgumentException.class, () -> PortList.parse(many.toString())).getMessage());
    }

    @org.junit.jupiter.api.Test
    void formatsAsTheConfigurationSyntax() {
        assertEquals("21,2121", PortList.format(new int[] {21, 2121}));
    }
}
