package dev.ledger.api.migration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.LegacyPopulation;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.account.MigrationFaults;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationView;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.ledger.api.migration.MigrationEndToEndIT.accepted;
import static dev.ledger.api.migration.MigrationEndToEndIT.allAccepted;
import static dev.ledger.api.migration.MigrationEndToEndIT.refused;
import static dev.ledger.api.migration.MigrationEndToEndIT.summary;
import static dev.ledger.api.support.LegacyPopulation.BTC;
import static dev.ledger.api.support.LegacyPopulation.ETH;
import static dev.ledger.api.support.LegacyPopulation.USDT;
import static dev.ledger.api.support.LegacyPopulation.d;
import static dev.ledger.api.support.LegacyPopulation.fill;
import static dev.ledger.api.support.LegacyPopulation.legacy;
import static dev.ledger.api.support.LegacyPopulation.moneyOf;
import static dev.ledger.domain.value.Book.COPY;
import static dev.ledger.domain.value.Book.ELITE;
import static dev.ledger.domain.value.Book.PERSONAL;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A migration interrupted by a crash completes after restart without moving anything twice
 * (accounting.md, "Migration"), on a durable H2 file and on PostgreSQL:
 * <ul>
 *     <li>the ledger is stopped in the middle of a wave, while starts and closing fills are being submitted
 *     from another thread - closed, or harder: its connection pool shut down under it, aborting the
 *     connections in use wherever the writer was - and the store then holds whole migrations only; after
 *     reopening, the wave is run again and the closes are sent again with the same ids: every migration
 *     completes, and every start, completion, fund move and position move is stored exactly once;</li>
 *     <li>a completion that fails between moving the funds and moving the positions (a failure injected
 *     there) rolls back the whole command that triggered it: not acknowledged, nothing stored, no command
 *     record, the saga and the reminder as before; after a restart the same command completes the
 *     migration exactly once.</li>
 * </ul>
 */
class MigrationCrashIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    /** Generated legacy users besides the base population: a third wait for COPY, a third for ELITE. */
    private static final int GENERATED = 120;
    private static final int ACKNOWLEDGED_BEFORE_CLOSE = 60;
    private static final int IN_FLIGHT = 8;
    private static final long OUTCOME_BOUND_SECONDS = 60;

    // ------------------------------------------------------------------------------------------------------

    @OnEveryStore
    void completesEveryMigrationExactlyOnceWhenTheLedgerIsClosedInTheMiddleOfAWave(StoreKind store,
            @TempDir Path directory) throws Exception {
        stopInTheMiddleOfAWaveThenFinishIt(store, Stores.durable(store, directory), false);
    }

    /**
     * A harder stop than closing: the connection pool under the ledger is shut down in the middle of the wave,
     * which aborts the connections in use (the database rolls back whatever transaction was open on them,
     * wherever the writer was in it), and the ledger never finishes its queue. Right after, the store holds
     * only whole migrations: every user has either all of its moves and its completion, or none.
     */
    @OnEveryStore
    void completesEveryMigrationExactlyOnceWhenTheDatabaseConnectionsAreCutInTheMiddleOfAWave(StoreKind store,
            @TempDir Path directory) throws Exception {
        stopInTheMiddleOfAWaveThenFinishIt(store, Stores.durable(store, directory), true);
    }

    private void stopInTheMiddleOfAWaveThenFinishIt(StoreKind store, StoreSettings settings, boolean cut)
            throws Exception {
        List<String> users = new ArrayList<>(LegacyPopulation.USERS);
        for (int i = 0; i < GENERATED; i++) {
            users.add(generated(i));
        }
        Map<String, List<LedgerCommand>> closes = new LinkedHashMap<>(LegacyPopulation.closes());
        for (int i = 0; i < GENERATED; i++) {
            if (i % 3 != 2) {
                closes.put(generated(i), List.of(generatedClose(i)));
            }
        }
        List<LedgerCommand> stream = wave(users, closes);
        Map<String, Integer> expectedBookings = expectedBookings();

        // --- first life: set up, then stop the ledger while the wave is being sent ----------------------------
        // Snapshots every few events: the second life loads most legacy accounts from a snapshot.
        HikariDataSource pool = cut ? pool(settings) : null;
        Ledger first = cut
                // No read models in this life: a node that dies keeps its read-model claims for a while.
                ? ledgers.open(Ledger.builder().dataSource(pool).startReadModels(false).snapshotThreshold(3))
                : ledgers.open(Ledger.builder().store(settings).snapshotThreshold(3));
        allAccepted(first.executeAll(LegacyPopulation.setup()));
        allAccepted(first.executeAll(generatedSetup()));

        Sender sender = new Sender(first, stream);
        Thread sending = new Thread(sender::run, "migration-crash-sender");
        sending.start();
        assertThat(sender.enoughAcknowledged.await(OUTCOME_BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        if (cut) {
            pool.close();
        }
        ledgers.close(first);
        sending.join(TimeUnit.SECONDS.toMillis(OUTCOME_BOUND_SECONDS));
        assertThat(sending.isAlive()).as("the sender is stuck on a command the stopped ledger never answered").isFalse();
        assertThat(sender.lost).as("commands never answered").isEmpty();
        assertThat(sender.notAccepted).as("first outcomes other than accepted").isEmpty();
        assertThat(sender.refusedAsShutDown.get()).as("commands not acknowledged because the ledger stopped").isPositive();
        System.out.printf("MigrationCrashIT on %s (%s): %d of %d commands acknowledged before the stop%n", store,
                cut ? "connections cut" : "closed", sender.acknowledged.size(), stream.size());

        // --- what the stop left: whole migrations only ---------------------------------------------------------
        List<RawEvents.Row> left;
        try (HikariDataSource reader = pool(settings)) {
            left = RawEvents.accountEvents(reader);
        }
        Map<String, Integer> leftBookings = LegacyPopulation.migrationBookings(left);
        int completedBeforeTheStop = 0;
        for (String user : users) {
            Map<String, Integer> moves = movesOf(leftBookings, user);
            if (leftBookings.containsKey("completed " + user)) {
                completedBeforeTheStop++;
                assertThat(moves).as("moves of %s, completed before the stop", user).isEqualTo(movesOf(expectedBookings, user));
            } else {
                assertThat(moves).as("moves of %s, not completed before the stop", user).isEmpty();
            }
        }
        assertThat(completedBeforeTheStop).as("migrations completed before the stop").isPositive();
        for (Map.Entry<String, Outcome> acknowledged : sender.acknowledged.entrySet()) {
            String id = acknowledged.getKey();
            if (id.startsWith("migrate-start:") && !WAITS.test(id.substring("migrate-start:".length()))) {
                assertThat(leftBookings).as("acknowledged %s", id)
                        .containsKey("completed " + id.substring("migrate-start:".length()));
            }
        }

        // --- second life: run the wave again, send the closes again -----------------------------------------------
        Ledger second = ledgers.open(Ledger.builder().store(settings).snapshotThreshold(3));
        MigrationStateCounts counts = MigrationStateCounts.of(second);
        assertThat(counts.notStarted()).as("users the first life never started").isPositive();
        List<Outcome> rerun = second.startMigrationWave(1_000);
        assertThat(rerun).hasSize(counts.notStarted())
                .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));
        List<LedgerCommand> allCloses = closes.values().stream().flatMap(List::stream).toList();
        List<Outcome> resent = second.executeAll(allCloses);
        for (int i = 0; i < allCloses.size(); i++) {
            Outcome outcome = resent.get(i);
            String id = allCloses.get(i).id();
            assertThat(outcome.decisive()).as("resent %s", id).isEqualTo(accepted(id));
            if (sender.acknowledged.containsKey(id)) {
                assertThat(outcome).as("resent acknowledged %s", id).isEqualTo(new Outcome.Duplicate(id, accepted(id)));
            }
        }
        assertThat(second.migrationSummary()).isEqualTo(summary(MigrationPhase.LIVE, 0, 0, users.size()));

        // Everything once more: every command has its record now, nothing applies again.
        long stored = RawEvents.count(second.store().dataSource());
        List<Outcome> third = second.executeAll(stream);
        assertThat(third).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Duplicate.class));
        assertThat(second.startMigrationWave(1_000)).isEmpty();
        assertThat(RawEvents.count(second.store().dataSource())).isEqualTo(stored);

        // --- exactly once, exact money -------------------------------------------------------------------------
        List<RawEvents.Row> raw = RawEvents.accountEvents(second.store().dataSource());
        assertThat(LegacyPopulation.differences(LegacyPopulation.migrationBookings(raw), expectedBookings))
                .as("migration bookings that are not exactly once").isEmpty();
        Recomputed folded = Recomputed.fold(raw);
        assertThat(Recomputed.readModel(second, folded.accounts())).isEqualTo(folded.balances());
        Map<String, Map<String, BigDecimal>> expectedMoney = movedIn(expectedBookings);
        for (String user : users) {
            // All of a user's money is in FUTURES now: exactly what the migration moved in.
            assertThat(moneyOf(second, user)).as("money of %s", user)
                    .isEqualTo(expectedMoney.getOrDefault(user, Map.of()));
            boolean elite = LegacyPopulation.EVER_ELITE.contains(user)
                    || user.startsWith("w") && Integer.parseInt(user.substring(1)) % 3 == 1;
            List<AccountStatus> expectedAccounts = new ArrayList<>(List.of(new AccountStatus(user + ":FUTURES", "OPEN"),
                    new AccountStatus(user + ":COPY", "OPEN")));
            if (elite) {
                expectedAccounts.add(new AccountStatus(user + ":ELITE", "OPEN"));
            }
            expectedAccounts.add(new AccountStatus(legacy(user), "RETIRED"));
            assertThat(second.accounts(user).accounts()).as(user).containsExactlyElementsOf(expectedAccounts);
        }
        MigrationEndToEndIT.assertRebuiltEqualsLive(second, users);
    }

    /** Whether a user of the crash population waits after its start (it has open COPY or ELITE positions). */
    private static final java.util.function.Predicate<String> WAITS = user -> user.startsWith("w")
            ? Integer.parseInt(user.substring(1)) % 3 != 2
            : LegacyPopulation.WAITING.containsKey(user);

    /** Every start, completion and move of the base population and the generated users, each once. */
    private static Map<String, Integer> expectedBookings() {
        Map<String, Integer> expected = new TreeMap<>(LegacyPopulation.expectedMigrationBookings());
        for (int i = 0; i < GENERATED; i++) {
            String user = generated(i);
            String amount = generatedUsdt(i).add(i % 3 == 0 ? d("10") : BigDecimal.ZERO).stripTrailingZeros()
                    .toPlainString();
            expected.put("started " + user, 1);
            expected.put("completed " + user, 1);
            expected.put("funds out " + legacy(user) + " " + USDT + " " + amount, 1);
            expected.put("funds in " + user + ":FUTURES " + USDT + " " + amount, 1);
            expected.put("position out " + legacy(user) + " " + BTC, 1);
            expected.put("position in " + user + ":FUTURES " + BTC, 1);
        }
        return expected;
    }

    /** The fund and position moves of {@code user} among {@code bookings}. */
    private static Map<String, Integer> movesOf(Map<String, Integer> bookings, String user) {
        Map<String, Integer> moves = new TreeMap<>();
        bookings.forEach((key, count) -> {
            if ((key.startsWith("funds ") || key.startsWith("position "))
                    && (key.contains(" " + user + ":LEGACY ") || key.contains(" " + user + ":FUTURES "))) {
                moves.put(key, count);
            }
        });
        return moves;
    }

    /** Per user and asset, the amounts the expected bookings move into FUTURES. */
    private static Map<String, Map<String, BigDecimal>> movedIn(Map<String, Integer> bookings) {
        Map<String, Map<String, BigDecimal>> moved = new TreeMap<>();
        for (String key : bookings.keySet()) {
            if (key.startsWith("funds in ")) {
                String[] parts = key.substring("funds in ".length()).split(" ");
                String user = parts[0].substring(0, parts[0].indexOf(':'));
                moved.computeIfAbsent(user, u -> new TreeMap<>()).put(parts[1], new BigDecimal(parts[2]).setScale(8));
            }
        }
        return moved;
    }

    /** A connection pool of the test's own on {@code settings}, as the ledger would make it. */
    private static HikariDataSource pool(StoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(12);
        config.setAutoCommit(true);
        return new HikariDataSource(config);
    }

    // ------------------------------------------------------------------------------------------------------

    @OnEveryStore
    void rollsTheWholeTriggeringCommandBackWhenACompletionFailsBetweenMovingFundsAndMovingPositions(StoreKind store,
            @TempDir Path directory) throws Exception {
        StoreSettings settings = Stores.durable(store, directory);
        Ledger first = ledgers.open(Ledger.builder().store(settings));
        allAccepted(first.executeAll(LegacyPopulation.setup()));
        Map<String, Map<String, BigDecimal>> setupMoney = new TreeMap<>();
        for (String user : List.of("ann", "ben", "cat", "dan")) {
            setupMoney.put(user, moneyOf(first, user));
        }
        // dan waits for his COPY position; his PERSONAL ETH position and his USDT will move.
        assertThat(first.execute(new StartMigration("migrate-start:dan", "dan"))).isEqualTo(accepted("migrate-start:dan"));
        assertThat(reminders(settings, "dan")).isEqualTo(1);
        LedgerCommand close = LegacyPopulation.closes().get("dan").get(0);

        try (MigrationFaults faults = MigrationFaults.failAfterFundsMoved("dan", "ben")) {
            // A completion triggered by a closing fill.
            long stored = RawEvents.count(first.store().dataSource());
            Snapshot before = Snapshot.of(first, "dan");
            assertThatThrownBy(() -> first.execute(close)).as("the closing fill whose completion fails")
                    .hasStackTraceContaining(MigrationFaults.MESSAGE);
            assertThat(faults.injected()).isPositive();
            assertThat(RawEvents.count(first.store().dataSource())).as("events stored by the failed command")
                    .isEqualTo(stored);
            assertThat(Snapshot.of(first, "dan")).as("dan after the failed close").isEqualTo(before);
            assertThat(first.migration("dan").state()).isEqualTo(MigrationState.WAITING);
            assertThat(first.migration("dan").openCopyPositions()).isEqualTo(1);
            assertThat(reminders(settings, "dan")).as("dan's reminder").isEqualTo(1);
            assertThat(commandRecords(settings, close.id())).as("command-log records of the failed close").isZero();
            // The next command sees the state before the failed one: the legacy account is still open.
            refused(first, new OpenAccount("dan-futures-too-early", "dan:FUTURES"), RejectionCode.MIGRATION_RESTRICTED);
            assertThat(first.execute(new Deposit("dan-legacy-still-open", legacy("dan"), USDT, d("0.01"))))
                    .isEqualTo(accepted("dan-legacy-still-open"));

            // A completion triggered by a start, in a wave: only that start fails, the rest of the wave commits.
            assertThatThrownBy(() -> first.startMigrationWave(3)).hasStackTraceContaining(MigrationFaults.MESSAGE);
            // (The wave stops at ben's failure; cat's start was queued behind it: sent again, it is a duplicate.)
            assertThat(first.execute(new StartMigration("migrate-start:cat", "cat")))
                    .isEqualTo(new Outcome.Duplicate("migrate-start:cat", accepted("migrate-start:cat")));
            assertThat(first.migration("ann").state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(first.migration("ben").state()).isEqualTo(MigrationState.NOT_STARTED);
            assertThat(first.migration("cat").state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(first.accounts("ben").accounts()).containsExactly(new AccountStatus(legacy("ben"), "OPEN"));
            assertThat(commandRecords(settings, "migrate-start:ben")).isZero();
        }
        ledgers.close(first);

        // --- after a restart the same commands complete the migrations, once -------------------------------------
        Ledger second = ledgers.open(Ledger.builder().store(settings));
        assertThat(second.execute(close)).isEqualTo(accepted(close.id()));
        assertThat(second.execute(close)).isEqualTo(new Outcome.Duplicate(close.id(), accepted(close.id())));
        assertThat(second.startMigrationWave(1)).containsExactly(accepted("migrate-start:ben"));
        assertThat(second.migrationSummary()).isEqualTo(summary(MigrationPhase.LIVE, 5, 0, 4));
        assertThat(reminders(settings, "dan")).as("dan's reminder after completing").isZero();

        Map<String, Integer> bookings = LegacyPopulation.migrationBookings(
                RawEvents.accountEvents(second.store().dataSource()));
        Map<String, Integer> expected = new TreeMap<>();
        LegacyPopulation.expectedMigrationBookings().forEach((key, count) -> {
            if (Stream.of("ann", "ben", "cat", "dan").anyMatch(u -> key.contains(" " + u + ":") || key.endsWith(" " + u))) {
                expected.put(key, count);
            }
        });
        // dan's deposit of 0.01 after the failure moves with the rest of his USDT.
        expected.remove("funds out dan:LEGACY USDT 30298.03");
        expected.remove("funds in dan:FUTURES USDT 30298.03");
        expected.put("funds out dan:LEGACY USDT 30298.04", 1);
        expected.put("funds in dan:FUTURES USDT 30298.04", 1);
        assertThat(LegacyPopulation.differences(bookings, expected)).isEmpty();
        Map<String, BigDecimal> danMoney = new TreeMap<>(setupMoney.get("dan"));
        danMoney.merge(USDT, d("299.14"), (a, b) -> a.add(b).setScale(8));
        assertThat(moneyOf(second, "dan")).isEqualTo(danMoney);
        assertThat(moneyOf(second, "ben")).isEqualTo(setupMoney.get("ben"));
        assertThat(second.risk("dan:FUTURES").orElseThrow().positions()).extracting(p -> p.symbol() + " " + p.quantity()
                .stripTrailingZeros().toPlainString()).containsExactly(ETH + " 1");
        Recomputed folded = Recomputed.fold(RawEvents.accountEvents(second.store().dataSource()));
        assertThat(Recomputed.readModel(second, folded.accounts())).isEqualTo(folded.balances());
    }

    // ------------------------------------------------------------------------------------------------------

    /** What one user's accounts show: accounts, balances, positions, migration status. */
    private record Snapshot(List<AccountStatus> accounts, Map<String, Object> views, MigrationView migration) {
        static Snapshot of(Ledger ledger, String user) {
            List<AccountStatus> accounts = ledger.accounts(user).accounts();
            Map<String, Object> views = new TreeMap<>();
            for (AccountStatus account : accounts) {
                views.put(account.account(), List.of(ledger.balance(account.account()), ledger.risk(account.account()),
                        ledger.performance(account.account())));
            }
            return new Snapshot(accounts, views, ledger.migration(user));
        }
    }

    private record MigrationStateCounts(int notStarted, int waiting, int completed) {
        static MigrationStateCounts of(Ledger ledger) {
            Map<MigrationState, Integer> totals = ledger.migrationSummary().totals();
            return new MigrationStateCounts(totals.get(MigrationState.NOT_STARTED), totals.get(MigrationState.WAITING),
                    totals.get(MigrationState.COMPLETED));
        }
    }

    private static String generated(int i) {
        return String.format("w%03d", i);
    }

    private static BigDecimal generatedUsdt(int i) {
        return d("1000").add(BigDecimal.valueOf(i, 2));
    }

    /**
     * Each generated user: USDT 1000 + i/100, a PERSONAL LONG 0.01 BTC at 30000; i % 3 == 0 also a COPY SHORT
     * 0.01 BTC at 30000 (closed at 29000: +10), i % 3 == 1 an ELITE LONG 0.1 ETH at 2000 (liquidated at 2000: 0).
     */
    private static List<LedgerCommand> generatedSetup() {
        List<LedgerCommand> commands = new ArrayList<>();
        for (int i = 0; i < GENERATED; i++) {
            String account = legacy(generated(i));
            commands.add(new OpenAccount("gen-open-" + i, account));
            commands.add(new Deposit("gen-usdt-" + i, account, USDT, generatedUsdt(i)));
            commands.add(fill("gen-personal-" + i, account, BTC, BUY, "0.01", "30000", "0", 10, ISOLATED, PERSONAL, null));
            if (i % 3 == 0) {
                commands.add(fill("gen-copy-" + i, account, BTC, SELL, "0.01", "30000", "0", 10, ISOLATED, COPY, "eve"));
            } else if (i % 3 == 1) {
                commands.add(fill("gen-elite-" + i, account, ETH, BUY, "0.1", "2000", "0", 10, ISOLATED, ELITE, null));
            }
        }
        return commands;
    }

    private static LedgerCommand generatedClose(int i) {
        String account = legacy(generated(i));
        return i % 3 == 0
                ? fill("close-gen-" + i, account, BTC, BUY, "0.01", "29000", "0", 10, ISOLATED, COPY, "eve")
                : new Liquidate("close-gen-" + i, account, ETH, d("2000"), ELITE);
    }

    /**
     * The wave as one stream, in user-name order: each user's start (with the id a wave gives it), and two
     * users later the closes of a waiting user, so that starts and closes are in flight together.
     */
    private static List<LedgerCommand> wave(List<String> users, Map<String, List<LedgerCommand>> closes) {
        List<LedgerCommand> stream = new ArrayList<>();
        Deque<LedgerCommand> pending = new ArrayDeque<>();
        for (String user : users.stream().sorted().toList()) {
            stream.add(new StartMigration("migrate-start:" + user, user));
            if (pending.size() > 2) {
                stream.add(pending.poll());
            }
            pending.addAll(closes.getOrDefault(user, List.of()));
        }
        stream.addAll(pending);
        return stream;
    }

    private static int reminders(StoreSettings settings, String user) throws SQLException {
        return count(settings, "SELECT COUNT(*) FROM ledger_migration_reminder WHERE user_name = ?", user);
    }

    private static int commandRecords(StoreSettings settings, String commandId) throws SQLException {
        return count(settings, "SELECT COUNT(*) FROM ledger_command_log WHERE command_id = ?", commandId);
    }

    private static int count(StoreSettings settings, String sql, String parameter) throws SQLException {
        try (Connection connection = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.user(),
                settings.password());
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** Sends a stream with a few commands in flight and notes what it learns (as RestartIT's sender). */
    private static final class Sender {
        private final Ledger ledger;
        private final List<LedgerCommand> stream;
        final Map<String, Outcome> acknowledged = new ConcurrentHashMap<>();
        final List<String> lost = Collections.synchronizedList(new ArrayList<>());
        final List<Outcome> notAccepted = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger refusedAsShutDown = new AtomicInteger();
        final CountDownLatch enoughAcknowledged = new CountDownLatch(ACKNOWLEDGED_BEFORE_CLOSE);

        Sender(Ledger ledger, List<LedgerCommand> stream) {
            this.ledger = ledger;
            this.stream = stream;
        }

        void run() {
            Map<Integer, CompletableFuture<Outcome>> inFlight = new TreeMap<>();
            for (int i = 0; i < stream.size(); i++) {
                if (inFlight.size() >= IN_FLIGHT) {
                    int oldest = inFlight.keySet().iterator().next();
                    settle(stream.get(oldest), inFlight.remove(oldest));
                }
                try {
                    inFlight.put(i, ledger.submit(stream.get(i)));
                } catch (IllegalStateException shutDown) {
                    refusedAsShutDown.incrementAndGet();
                }
            }
            inFlight.forEach((i, future) -> settle(stream.get(i), future));
        }

        private void settle(LedgerCommand command, CompletableFuture<Outcome> future) {
            try {
                Outcome outcome = future.get(OUTCOME_BOUND_SECONDS, TimeUnit.SECONDS);
                if (!outcome.equals(accepted(command.id()))) {
                    notAccepted.add(outcome);
                }
                acknowledged.put(command.id(), outcome);
                enoughAcknowledged.countDown();
            } catch (ExecutionException failed) {
                // Not acknowledged: its fate is unknown to the sender.
                refusedAsShutDown.incrementAndGet();
            } catch (TimeoutException neverAnswered) {
                lost.add(command.id());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
