package dev.ledger.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ClassArchiveTrainingTest {

    /**
     * The launcher ignores a failed training run (its archive is only an optimisation), so this is where a
     * command line change that breaks one of its commands shows.
     */
    @Test
    void everyCommandOfTheTrainingSucceeds(@TempDir Path directory) {
        assertThat(ClassArchiveTraining.run(directory)).isEmpty();
        assertThat(directory.resolve("ledger.mv.db")).exists();
    }
}
