package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.domain.command.OpenAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #11: {@code --db jdbc:h2:file:PATH} behaves like the default store: no user to give, and a second
 * process can open it while the first one has it open (H2's automatic mixed mode).
 */
class NamedH2StoreIT {

    @TempDir
    Path directory;

    @Test
    void aSecondProcessQueriesANamedH2FileStoreWhileTheFirstHasItOpen() throws Exception {
        String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("store").resolve("ledger");
        Path log = directory.resolve("child.log");

        try (Ledger first = Ledger.builder().jdbcUrl(url, null, null).build()) {
            first.execute(new OpenAccount("o1", "alice:FUTURES"));

            Process second = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    LedgerCommandLine.class.getName(), "query", "accounts", "alice", "--json", "--db", url))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();

            assertThat(second.waitFor(2, TimeUnit.MINUTES)).as("the second process ends").isTrue();
            String printed = Files.readString(log);
            assertThat(second.exitValue()).as(printed).isZero();
            assertThat(printed).contains("{\"user\":\"alice\",\"accounts\":[{\"account\":\"alice:FUTURES\",\"status\":\"OPEN\"}]}");
        }
    }
}
