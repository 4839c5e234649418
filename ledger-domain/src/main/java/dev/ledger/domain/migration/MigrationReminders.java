package dev.ledger.domain.migration;

import java.time.Instant;

/**
 * A persistent schedule of migration reminders, written in the transaction of the command that causes
 * it. The store behind it fires a due reminder as a {@link MarkMigrationOverdue} command.
 */
public interface MigrationReminders {

    /** Schedules (or re-schedules) the reminder of {@code user} for {@code dueAt}. */
    void schedule(String user, Instant dueAt);

    /** Cancels the reminder of {@code user}, if any. */
    void cancel(String user);
}
