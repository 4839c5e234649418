package dev.ledger.api.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StoreSettingsTest {

    @TempDir
    Path directory;

    @Test
    void aNamedH2FileUrlIsTheDefaultEmbeddedStore() {
        StoreSettings embedded = StoreSettings.embedded(directory);

        StoreSettings named = StoreSettings.of("jdbc:h2:file:" + directory.toAbsolutePath().resolve("ledger"), null, null);

        assertThat(named).isEqualTo(embedded);
        assertThat(named.user()).isEqualTo("sa");
        assertThat(named.jdbcUrl()).contains(";AUTO_SERVER=TRUE").contains("MODE=PostgreSQL");
    }

    @Test
    void aNamedH2FileUrlKeepsWhatItSaysItself() {
        StoreSettings settings = StoreSettings.of("jdbc:h2:./data/x;AUTO_SERVER=FALSE", "ledger", "secret");

        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:h2:./data/x;AUTO_SERVER=FALSE;MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH");
        assertThat(settings.user()).isEqualTo("ledger");
        assertThat(StoreSettings.of("jdbc:h2:file:/x;FILE_LOCK=NO", "", null).jdbcUrl()).doesNotContain("AUTO_SERVER");
        assertThat(StoreSettings.of("jdbc:h2:file:/x", "", null).user()).as("an empty user given is kept").isEmpty();
    }

    @Test
    void memoryServerAndPostgresUrlsAreNotFileStores() {
        StoreSettings memory = StoreSettings.of("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", null, null);
        assertThat(memory.jdbcUrl()).doesNotContain("AUTO_SERVER");
        assertThat(memory.user()).isEmpty();
        assertThat(memory.h2File()).isEmpty();
        assertThat(StoreSettings.of("jdbc:h2:tcp://localhost/~/x", null, null).h2File()).isEmpty();
        assertThat(StoreSettings.of("jdbc:postgresql://db/ledger", null, null).h2File()).isEmpty();
    }

    @Test
    void anH2FileStoreNamesItsPath() {
        assertThat(StoreSettings.of("jdbc:h2:file:/var/ledger/db;MODE=PostgreSQL", null, null).h2File())
                .contains(Path.of("/var/ledger/db"));
        assertThat(StoreSettings.of("jdbc:h2:./data/x", null, null).h2File()).contains(Path.of("./data/x"));
        assertThat(StoreSettings.of("jdbc:h2:~/x", null, null).h2File())
                .contains(Path.of(System.getProperty("user.home"), "x"));
        assertThat(StoreSettings.embedded(directory).h2File()).contains(directory.toAbsolutePath().resolve("ledger"));
    }
}
