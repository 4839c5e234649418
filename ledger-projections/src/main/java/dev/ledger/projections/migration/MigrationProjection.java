package dev.ledger.projections.migration;

import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.event.MigrationOverdue;
import dev.ledger.domain.event.MigrationPhaseChanged;
import dev.ledger.domain.event.MigrationStarted;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.Sql;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.queryhandling.QueryHandler;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The migration status of every user with a legacy account, and the global migration phase. */
public class MigrationProjection {

    public static final String NAME = "migration";
    public static final List<String> TABLES = List.of("rm_migration", "rm_migration_phase");

    private final ConnectionProvider connections;
    private final BufferedTable migrations;
    private final BufferedTable phase;

    public MigrationProjection(ReadModelTables tables) {
        this.connections = Objects.requireNonNull(tables, "tables").connections();
        this.migrations = tables.table("rm_migration", List.of("user_name"),
                List.of("legacy_account", "state", "open_copy", "open_elite", "started_at", "completed_at", "overdue_at"));
        this.phase = tables.table("rm_migration_phase", List.of("id"), List.of("phase"));
    }

    @EventHandler
    void on(AccountOpened event) {
        if (event.accountType() == AccountType.LEGACY) {
            migrations.row(event.user())
                    .set("legacy_account", event.account())
                    .set("state", MigrationState.NOT_STARTED)
                    .set("open_copy", 0)
                    .set("open_elite", 0);
        }
    }

    @EventHandler
    void on(PositionOpened event) {
        count(event.account(), event.book(), 1);
    }

    @EventHandler
    void on(PositionReduced event) {
        if (event.closed()) {
            count(event.account(), event.book(), -1);
        }
    }

    @EventHandler
    void on(PositionLiquidated event) {
        count(event.account(), event.book(), -1);
    }

    @EventHandler
    void on(MigrationStarted event, @Timestamp Instant at) {
        migrations.row(event.user()).set("state", MigrationState.WAITING).set("started_at", at.toString());
    }

    @EventHandler
    void on(MigrationOverdue event, @Timestamp Instant at) {
        migrations.row(event.user()).set("overdue_at", at.toString());
    }

    @EventHandler
    void on(MigrationCompleted event, @Timestamp Instant at) {
        migrations.row(event.user()).set("state", MigrationState.COMPLETED).set("completed_at", at.toString());
    }

    @EventHandler
    void on(MigrationPhaseChanged event) {
        phase.row(1).set("phase", event.to());
    }

    @QueryHandler
    public MigrationView handle(FindMigration query) {
        List<MigrationView> found = Sql.query(connections,
                "SELECT user_name, state, open_copy, open_elite, started_at, completed_at, overdue_at"
                        + " FROM rm_migration WHERE user_name = ?",
                s -> s.setString(1, query.user()), MigrationProjection::view);
        return found.isEmpty()
                ? new MigrationView(query.user(), MigrationState.NOT_STARTED, 0, 0, null, null, null)
                : found.get(0);
    }

    @QueryHandler
    public MigrationList handle(FindMigrations query) {
        return new MigrationList(Sql.query(connections,
                "SELECT user_name, state, open_copy, open_elite, started_at, completed_at, overdue_at"
                        + " FROM rm_migration WHERE state = ? ORDER BY user_name",
                s -> {
                    s.setString(1, query.state().name());
                    s.setMaxRows(query.limit());
                }, MigrationProjection::view));
    }

    @QueryHandler
    public MigrationSummary handle(FindMigrationSummary query) {
        Map<MigrationState, Integer> totals = new EnumMap<>(MigrationState.class);
        for (MigrationState state : MigrationState.values()) {
            totals.put(state, 0);
        }
        Sql.query(connections, "SELECT state, COUNT(*) FROM rm_migration GROUP BY state", s -> {
        }, r -> totals.put(MigrationState.valueOf(r.getString(1)), r.getInt(2)));
        List<String> phases = Sql.query(connections, "SELECT phase FROM rm_migration_phase WHERE id = 1", s -> {
        }, r -> r.getString(1));
        MigrationPhase current = phases.isEmpty() ? MigrationPhase.LIVE : MigrationPhase.valueOf(phases.get(0));
        return new MigrationSummary(current, totals);
    }

    private void count(String account, Book book, int change) {
        if (book == Book.PERSONAL || !account.endsWith(":" + AccountType.LEGACY.name())) {
            return;
        }
        String user = account.substring(0, account.lastIndexOf(':'));
        BufferedTable.Row row = migrations.row(user);
        String column = book == Book.COPY ? "open_copy" : "open_elite";
        row.set(column, row.integer(column) + change);
    }

    private static MigrationView view(java.sql.ResultSet r) throws java.sql.SQLException {
        return new MigrationView(r.getString("user_name"), MigrationState.valueOf(r.getString("state")),
                r.getInt("open_copy"), r.getInt("open_elite"), instant(r.getString("started_at")),
                instant(r.getString("completed_at")), instant(r.getString("overdue_at")));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
