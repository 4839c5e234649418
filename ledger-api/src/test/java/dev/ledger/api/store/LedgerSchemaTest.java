package dev.ledger.api.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

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

    /**
     * H2 commits every DDL statement on its own, so a process killed while it migrates an H2 store leaves the
     * statements of one script done up to some point and no history row for that script. Every such state,
     * for every script and every statement it can stop after (the last one included: killed before Flyway
     * wrote the row), migrates when opened again, to exactly the schema of an uninterrupted migration.
     * PostgreSQL runs each script and its history row in one transaction, so it has no such states.
     */
    @Test
    void aMigrationKilledAfterAnyOfItsStatementsCompletesWhenRunAgain() throws Exception {
        JdbcDataSource reference = h2("schema-reference");
        LedgerSchema.migrate(reference);
        String expected = schemaOf(reference);
        int states = 0;
        for (Location location : List.of(new Location("db/ledger", LedgerSchema.LEDGER_HISTORY, LedgerSchema.LEDGER_VERSION),
                new Location("db/projections", LedgerSchema.PROJECTIONS_HISTORY, LedgerSchema.PROJECTIONS_VERSION))) {
            for (int version = 1; version <= location.newest(); version++) {
                List<String> statements = statements(location, version);
                for (int done = 1; done <= statements.size(); done++) {
                    JdbcDataSource dataSource = h2("schema-killed");
                    if (location.folder().equals("db/projections")) {
                        flyway(dataSource, "db/ledger", LedgerSchema.LEDGER_HISTORY, null).migrate();
                    }
                    if (version > 1) {
                        flyway(dataSource, location.folder(), location.history(), String.valueOf(version - 1)).migrate();
                    }
                    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                        for (String sql : statements.subList(0, done)) {
                            statement.execute(sql);
                        }
                    }
                    LedgerSchema.migrate(dataSource);
                    assertThat(LedgerSchema.isCurrent(dataSource)).isTrue();
                    assertThat(schemaOf(dataSource)).as("%s V%d killed after statement %d of %d", location.folder(),
                            version, done, statements.size()).isEqualTo(expected);
                    states++;
                }
            }
        }
        assertThat(states).as("interrupted states tried").isGreaterThan(50);
    }

    /**
     * Making the scripts re-runnable changed their checksums: a store migrated by an earlier build records
     * the old ones, and must still migrate (the scripts ship inside the library; nobody else edits them).
     */
    @Test
    void aStoreMigratedByScriptsWithOtherChecksumsStillMigrates() throws Exception {
        JdbcDataSource dataSource = h2("schema-old-checksums");
        LedgerSchema.migrate(dataSource);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE \"ledger_schema_history\" SET \"checksum\" = \"checksum\" + 1");
            statement.executeUpdate("UPDATE \"projection_schema_history\" SET \"checksum\" = \"checksum\" + 1");
            statement.executeUpdate("DELETE FROM \"projection_schema_history\" WHERE \"version\" = '6'");
        }
        LedgerSchema.migrate(dataSource);
        assertThat(LedgerSchema.isCurrent(dataSource)).isTrue();
    }

    private record Location(String folder, String history, int newest) {
    }

    private static Flyway flyway(JdbcDataSource dataSource, String folder, String history, String target) {
        var configuration = Flyway.configure(LedgerSchemaTest.class.getClassLoader()).dataSource(dataSource)
                .locations("classpath:" + folder).table(history).baselineOnMigrate(true).baselineVersion("0");
        if (target != null) {
            configuration.target(target);
        }
        return configuration.load();
    }

    /** The statements of one script, in order: comments dropped, split at the semicolons that end lines. */
    private static List<String> statements(Location location, int version) throws IOException {
        String prefix = "V" + version + "__";
        String script = null;
        for (MigrationInfo info : flyway(h2("list"), location.folder(), location.history(), null).info().all()) {
            if (info.getVersion().getVersion().equals(String.valueOf(version))) {
                script = info.getScript();
            }
        }
        assertThat(script).as(prefix).startsWith(prefix);
        try (InputStream in = LedgerSchemaTest.class.getClassLoader().getResourceAsStream(location.folder() + "/" + script)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)--.*$", "");
            List<String> statements = new ArrayList<>();
            for (String statement : text.split(";\\s*(\\n|$)")) {
                if (!statement.isBlank()) {
                    statements.add(statement.strip());
                }
            }
            return statements;
        }
    }

    /** Every table with its columns (type, nullability, default), every index and every constraint. */
    private static String schemaOf(JdbcDataSource dataSource) throws SQLException {
        TreeSet<String> schema = new TreeSet<>();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            try (ResultSet columns = meta.getColumns(null, "PUBLIC", "%", "%")) {
                while (columns.next()) {
                    if (!columns.getString("TABLE_NAME").contains("schema_history")) {
                        schema.add(columns.getString("TABLE_NAME") + "." + columns.getString("COLUMN_NAME") + " "
                                + columns.getString("TYPE_NAME") + "(" + columns.getInt("COLUMN_SIZE") + ","
                                + columns.getInt("DECIMAL_DIGITS") + ") nullable=" + columns.getString("IS_NULLABLE")
                                + " default=" + columns.getString("COLUMN_DEF"));
                    }
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT table_name, index_name FROM information_schema.indexes"
                         + " WHERE table_schema = 'PUBLIC'")) {
                while (rows.next()) {
                    String name = rows.getString(2);
                    // Indexes of unnamed keys get generated names, which differ between two databases.
                    schema.add("index " + rows.getString(1) + "." + (name.matches("(PRIMARY_KEY|CONSTRAINT_INDEX)_\\w*") ? "" : name));
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT table_name, constraint_name, constraint_type"
                         + " FROM information_schema.table_constraints WHERE table_schema = 'PUBLIC'")) {
                while (rows.next()) {
                    String name = rows.getString(2);
                    // Unnamed constraints get generated names, which differ between two databases.
                    schema.add("constraint " + rows.getString(1) + " " + rows.getString(3) + " "
                            + (name.startsWith("CONSTRAINT_") ? "" : name));
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT name FROM rm_projection_state ORDER BY name")) {
                while (rows.next()) {
                    schema.add("read model " + rows.getString(1));
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM ledger_append_lock")) {
                rows.next();
                schema.add("append lock rows " + rows.getLong(1));
            }
        }
        return String.join("\n", schema);
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
