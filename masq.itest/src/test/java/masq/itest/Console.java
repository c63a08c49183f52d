package masq.itest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/** Runs Gogo commands as the console would and returns what it would print. */
final class Console {
    private final CommandProcessor processor;

    Console(CommandProcessor processor) {
        this.processor = processor;
    }

    /** @return the printed result of {@code command}; its exception if it failed */
    String run(String command) throws Exception {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = session.execute(command);
            return result == null ? "" : String.valueOf(session.format(result, Converter.INSPECT));
        }
    }

    /** @return the message of the exception {@code command} fails with */
    String fail(String command) {
        try {
            String printed = run(command);
            throw new AssertionError("'" + command + "' did not fail; it printed:\n" + printed);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
