package dev.ledger.api.migration;

import dev.ledger.api.Outcome;
import dev.ledger.api.write.GroupCommitWriter;
import dev.ledger.domain.migration.MarkMigrationOverdue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fires due migration reminders: every {@code interval} it reads the reminders due by the ledger's clock
 * and sends one {@link MarkMigrationOverdue} per user through the write path. The command id is derived
 * from the user, so a reminder fired twice (two nodes, a crash between firing and deleting) records at
 * most one {@code MigrationOverdue}.
 */
public final class ReminderPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReminderPoller.class);
    private static final int BATCH = 100;

    private final JdbcMigrationReminders reminders;
    private final GroupCommitWriter writer;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    public ReminderPoller(JdbcMigrationReminders reminders, GroupCommitWriter writer, Clock clock, Duration interval) {
        this.reminders = Objects.requireNonNull(reminders, "reminders");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ledger-migration-reminders");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::fireDueSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fires every reminder due now; returns how many were fired. */
    public int fireDue() {
        int fired = 0;
        List<JdbcMigrationReminders.DueReminder> due;
        do {
            due = reminders.due(clock.instant(), BATCH);
            for (JdbcMigrationReminders.DueReminder reminder : due) {
                Outcome outcome = writer.submit(new MarkMigrationOverdue("migration-overdue:" + reminder.user(),
                        reminder.user(), reminder.dueAt())).join();
                if (outcome instanceof Outcome.Rejected rejected) {
                    throw new IllegalStateException("migration reminder of " + reminder.user() + " refused: " + rejected);
                }
                fired++;
            }
        } while (due.size() == BATCH);
        return fired;
    }

    private void fireDueSafely() {
        try {
            fireDue();
        } catch (RuntimeException e) {
            log.warn("Firing migration reminders failed; will retry", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
