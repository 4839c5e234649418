package dev.ledger.projections.migration;

/** Asks for up to {@code limit} users in {@code state}, in a stable order (by user name). */
public record FindMigrations(MigrationState state, int limit) {
    public FindMigrations {
        if (limit < 1 || limit > 1_000_000) {
            throw new IllegalArgumentException("limit must be in 1..1000000: " + limit);
        }
    }
}
