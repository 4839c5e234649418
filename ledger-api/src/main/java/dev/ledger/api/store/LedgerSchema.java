package dev.ledger.api.store;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates or migrates the ledger's tables with Flyway. The core tables (events, sagas, command log) and the
 * read-model tables keep separate histories, so that read models can change shape without touching the
 * event store.
 *
 * <p>A store whose schema is already current (each history's newest successful version is the newest this
 * code ships, and no migration ever failed) is used as it is, without starting Flyway: opening a store is on
 * the path of every command-line call. Any other store, new, older, newer or damaged, goes through Flyway,
 * which migrates it or says what is wrong.
 *
 * <p>Every script can run again over its own partial effects ({@code IF NOT EXISTS}, {@code IF EXISTS}, inserts
 * that skip existing rows): H2 commits each DDL statement on its own, so a process killed while it migrates an
 * H2 store leaves a script done up to some statement with no history row, and the next open runs that script
 * again. (PostgreSQL runs a script and its history row in one transaction.) Writing the scripts so changed
 * their checksums; stores migrated by earlier builds record the old ones, so Flyway does not compare
 * checksums: the scripts ship inside this library and nothing else edits them. A failed migration in the
 * history still stops Flyway.
 */
public final class LedgerSchema {

    /** The newest migration under {@code db/ledger} (a test keeps this in step with the scripts). */
    static final int LEDGER_VERSION = 5;
    /** The newest migration under {@code db/projections} (a test keeps this in step with the scripts). */
    static final int PROJECTIONS_VERSION = 6;

    static final String LEDGER_HISTORY = "ledger_schema_history";
    static final String PROJECTIONS_HISTORY = "projection_schema_history";

    private LedgerSchema() {
    }

    public static void migrate(DataSource dataSource) {
        if (isCurrent(dataSource)) {
            return;
        }
        migrate(dataSource, "classpath:db/ledger", LEDGER_HISTORY);
        migrate(dataSource, "classpath:db/projections", PROJECTIONS_HISTORY);
    }

    /** Whether both schema histories end at this code's newest versions, with no failed migration. */
    static boolean isCurrent(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return current(connection, LEDGER_HISTORY, LEDGER_VERSION)
                    && current(connection, PROJECTIONS_HISTORY, PROJECTIONS_VERSION);
        } catch (SQLException e) {
            // No history table yet, or anything unusual: Flyway decides.
            return false;
        }
    }

    private static boolean current(Connection connection, String history, int version) throws SQLException {
        int newest = -1;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT \"version\", \"success\" FROM \"" + history + "\"")) {
            while (rows.next()) {
                if (!rows.getBoolean(2)) {
                    return false;
                }
                String applied = rows.getString(1);
                if (applied != null) {
                    try {
                        newest = Math.max(newest, Integer.parseInt(applied));
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
        }
        return newest == version;
    }

    private static void migrate(DataSource dataSource, String location, String historyTable) {
        Flyway.configure(LedgerSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location)
                .table(historyTable)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .validateOnMigrate(false)
                .load()
                .migrate();
    }
}
