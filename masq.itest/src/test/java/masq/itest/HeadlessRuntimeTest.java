package masq.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime distribution as an operator runs it headless ({@code ./masq console --headless}): it
 * starts with no standard input, activates the masq components, and on SIGTERM stops every bundle
 * (the deactivation is logged) and exits.
 */
class HeadlessRuntimeTest {
    private static final long START_TIMEOUT_MILLIS = 30_000;

    @Test
    void sigtermStopsEveryBundleGracefully(@TempDir Path state) throws Exception {
        Path log = state.resolve("out.log");
        Process runtime = start(state, log);
        try {
            waitForLine(log, "helper ftp (bundle ", runtime);
            assertTrue(runtime.isAlive(), "EOF on stdin must not stop a headless runtime");

            runtime.destroy(); // SIGTERM on Linux
            assertTrue(runtime.waitFor(20, TimeUnit.SECONDS), "runtime exits after SIGTERM");
            assertEquals(143, runtime.exitValue(), "exit status of a process ended by SIGTERM");
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(text.contains("helper ftp (bundle "), text);
            assertTrue(text.contains("helper registry stopped"), "deactivation logged:\n" + text);
        } finally {
            runtime.destroyForcibly();
        }
    }

    private static Process start(Path state, Path log) throws IOException {
        Path dist = RuntimeBundles.DIST;
        Files.createDirectories(state.resolve("etc"));
        Files.createDirectories(state.resolve("load"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(List.of(java.toString(), "-Dmasq.home=" + dist, "-Dmasq.etc=" + state.resolve("etc"),
                "-Dmasq.load=" + state.resolve("load"), "-Dmasq.var=" + state, "-Dgosh.args=--nointeractive",
                "-jar", dist.resolve("bin/felix.jar").toString()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void waitForLine(Path log, String text, Process runtime) throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            if (!runtime.isAlive() || System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '" + text + "' from the runtime (alive: " + runtime.isAlive() + "):\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
    }
}
