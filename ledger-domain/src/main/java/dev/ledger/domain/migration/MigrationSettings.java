package dev.ledger.domain.migration;

import java.time.Duration;
import java.util.Objects;

/** How long a migration may wait for copy and elite positions to close before it is overdue (default 14 days). */
public record MigrationSettings(Duration overdueAfter) {

    public static final Duration DEFAULT_OVERDUE_AFTER = Duration.ofDays(14);

    public MigrationSettings {
        Objects.requireNonNull(overdueAfter, "overdueAfter");
        if (overdueAfter.isNegative() || overdueAfter.isZero()) {
            throw new IllegalArgumentException("overdueAfter must be positive: " + overdueAfter);
        }
    }
}
