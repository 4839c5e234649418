package dev.ledger.api.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerSchemaTest {

    @Test
    void theVersionsItTrustsAreTheNewestScriptsShipped() {
        assertThat(newestScript("classpath:db/ledger")).isEqualTo(LedgerSchema.LEDGER_VERSION);
        assertThat(newestScript("classpath:db/projections")).isEqualTo(LedgerSchema.PROJECTIONS_VERSION);
    }

    @Test
    void onlyACurrentUndamagedSchemaSkipsFlyway() throws Exception {
        JdbcDataSource dataSource = h2("schema-current");
        assertThat(LedgerSchema.isCurrent(dataSource)).as("a new database").isFalse();
        LedgerSchema.migrate(dataSource);
        assertThat(LedgerSchema.isCurrent(dataSource)).as("just migrated").isTrue();

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE \"projection_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '6'");
            assertThat(LedgerSchema.isCurrent(dataSource)).as("a failed migration in the history").isFalse();
            statement.executeUpdate("DELETE FROM \"projection_schema_history\" WHERE \"version\" = '6'");
            assertThat(LedgerSchema.isCurrent(dataSource)).as("one migration behind").isFalse();
        }
    }

    private static int newestScript(String location) {
        Flyway flyway = Flyway.configure(LedgerSchemaTest.class.getClassLoader()).locations(location)
                .dataSource(h2("scripts-" + location.replaceAll("\\W", ""))).load();
        return Arrays.stream(flyway.info().all()).map(MigrationInfo::getVersion)
                .mapToInt(version -> Integer.parseInt(version.getVersion())).max().orElseThrow();
    }

    private static JdbcDataSource h2(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + name + System.nanoTime() + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL");
        dataSource.setUser("sa");
        return dataSource;
    }
}
