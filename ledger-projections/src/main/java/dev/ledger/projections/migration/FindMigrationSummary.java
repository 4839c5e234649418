package dev.ledger.projections.migration;

/** Asks for the global phase and the number of users per migration state. */
public record FindMigrationSummary() {
}
