package dev.ledger.projections.migration;

/** Where a user's migration stands. */
public enum MigrationState {
    NOT_STARTED,
    WAITING,
    COMPLETED
}
