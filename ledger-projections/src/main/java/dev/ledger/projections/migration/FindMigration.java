package dev.ledger.projections.migration;

/** Asks for the migration status of one user. */
public record FindMigration(String user) {
}
