package dev.ledger.api.migration;

import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.event.MigrationOverdue;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationView;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.ledger.api.migration.MigrationEndToEndIT.accepted;
import static dev.ledger.api.migration.MigrationEndToEndIT.allAccepted;
import static dev.ledger.api.support.LegacyPopulation.BTC;
import static dev.ledger.api.support.LegacyPopulation.USDT;
import static dev.ledger.api.support.LegacyPopulation.d;
import static dev.ledger.api.support.LegacyPopulation.fill;
import static dev.ledger.api.support.LegacyPopulation.legacy;
import static dev.ledger.domain.value.Book.COPY;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration reminders (the point 4), on H2 and PostgreSQL, with the ledger's clock in the test's
 * hand: a user still WAITING {@code migrationOverdueAfter} (14 days) after the start gets exactly one
 * {@code MigrationOverdue}, whether the due reminder is fired by hand or by the ledger's own poller, and
 * also when the ledger was restarted while the reminder was pending; a user who completes before the due
 * time gets none.
 */
class MigrationReminderIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final Instant T0 = Instant.parse("2026-07-01T09:30:00.123Z");
    private static final Duration OVERDUE_AFTER = Duration.ofDays(14);

    private static Ledger.Builder builder(StoreSettings settings, MutableClock clock, Duration reminderInterval) {
        return Ledger.builder().store(settings).clock(clock).migrationOverdueAfter(OVERDUE_AFTER)
                .reminderInterval(reminderInterval);
    }

    /** Legacy users with one COPY position each (they wait) and {@code kit} with none (completes at once). */
    private static List<LedgerCommand> setup(String... waiting) {
        List<LedgerCommand> commands = new ArrayList<>();
        commands.add(new ConfigureSymbol("btc", BTC, USDT, d("0.005"), 125));
        commands.add(new OpenAccount("open-kit", legacy("kit")));
        for (String user : waiting) {
            commands.add(new OpenAccount("open-" + user, legacy(user)));
            commands.add(new Deposit("deposit-" + user, legacy(user), USDT, d("10000")));
            commands.add(fill("copy-" + user, legacy(user), BTC, SELL, "0.1", "30000", "0", 10, ISOLATED, COPY, "eve"));
        }
        return commands;
    }

    private static LedgerCommand close(String user) {
        return fill("close-" + user, legacy(user), BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, COPY, "eve");
    }

    @OnEveryStore
    void remindsAUserStillWaitingAfterTheConfiguredTimeExactlyOnce(StoreKind store) throws SQLException {
        MutableClock clock = new MutableClock(T0);
        // The poller's own interval is long here: every reminder in this test is fired by hand and counted.
        Ledger ledger = ledgers.open(builder(Stores.fresh(store), clock, Duration.ofHours(1)));
        allAccepted(ledger.executeAll(setup("wes", "liz")));
        allAccepted(ledger.executeAll(List.of(new StartMigration("start-wes", "wes"),
                new StartMigration("start-liz", "liz"), new StartMigration("start-kit", "kit"))));
        assertThat(ledger.migration("kit").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(reminders(ledger)).as("pending reminders").containsExactly("liz " + due(T0), "wes " + due(T0));

        // liz completes after a week: her reminder goes with the migration.
        clock.advance(Duration.ofDays(7));
        assertThat(ledger.execute(close("liz"))).isEqualTo(accepted("close-liz"));
        assertThat(ledger.migration("liz").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(reminders(ledger)).containsExactly("wes " + due(T0));

        clock.advance(Duration.ofDays(6));
        assertThat(ledger.fireDueMigrationReminders()).as("fired after 13 days").isZero();
        clock.advance(Duration.ofDays(1).minusMillis(1));
        assertThat(ledger.fireDueMigrationReminders()).as("fired 1 ms before the due time").isZero();
        assertThat(overdueEvents(ledger)).isEmpty();
        assertThat(ledger.migration("wes").overdueAt()).isNull();

        clock.advance(Duration.ofMillis(1));
        Instant dueAt = clock.instant();
        assertThat(dueAt).isEqualTo(T0.plus(OVERDUE_AFTER));
        assertThat(ledger.fireDueMigrationReminders()).as("fired at the due time").isEqualTo(1);
        assertThat(overdueEvents(ledger)).containsExactly(new MigrationOverdue(legacy("wes"), "wes", T0, 1, 0));
        assertThat(ledger.migration("wes")).isEqualTo(
                new MigrationView("wes", MigrationState.WAITING, 1, 0, T0, null, dueAt));
        assertThat(reminders(ledger)).isEmpty();

        assertThat(ledger.fireDueMigrationReminders()).as("fired again").isZero();
        clock.advance(Duration.ofDays(30));
        assertThat(ledger.fireDueMigrationReminders()).as("fired a month later").isZero();
        assertThat(overdueEvents(ledger)).hasSize(1);

        // An overdue user still completes when the last position closes; the overdue time stays on record.
        assertThat(ledger.execute(close("wes"))).isEqualTo(accepted("close-wes"));
        assertThat(ledger.migration("wes")).isEqualTo(
                new MigrationView("wes", MigrationState.COMPLETED, 0, 0, T0, clock.instant(), dueAt));
        assertThat(overdueEvents(ledger)).extracting(MigrationOverdue::user).containsExactly("wes");
        MigrationEndToEndIT.assertRebuiltEqualsLive(ledger, List.of("wes", "liz", "kit"));
    }

    @OnEveryStore
    void firesDueRemindersByItselfEveryReminderInterval(StoreKind store) throws Exception {
        MutableClock clock = new MutableClock(T0);
        Ledger ledger = ledgers.open(builder(Stores.fresh(store), clock, Duration.ofMillis(50)));
        allAccepted(ledger.executeAll(setup("wes")));
        assertThat(ledger.execute(new StartMigration("start-wes", "wes"))).isEqualTo(accepted("start-wes"));

        clock.advance(OVERDUE_AFTER.minusSeconds(1));
        Thread.sleep(300);
        assertThat(overdueEvents(ledger)).as("before the due time").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (overdueEvents(ledger).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300); // several more intervals: nothing fires a second time
        assertThat(overdueEvents(ledger)).containsExactly(new MigrationOverdue(legacy("wes"), "wes", T0, 1, 0));
        assertThat(ledger.migration("wes").overdueAt()).isEqualTo(T0.plus(OVERDUE_AFTER));
        assertThat(ledger.fireDueMigrationReminders()).isZero();
    }

    @OnEveryStore
    void keepsAPendingReminderAcrossARestart(StoreKind store, @TempDir Path directory) throws SQLException {
        StoreSettings settings = Stores.durable(store, directory);
        MutableClock clock = new MutableClock(T0);
        // Snapshots after two events: the restarted ledger loads the legacy account from a snapshot, which must
        // keep when the migration started.
        Ledger first = ledgers.open(builder(settings, clock, Duration.ofHours(1)).snapshotThreshold(2));
        allAccepted(first.executeAll(setup("wes")));
        assertThat(first.execute(new StartMigration("start-wes", "wes"))).isEqualTo(accepted("start-wes"));
        clock.advance(Duration.ofDays(10));
        assertThat(first.execute(new Deposit("later-deposit", legacy("wes"), USDT, d("1"))))
                .isEqualTo(accepted("later-deposit"));
        assertThat(first.fireDueMigrationReminders()).isZero();
        ledgers.close(first);

        Ledger second = ledgers.open(builder(settings, clock, Duration.ofHours(1)).snapshotThreshold(2));
        assertThat(reminders(second)).containsExactly("wes " + due(T0));
        clock.advance(Duration.ofDays(3));
        assertThat(second.fireDueMigrationReminders()).as("fired after 13 days").isZero();
        clock.advance(Duration.ofDays(1));
        assertThat(second.fireDueMigrationReminders()).as("fired after 14 days").isEqualTo(1);
        assertThat(second.fireDueMigrationReminders()).isZero();
        assertThat(overdueEvents(second)).containsExactly(new MigrationOverdue(legacy("wes"), "wes", T0, 1, 0));
        assertThat(second.migration("wes").overdueAt()).isEqualTo(T0.plus(OVERDUE_AFTER));
        assertThat(snapshots(second)).as("account snapshots taken").isPositive();
    }

    /**
     * The event store keeps timestamps to the millisecond, and the system clock has finer ones. What an
     * aggregate decides from an event's time must not depend on whether it still holds the event as it was
     * applied or rebuilt it from the store: MigrationOverdue names the start time that the stored
     * MigrationStarted (and so every replay and read model) shows.
     */
    @OnEveryStore
    void namesTheStartTimeAsStoredWhenTheClockIsFinerThanAMillisecond(StoreKind store) {
        Instant startedAt = Instant.parse("2026-07-01T09:30:00.123456789Z");
        MutableClock clock = new MutableClock(startedAt);
        Ledger ledger = ledgers.open(builder(Stores.fresh(store), clock, Duration.ofHours(1)));
        allAccepted(ledger.executeAll(setup("wes")));
        assertThat(ledger.execute(new StartMigration("start-wes", "wes"))).isEqualTo(accepted("start-wes"));
        Instant stored = ledger.migration("wes").startedAt();
        assertThat(stored).isEqualTo(Instant.parse("2026-07-01T09:30:00.123Z"));

        clock.advance(OVERDUE_AFTER);
        assertThat(ledger.fireDueMigrationReminders()).isEqualTo(1);

        assertThat(overdueEvents(ledger)).containsExactly(new MigrationOverdue(legacy("wes"), "wes", stored, 1, 0));
    }

    // ------------------------------------------------------------------------------------------------------

    private static String due(Instant startedAt) {
        return startedAt.plus(OVERDUE_AFTER).toString();
    }

    private static List<MigrationOverdue> overdueEvents(Ledger ledger) {
        return RawEvents.accountEvents(ledger.store().dataSource()).stream()
                .filter(r -> r.event() instanceof MigrationOverdue)
                .map(r -> (MigrationOverdue) r.event())
                .toList();
    }

    /** The pending reminders as "USER DUE", by user. */
    private static List<String> reminders(Ledger ledger) throws SQLException {
        List<String> reminders = new ArrayList<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT user_name, due_at FROM ledger_migration_reminder ORDER BY user_name");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                reminders.add(rows.getString(1) + " " + Instant.ofEpochMilli(rows.getLong(2)));
            }
        }
        return reminders;
    }

    private static int snapshots(Ledger ledger) throws SQLException {
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT COUNT(*) FROM snapshotevententry WHERE aggregateidentifier = ?")) {
            query.setString(1, legacy("wes"));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
