package masq.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The seed inputs of a Jazzer fuzz target, kept where Jazzer's JUnit integration reads a target's
 * committed inputs: {@code src/test/resources/PACKAGE/CLASSInputs/METHOD/} of the module.
 */
public final class FuzzSeeds {
    /** The system property that makes {@link #writeIfAsked} write the seeds. */
    public static final String WRITE = "masq.fuzz.write-seeds";

    private FuzzSeeds() {
    }

    /** The directory of {@code method}'s committed inputs, relative to the module's directory. */
    public static Path directory(Class<?> target, String method) {
        return Path.of("src", "test", "resources").resolve(target.getPackageName().replace('.', '/'))
                .resolve(target.getSimpleName() + "Inputs").resolve(method);
    }

    /**
     * A helper fuzz target's check of its seeds: each of {@code kit}'s {@link
     * HelperConformance#conversations} must be sent and keep the contract; then {@link
     * #writeIfAsked}.
     *
     * @throws AssertionError naming the seed that broke the contract or sent nothing
     */
    public static void check(Class<?> target, String method, HelperConformance kit) {
        List<byte[]> seeds = kit.conversations();
        for (int i = 0; i < seeds.size(); i++) {
            HelperConformance.Report report = kit.conversation(seeds.get(i));
            if (report.executions() == 0) {
                throw new AssertionError("seed " + i + " sent nothing");
            }
            report.assertConforms();
        }
        writeIfAsked(target, method, seeds);
    }

    /**
     * Writes {@code seeds} as {@code seed-N} into {@link #directory} when the system property
     * {@value #WRITE} is set ({@code ./masq fuzz} sets it), so that a target's corpus follows its
     * samples; otherwise does nothing.
     *
     * @return how many files were written
     */
    public static int writeIfAsked(Class<?> target, String method, List<byte[]> seeds) {
        if (System.getProperty(WRITE) == null) {
            return 0;
        }
        Path dir = directory(target, method);
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < seeds.size(); i++) {
                Files.write(dir.resolve("seed-" + i), seeds.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the seeds into " + dir.toAbsolutePath(), e);
        }
        return seeds.size();
    }
}
