package dev.ledger.projections.migration;

import dev.ledger.domain.value.MigrationPhase;

import java.util.Map;

/** The global phase and, per state, the number of users with a legacy account in it. */
public record MigrationSummary(MigrationPhase phase, Map<MigrationState, Integer> totals) {
    public MigrationSummary {
        totals = Map.copyOf(totals);
    }
}
