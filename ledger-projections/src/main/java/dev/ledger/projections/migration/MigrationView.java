package dev.ledger.projections.migration;

import java.time.Instant;

/**
 * The migration of one user: its state, the legacy account's open COPY/ELITE positions now, and when it
 * started, completed and became overdue ({@code null} when not yet).
 */
public record MigrationView(String user, MigrationState state, int openCopyPositions, int openElitePositions,
                            Instant startedAt, Instant completedAt, Instant overdueAt) {
}
