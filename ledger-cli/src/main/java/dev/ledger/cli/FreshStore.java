package dev.ledger.cli;

import dev.ledger.api.store.StoreSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** An embedded store that starts empty: its directory is deleted first (for {@code demo} and {@code bench}). */
final class FreshStore {

    private FreshStore() {
    }

    static StoreSettings embedded(Path directory) {
        if (Files.exists(directory)) {
            try (Stream<Path> tree = Files.walk(directory)) {
                // Deepest first, so each directory is empty when its turn comes; links are removed, not followed.
                List<Path> paths = tree.sorted(Comparator.reverseOrder()).toList();
                for (Path path : paths) {
                    Files.delete(path);
                }
            } catch (IOException | UncheckedIOException e) {
                throw new CliFailure("cannot empty " + directory.toAbsolutePath() + " for a fresh store: " + e.getMessage()
                        + "; delete it by hand or name another store with --db");
            }
        }
        StoreSettings settings = StoreSettings.embedded(directory);
        String problem = StoreProblem.unusableH2Path(settings);
        if (problem != null) {
            throw new CliFailure(problem + "; run it where the current directory is writable, or name another store with --db");
        }
        return settings;
    }
}
