package dev.ledger.cli;

import dev.ledger.api.store.StoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StoreOptionsTest {

    @TempDir
    Path directory;

    @Test
    void aQueryOpensAnH2FileStoreWithoutCompactingItOnClose() {
        String store = "jdbc:h2:file:" + directory.resolve("ledger");

        StoreSettings reading = optionsOf("--db", store).settingsForReading();

        assertThat(reading.jdbcUrl()).startsWith(store + ";").contains(";AUTO_SERVER=TRUE")
                .endsWith(";MAX_COMPACT_TIME=0");
    }

    @Test
    void theDefaultStoreIsReadTheSameWay() {
        assumeTrue(System.getenv("LEDGER_DB_URL") == null, "LEDGER_DB_URL names another store than the default");
        StoreOptions options = optionsOf();

        assertThat(options.settingsForReading().jdbcUrl()).isEqualTo(options.settings().jdbcUrl() + ";MAX_COMPACT_TIME=0");
    }

    @Test
    void aStoreThatSetsItsOwnCompactionTimeOrIsNoH2FileKeepsItsUrl() {
        for (String url : new String[]{"jdbc:h2:file:" + directory.resolve("ledger") + ";max_compact_time=500",
                "jdbc:h2:mem:ledger-test;DB_CLOSE_DELAY=-1", "jdbc:postgresql://localhost/ledger"}) {
            StoreOptions options = optionsOf("--db", url);

            assertThat(options.settingsForReading()).as(url).isEqualTo(options.settings());
        }
    }

    /** The store options of {@code query balance} parsed from {@code args}. */
    private static StoreOptions optionsOf(String... args) {
        BalanceQuery query = new BalanceQuery();
        String[] withAccount = new String[args.length + 1];
        withAccount[0] = "alice:FUTURES";
        System.arraycopy(args, 0, withAccount, 1, args.length);
        new CommandLine(query).parseArgs(withAccount);
        return query.store;
    }
}
