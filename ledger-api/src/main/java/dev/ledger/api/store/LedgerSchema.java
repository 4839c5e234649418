package dev.ledger.api.store;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/**
 * Creates or migrates the ledger's tables with Flyway, on first use and on every start. The core
 * tables (events, tokens, sagas, command log) and the read-model tables keep separate histories, so
 * that read models can change shape without touching the event store.
 */
public final class LedgerSchema {

    private LedgerSchema() {
    }

    public static void migrate(DataSource dataSource) {
        migrate(dataSource, "classpath:db/ledger", "ledger_schema_history");
        migrate(dataSource, "classpath:db/projections", "projection_schema_history");
    }

    private static void migrate(DataSource dataSource, String location, String historyTable) {
        Flyway.configure(LedgerSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location)
                .table(historyTable)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
