package dev.ledger.api.rebuild;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.LedgerViews;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RandomTrading;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.migration.MigrationState;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rebuilt read models equal live ones (accounting.md's numbers, HOUSE_STYLE: "rebuilt read models compared
 * with live ones"), on H2 and PostgreSQL, after a seeded random history of trading, transfers and legacy
 * users' migrations (one completed, one waiting, one not started, a phase change):
 * <ul>
 *     <li>a verify-only rebuild of every projection finds no difference, and rebuilding (switching) every
 *     projection changes no answer of any view;</li>
 *     <li>with every live read-model row deleted (DELETE; Flyway owns the tables), a rebuild brings every
 *     answer back;</li>
 *     <li>a rebuild interrupted in its replay, or in its switch, leaves the live model as it was, and a
 *     rerun completes it to the same answers;</li>
 *     <li>rebuilds while a second ledger on the same store keeps appending end equal to live.</li>
 * </ul>
 * Views are compared with {@code equals} on the view records ({@link LedgerViews}).
 */
class RebuildIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final BigDecimal SIZE = new BigDecimal("20000");
    private static final List<String> TRADERS = List.of("ann", "ben", "cat");
    private static final List<String> TYPES = List.of("FUTURES", "COPY", "ELITE");
    private static final ProjectionRebuilder.Progress NONE = ProjectionRebuilder.Progress.NONE;

    @OnEveryStore
    void verifiesAndRebuildsEveryReadModelToTheSameAnswersAlsoFromEmptiedTables(StoreKind store) {
        Ledger ledger = ledgers.open(store);
        History history = new History(ledger, 1L);
        history.trade(ledger, 400);
        LedgerViews live = history.views(ledger);
        assertThat(live.migrations().get("lea").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(live.migrations().get("leo").state()).isEqualTo(MigrationState.WAITING);
        assertThat(live.migrations().get("lia").state()).isEqualTo(MigrationState.NOT_STARTED);
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());

        long head = ledger.store().headIndex();
        for (String name : ProjectionCatalog.names()) {
            ProjectionRebuilder.Result result = rebuilder.rebuild(name, true, NONE);
            assertThat(result.differences()).as("verify %s", name).isEmpty();
            assertThat(result.switched()).as("verify %s", name).isFalse();
            // The position of the live processor's stored token (Axon does not store it for every event
            // a projection has no handler for), at which live and rebuilt are compared.
            assertThat(result.position()).as("verify %s", name).isBetween(0L, head);
        }
        Map<String, List<String>> liveRows = rows(ledger.store().dataSource());
        rebuildAll(rebuilder);
        assertThat(history.views(ledger)).isEqualTo(live);
        assertThat(rows(ledger.store().dataSource())).isEqualTo(liveRows);

        // "Drop the read-model tables, replay, compare": every live row deleted, then rebuilt.
        deleteLiveRows(ledger.store().dataSource());
        assertThat(ledger.balance("ann:FUTURES")).isEmpty();
        assertThat(ledger.accounts("lea").accounts()).isEmpty();
        rebuildAll(rebuilder);
        assertThat(history.views(ledger)).isEqualTo(live);
        assertThat(rows(ledger.store().dataSource())).isEqualTo(liveRows);

        // The live processors go on from their tokens on the rebuilt rows.
        history.trade(ledger, 60);
        LedgerViews later = history.views(ledger);
        assertThat(later).isNotEqualTo(live);
        verifyAll(rebuilder);
    }

    /** Interrupted by its progress callback after the first batch of its replay; rerun, it completes. */
    @OnEveryStore
    void leavesTheLiveModelUntouchedWhenInterruptedInItsReplayAndARerunCompletesIt(StoreKind store) {
        Ledger ledger = ledgers.open(store);
        History history = new History(ledger, 2L);
        history.trade(ledger, 2_000);
        long events = RawEvents.count(ledger.store().dataSource());
        assertThat(events).as("events: more than one replay batch").isGreaterThan(2_000);
        LedgerViews live = history.views(ledger);
        Map<String, List<String>> liveRows = rows(ledger.store().dataSource());
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store(), 2_000);

        for (String name : ProjectionCatalog.names()) {
            AtomicReference<Long> interruptedAt = new AtomicReference<>();
            assertThatThrownBy(() -> rebuilder.rebuild(name, false, (projection, done, total, rate) -> {
                interruptedAt.set(done);
                throw new Interruption(projection + " interrupted after " + done + " of " + total + " events");
            })).as("rebuild of %s", name).isInstanceOf(Interruption.class);
            assertThat(interruptedAt.get()).as("interrupted in the middle of %s", name).isLessThan(events);
            assertThat(rows(ledger.store().dataSource())).as("live rows after interrupting %s", name).isEqualTo(liveRows);
            assertThat(history.views(ledger)).as("views after interrupting %s", name).isEqualTo(live);
            // This history has no copy trading, and its first batch may close every position it opened.
            if (!Set.of("positions", "leaders", "follows", "copies").contains(name)) {
                assertThat(shadowRows(ledger.store().dataSource(), name)).as("%s's shadow holds the first batch", name)
                        .isPositive();
            }
        }
        for (String name : ProjectionCatalog.names()) {
            ProjectionRebuilder.Result rerun = rebuilder.rebuild(name, false, NONE);
            assertThat(rerun.switched()).as("rerun of %s", name).isTrue();
            assertThat(rerun.differences()).as("rerun of %s", name).isEmpty();
            // From the start again, not from where the interrupted shadow stopped (2000 events in).
            assertThat(rerun.events()).as("rerun of %s replays from the start", name).isGreaterThan(2_000);
        }
        assertThat(history.views(ledger)).isEqualTo(live);
        assertThat(rows(ledger.store().dataSource())).isEqualTo(liveRows);
        verifyAll(rebuilder);
    }

    /**
     * Interrupted in the switch: commands arrive while the rebuild replays, so the switch must first replay
     * them (in its own transaction) up to the live processor's token; that catch-up replay is interrupted
     * once. Whatever the rebuild then does (switch on a retry, or give up), the live rows must end equal to
     * the rows the live processors had made of those commands, and a verify must find no difference.
     * (Rows rather than views per projection, to keep the test short; every view is computed from them.)
     */
    @OnEveryStore
    void endsEqualToLiveWhenInterruptedInTheCatchUpReplayOfItsSwitch(StoreKind store) {
        Ledger ledger = ledgers.open(store);
        History history = new History(ledger, 3L);
        history.trade(ledger, 300);
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());
        DataSource dataSource = ledger.store().dataSource();

        LedgerViews expectedViews = null;
        for (String name : ProjectionCatalog.names()) {
            long head = ledger.store().headIndex();
            AtomicBoolean appended = new AtomicBoolean();
            AtomicBoolean interrupted = new AtomicBoolean();
            AtomicReference<Map<String, List<String>>> expected = new AtomicReference<>();
            ProjectionRebuilder.Progress progress = (projection, done, total, rate) -> {
                long position = done - 1;
                if (position == head && appended.compareAndSet(false, true)) {
                    // The replay has read every event there was: commands arrive now, before the switch.
                    history.arrive(ledger, 40);
                    ledger.awaitReadModels();
                    expected.set(rows(dataSource));
                } else if (position > head && interrupted.compareAndSet(false, true)) {
                    throw new Interruption(projection + " interrupted in the switch at event " + position);
                }
            };
            try {
                rebuilder.rebuild(name, false, progress);
            } catch (RuntimeException giveUp) {
                // Giving up is allowed, leaving the live model untouched; the checks below are the same.
            }
            assertThat(appended).as("commands arrived during the rebuild of %s", name).isTrue();
            assertThat(interrupted).as("the switch of %s was interrupted", name).isTrue();
            ledger.awaitReadModels();
            assertThat(rows(dataSource)).as("live rows after the interrupted switch of %s", name).isEqualTo(expected.get());
            assertThat(rebuilder.rebuild(name, true, NONE).differences()).as("verify %s", name).isEmpty();
            expectedViews = history.views(ledger);
        }
        rebuildAll(rebuilder);
        assertThat(history.views(ledger)).isEqualTo(expectedViews);
    }

    /**
     * A second ledger (another process) on the same store keeps appending while every read model is rebuilt
     * three times by the first; after the writer stops and the read models catch up, a verify finds no difference
     * and one more rebuild changes no answer.
     */
    @OnEveryStore
    void endsEqualToLiveWhenRebuiltWhileAnotherLedgerAppends(StoreKind store) throws Exception {
        StoreSettings settings = Stores.fresh(store);
        Ledger ledger = ledgers.open(Ledger.builder().store(settings));
        History history = new History(ledger, 4L);
        history.trade(ledger, 300);
        Ledger writer = ledgers.open(Ledger.builder().store(settings).startReadModels(false));
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        long headBefore = ledger.store().headIndex();
        CompletableFuture<Void> appending = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                sent.addAndGet(history.trade(writer, 5));
            }
        });
        try {
            for (int round = 0; round < 3; round++) {
                for (String name : ProjectionCatalog.names()) {
                    assertThat(rebuilder.rebuild(name, false, NONE).switched()).as("rebuild of %s", name).isTrue();
                }
            }
        } finally {
            stop.set(true);
            appending.get(60, TimeUnit.SECONDS);
        }
        assertThat(ledger.store().headIndex()).as("events appended during the rebuilds").isGreaterThan(headBefore);
        System.out.printf("RebuildIT: %s: %d commands appended by the second ledger during three rebuilds of everything%n",
                store, sent.get());

        ledger.awaitReadModels();
        verifyAll(rebuilder);
        LedgerViews live = history.views(ledger);
        rebuildAll(rebuilder);
        assertThat(history.views(ledger)).isEqualTo(live);
    }

    // ---------------------------------------------------------------------------------------------

    private static final class Interruption extends RuntimeException {
        Interruption(String message) {
            super(message);
        }
    }

    private static void rebuildAll(ProjectionRebuilder rebuilder) {
        for (String name : ProjectionCatalog.names()) {
            assertThat(rebuilder.rebuild(name, false, NONE).switched()).as("rebuild of %s", name).isTrue();
        }
    }

    private static void verifyAll(ProjectionRebuilder rebuilder) {
        for (String name : ProjectionCatalog.names()) {
            assertThat(rebuilder.rebuild(name, true, NONE).differences()).as("verify %s", name).isEmpty();
        }
    }

    /** Every live read-model table's rows, as sorted text, by table. */
    private static Map<String, List<String>> rows(DataSource dataSource) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (ProjectionCatalog.Projection projection : ProjectionCatalog.ALL) {
            for (String table : projection.tables()) {
                rows.put(table, dump(dataSource, table));
            }
        }
        return rows;
    }

    private static long shadowRows(DataSource dataSource, String projection) {
        return ProjectionCatalog.named(projection).orElseThrow().tables().stream()
                .mapToLong(table -> dump(dataSource, table + "_rebuild").size()).sum();
    }

    private static List<String> dump(DataSource dataSource, String table) {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData columns = result.getMetaData();
            List<String> rows = new ArrayList<>();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    row.append(columns.getColumnName(i).toLowerCase()).append('=').append(result.getObject(i)).append(' ');
                }
                rows.add(row.toString());
            }
            rows.sort(null);
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table, e);
        }
    }

    /** Deletes every row of every live read-model table (the tables stay: Flyway owns them). */
    private static void deleteLiveRows(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (ProjectionCatalog.Projection projection : ProjectionCatalog.ALL) {
                for (String table : projection.tables()) {
                    statement.executeUpdate("DELETE FROM " + table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the read-model rows", e);
        }
    }

    /**
     * The seeded history: three traders with FUTURES, COPY and ELITE; three legacy users (lea's migration
     * completes and her new accounts trade on; leo's waits for a COPY position; lia's has not started);
     * the phase moved to NO_NEW_ELITE_ORDERS; then random trading, money and transfers in command groups.
     */
    private static final class History {
        private final Random random;
        private final RandomTrading trading;
        private final List<String> users = new ArrayList<>(List.of("ann", "ben", "cat", "lea", "leo", "lia", "nobody"));
        private final List<String> accounts = new ArrayList<>();
        private final List<String> traders = new ArrayList<>(TRADERS);

        History(Ledger ledger, long seed) {
            this.random = new Random(seed);
            this.trading = new RandomTrading(random, "h" + seed);
            List<LedgerCommand> setup = new ArrayList<>(trading.listings());
            for (String user : TRADERS) {
                for (String type : TYPES) {
                    accounts.add(user + ":" + type);
                    setup.add(new OpenAccount(trading.nextId(), user + ":" + type));
                }
                setup.add(new Deposit(trading.nextId(), user + ":FUTURES", "USDT", SIZE.multiply(BigDecimal.valueOf(3))));
                setup.add(new Transfer(trading.nextId(), user + ":FUTURES", user + ":COPY", "USDT", SIZE));
                setup.add(new Transfer(trading.nextId(), user + ":FUTURES", user + ":ELITE", "USDT", SIZE));
            }
            for (String user : List.of("lea", "leo", "lia")) {
                accounts.add(user + ":LEGACY");
                setup.add(new OpenAccount(trading.nextId(), user + ":LEGACY"));
                setup.add(new Deposit(trading.nextId(), user + ":LEGACY", "USDT", SIZE));
            }
            setup.add(legacyFill("lea", "BTCUSDT", Side.BUY, "0.5", "30000", MarginMode.ISOLATED, Book.PERSONAL, null));
            setup.add(legacyFill("lea", "ETHUSDT", Side.BUY, "2", "2000", MarginMode.CROSS, Book.COPY, "ann"));
            setup.add(legacyFill("lea", "BTCUSDT", Side.SELL, "0.2", "30000", MarginMode.CROSS, Book.ELITE, null));
            setup.add(legacyFill("leo", "BTCUSDT", Side.BUY, "0.1", "30000", MarginMode.ISOLATED, Book.COPY, "ben"));
            setup.add(new SetMigrationPhase(trading.nextId(), MigrationPhase.NO_NEW_ELITE_ORDERS));
            setup.add(new StartMigration(trading.nextId(), "lea"));
            setup.add(new StartMigration(trading.nextId(), "leo"));
            setup.add(legacyFill("lea", "ETHUSDT", Side.SELL, "2", "2100", MarginMode.CROSS, Book.COPY, "ann"));
            setup.add(new Liquidate(trading.nextId(), "lea:LEGACY", "BTCUSDT", new BigDecimal("31000"), Book.ELITE));
            List<Outcome> outcomes = ledger.executeAll(setup);
            for (int i = 0; i < setup.size(); i++) {
                assertThat(outcomes.get(i)).as("%s", setup.get(i)).isEqualTo(new Outcome.Accepted(setup.get(i).id()));
            }
            // lea's migration completed: her new accounts trade on.
            for (String type : TYPES) {
                accounts.add("lea:" + type);
            }
            traders.add("lea");
        }

        private RecordFill legacyFill(String user, String symbol, Side side, String quantity, String price,
                                      MarginMode mode, Book book, String leader) {
            return new RecordFill(trading.nextId(), user + ":LEGACY", symbol, side, new BigDecimal(quantity),
                    new BigDecimal(price), BigDecimal.ZERO, 5, mode, book, leader);
        }

        /** Sends {@code steps} random commands through {@code ledger} in groups; returns how many. */
        int trade(Ledger ledger, int steps) {
            int step = 0;
            while (step < steps) {
                List<LedgerCommand> group = new ArrayList<>();
                for (int size = 1 + random.nextInt(8); size > 0 && step < steps; size--, step++) {
                    group.add(next());
                }
                List<Outcome> outcomes = ledger.executeAll(group);
                for (int i = 0; i < group.size(); i++) {
                    trading.record(group.get(i), outcomes.get(i));
                }
            }
            return steps;
        }

        private LedgerCommand next() {
            int kind = random.nextInt(100);
            String user = traders.get(random.nextInt(traders.size()));
            if (kind < 12) {
                return trading.market();
            }
            if (kind < 18) {
                return trading.money(user + ":FUTURES", SIZE);
            }
            if (kind < 28) {
                return trading.transfer(user, SIZE);
            }
            return trading.trade(user + ":" + TYPES.get(random.nextInt(TYPES.size())), SIZE);
        }

        /**
         * A new trader's account opening and a mark tick first (so that every projection has an event to
         * handle, and its processor's stored token moves), then {@code steps} random commands.
         */
        void arrive(Ledger ledger, int steps) {
            String account = "new" + accounts.size() + ":FUTURES";
            List<LedgerCommand> first = List.of(new OpenAccount(trading.nextId(), account), trading.market());
            assertThat(ledger.executeAll(first)).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));
            accounts.add(account);
            trade(ledger, steps);
        }

        LedgerViews views(Ledger ledger) {
            return LedgerViews.capture(ledger, accounts, users);
        }
    }
}
