package masq.engine.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void alignsColumnsAndPrintsNullAsDash() {
        Table t = new Table("NAME", "PORTS").row("ftp", "21,2121").row("irc-dcc", null);
        assertEquals("NAME     PORTS\nftp      21,2121\nirc-dcc  -\n", t.toString());
        assertEquals(List.of("irc-dcc", "-"), t.rows().get(1));
    }

    @Test
    void saysNoneWhenEmpty() {
        assertEquals("NAME  PORTS\n(none)\n", new Table("NAME", "PORTS").toString());
    }

    @Test
    void refusesARowOfTheWrongWidth() {
        assertEquals("1 cells for 2 columns",
                assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("x")).getMessage());
    }
}
