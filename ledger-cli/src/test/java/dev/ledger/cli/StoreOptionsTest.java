package dev.ledger.cli;

import dev.ledger.api.store.StoreSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class StoreOptionsTest {

    @Test
    void aQueryOpensAnH2FileStoreWithoutCompactingItOnClose() {
        StoreSettings reading = optionsOf("--db", "jdbc:h2:file:/tmp/ledger-test/ledger").settingsForReading();

        assertThat(reading.jdbcUrl()).startsWith("jdbc:h2:file:/tmp/ledger-test/ledger;")
                .contains(";AUTO_SERVER=TRUE").endsWith(";MAX_COMPACT_TIME=0");
        assertThat(reading.user()).isEqualTo("sa");
    }

    @Test
    void theDefaultStoreIsReadTheSameWay() {
        StoreOptions options = optionsOf();

        assertThat(options.settingsForReading().jdbcUrl()).isEqualTo(options.settings().jdbcUrl() + ";MAX_COMPACT_TIME=0");
    }

    @Test
    void aStoreThatSetsItsOwnCompactionTimeOrIsNoH2FileKeepsItsUrl() {
        for (String url : new String[]{"jdbc:h2:file:/tmp/ledger-test/ledger;MAX_COMPACT_TIME=500",
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
