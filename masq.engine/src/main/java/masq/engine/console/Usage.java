package masq.engine.console;

/**
 * A console command's arguments, checked by the command itself rather than by Gogo's coercion, so
 * that a wrong one is answered by what was wrong and the command's usage line:
 * {@code TCP '-1' is not a whole number of seconds from 0 to 864000} then
 * {@code usage: masq:timeouts [TCP TCPFIN UDP [ICMP]] ...}.
 *
 * @param line the usage line: the command and its arguments, as {@code help} would show them
 */
record Usage(String line) {
    /** @return the exception a command throws: what was wrong, a newline, the usage line */
    IllegalArgumentException wrong(String what) {
        return new IllegalArgumentException(what + "\nusage: " + line);
    }

    /** A command that takes no arguments. */
    void none(String[] args) {
        if (args != null && args.length > 0) {
            throw wrong("no arguments expected, got '" + String.join(" ", args) + "'");
        }
    }

    /** @return {@code text} as a whole number from {@code min} to {@code max}, named {@code name} if it is not */
    int number(String name, String text, int min, int max, String unit) {
        if (text.matches("[+-]?\\d{1,10}")) {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return (int) value;
            }
        }
        throw wrong(name + " '" + text + "' is not a whole number of " + unit + " from " + min + " to " + max);
    }
}
