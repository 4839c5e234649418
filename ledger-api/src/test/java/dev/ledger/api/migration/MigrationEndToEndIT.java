package dev.ledger.api.migration;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.support.LegacyPopulation;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.account.MigrationFaults;
import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationSummary;
import dev.ledger.projections.migration.MigrationView;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import dev.ledger.projections.risk.RiskView;
import dev.ledger.api.store.StoreSettings;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static dev.ledger.api.support.LegacyPopulation.BTC;
import static dev.ledger.api.support.LegacyPopulation.ETH;
import static dev.ledger.api.support.LegacyPopulation.EVER_ELITE;
import static dev.ledger.api.support.LegacyPopulation.IMMEDIATE;
import static dev.ledger.api.support.LegacyPopulation.USDT;
import static dev.ledger.api.support.LegacyPopulation.USERS;
import static dev.ledger.api.support.LegacyPopulation.WAITING;
import static dev.ledger.api.support.LegacyPopulation.d;
import static dev.ledger.api.support.LegacyPopulation.fill;
import static dev.ledger.api.support.LegacyPopulation.legacy;
import static dev.ledger.api.support.LegacyPopulation.moneyOf;
import static dev.ledger.domain.value.Book.COPY;
import static dev.ledger.domain.value.Book.ELITE;
import static dev.ledger.domain.value.Book.PERSONAL;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The legacy migration end to end through the {@link Ledger} facade, on H2 and PostgreSQL (accounting.md,
 * "Migration"): a population of legacy users migrated in waves; who completes at once and who waits;
 * completion when the last COPY/ELITE position closes (by a fill or a liquidation); money per user and
 * asset exact before and after; PERSONAL positions moved with identical figures; the new FUTURES account
 * right from its first event (its views equal those of a twin account that got there by deposits and
 * fills); the retired legacy account refusing everything and still answering queries; the migration read
 * model per user and in total, and rebuilt equal to the live one; and the migration phases.
 */
class MigrationEndToEndIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    /** What a user's legacy account looked like right before its migration completed. */
    private record Before(Map<String, BigDecimal> money, BalanceView legacyBalance, RiskView legacyRisk) {
    }

    @OnEveryStore
    void migratesAPopulationInWavesAndCompletesEachUserWhenItsLastCopyOrElitePositionCloses(StoreKind store) {
        MutableClock clock = new MutableClock(T0);
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(clock));
        allAccepted(ledger.executeAll(LegacyPopulation.setup()));

        assertThat(ledger.migrationSummary()).isEqualTo(summary(MigrationPhase.LIVE, 9, 0, 0));
        assertThat(ledger.migration("dan")).isEqualTo(
                new MigrationView("dan", MigrationState.NOT_STARTED, 1, 0, null, null, null));
        assertThat(ledger.migration("zed")).as("a user without a legacy account")
                .isEqualTo(new MigrationView("zed", MigrationState.NOT_STARTED, 0, 0, null, null, null));
        Map<String, Before> before = new TreeMap<>();
        for (String user : USERS) {
            before.put(user, before(ledger, user));
        }
        Instant beforeTheWaves = clock.instant();
        clock.advance(Duration.ofMinutes(1));

        // --- refusals before anything started ------------------------------------------------------------
        refused(ledger, new OpenAccount("early-ann-futures", "ann:FUTURES"), RejectionCode.MIGRATION_RESTRICTED);
        refused(ledger, new StartMigration("start-zed", "zed"), RejectionCode.ACCOUNT_NOT_FOUND);
        refused(ledger, new StartMigration("start-nobody", "nobody"), RejectionCode.ACCOUNT_NOT_FOUND);

        // --- wave 1: the first four legacy users by name -------------------------------------------------
        List<Outcome> wave1 = ledger.startMigrationWave(4);
        assertThat(wave1).containsExactly(accepted("migrate-start:ann"), accepted("migrate-start:ben"),
                accepted("migrate-start:cat"), accepted("migrate-start:dan"));
        Instant wave1At = clock.instant();
        assertThat(ledger.migration("ann")).isEqualTo(
                new MigrationView("ann", MigrationState.COMPLETED, 0, 0, wave1At, wave1At, null));
        assertThat(ledger.migration("dan")).isEqualTo(
                new MigrationView("dan", MigrationState.WAITING, 1, 0, wave1At, null, null));
        assertThat(ledger.migration("eve").state()).isEqualTo(MigrationState.NOT_STARTED);
        assertThat(ledger.migrationSummary()).isEqualTo(summary(MigrationPhase.LIVE, 5, 1, 3));
        clock.advance(Duration.ofMinutes(1));

        // --- wave 2 skips every started user; wave 3 finds nobody ------------------------------------------
        List<Outcome> wave2 = ledger.startMigrationWave(10);
        assertThat(wave2).containsExactly(accepted("migrate-start:eve"), accepted("migrate-start:fay"),
                accepted("migrate-start:gus"), accepted("migrate-start:hal"), accepted("migrate-start:ivy"));
        assertThat(ledger.startMigrationWave(10)).isEmpty();
        assertThat(ledger.migrationSummary()).isEqualTo(summary(MigrationPhase.LIVE, 0, 4, 5));

        // --- a second start changes nothing, whatever its id ---------------------------------------------
        long stored = RawEvents.count(ledger.store().dataSource());
        assertThat(ledger.execute(new StartMigration("again-dan", "dan"))).isEqualTo(accepted("again-dan"));
        assertThat(ledger.execute(new StartMigration("again-ann", "ann"))).isEqualTo(accepted("again-ann"));
        assertThat(ledger.execute(new StartMigration("migrate-start:dan", "dan")))
                .isEqualTo(new Outcome.Duplicate("migrate-start:dan", accepted("migrate-start:dan")));
        assertThat(RawEvents.count(ledger.store().dataSource())).as("events after starting twice").isEqualTo(stored);

        // --- the users who completed at once -------------------------------------------------------------
        for (String user : IMMEDIATE) {
            assertCompleted(ledger, user, before.get(user), before.get(user).money());
        }
        // A PERSONAL round trip ends in the legacy account at the migration with what was realized there.
        assertThat(ledger.performance("ann:LEGACY").orElseThrow().wins()).isEqualTo(1);
        assertThat(ledger.performance("ann:FUTURES").orElseThrow().netInflow()).isEqualByComparingTo("50297.35");
        assertThat(ledger.balance("ivy:FUTURES")).contains(new BalanceView("ivy:FUTURES", List.of()));

        // --- the users who wait --------------------------------------------------------------------------
        for (Map.Entry<String, int[]> waiting : WAITING.entrySet()) {
            String user = waiting.getKey();
            MigrationView view = ledger.migration(user);
            assertThat(view.state()).as(user).isEqualTo(MigrationState.WAITING);
            assertThat(new int[]{view.openCopyPositions(), view.openElitePositions()}).as(user)
                    .containsExactly(waiting.getValue());
            assertThat(view.startedAt()).as(user).isNotNull();
            assertThat(view.completedAt()).as(user).isNull();
            assertThat(ledger.accounts(user).accounts()).containsExactly(new AccountStatus(legacy(user), "OPEN"));
            for (String type : List.of("FUTURES", "COPY", "ELITE")) {
                refused(ledger, new OpenAccount("early-" + user + "-" + type, user + ":" + type),
                        RejectionCode.MIGRATION_RESTRICTED);
            }
        }
        // Waiting: no new or larger COPY/ELITE positions; PERSONAL ones still open (and will move).
        refused(ledger, fill("late-dan-copy-up", legacy("dan"), BTC, SELL, "0.1", "31000", "0", 10, ISOLATED, COPY, "eve"),
                RejectionCode.MIGRATION_RESTRICTED);
        refused(ledger, fill("late-dan-copy-new", legacy("dan"), ETH, BUY, "1", "1900", "0", 10, ISOLATED, COPY, "eve"),
                RejectionCode.MIGRATION_RESTRICTED);
        refused(ledger, fill("late-eve-elite-up", legacy("eve"), BTC, BUY, "0.1", "31000", "0", 10, ISOLATED, ELITE, null),
                RejectionCode.MIGRATION_RESTRICTED);
        refused(ledger, fill("late-hal-copy-flip", legacy("hal"), BTC, SELL, "0.5", "31000", "0", 10, CROSS, COPY, "eve"),
                RejectionCode.MIGRATION_RESTRICTED);
        assertThat(ledger.execute(fill("late-dan-personal", legacy("dan"), BTC, SELL, "0.01", "31000", "0", 10,
                ISOLATED, PERSONAL, null))).isEqualTo(accepted("late-dan-personal"));

        // --- closing the last COPY/ELITE position completes the migration ---------------------------------
        Map<String, BigDecimal> booked = LegacyPopulation.usdtBookedByCloses();
        for (Map.Entry<String, List<LedgerCommand>> entry : LegacyPopulation.closes().entrySet()) {
            String user = entry.getKey();
            Before waitingBefore = before(ledger, user);
            List<LedgerCommand> closes = entry.getValue();
            int[] open = WAITING.get(user).clone();
            for (int i = 0; i < closes.size(); i++) {
                LedgerCommand close = closes.get(i);
                clock.advance(Duration.ofSeconds(1));
                assertThat(ledger.execute(close)).isEqualTo(accepted(close.id()));
                if (i < closes.size() - 1) {
                    open[open[0] > 0 ? 0 : 1]--;
                    MigrationView view = ledger.migration(user);
                    assertThat(view.state()).as("%s after %s", user, close.id()).isEqualTo(MigrationState.WAITING);
                    assertThat(new int[]{view.openCopyPositions(), view.openElitePositions()}).containsExactly(open);
                    refused(ledger, new OpenAccount("still-" + user, user + ":FUTURES"), RejectionCode.MIGRATION_RESTRICTED);
                }
            }
            // Visible to the very next command: the new accounts exist and the legacy one is retired.
            refused(ledger, new OpenAccount("after-" + user + "-futures", user + ":FUTURES"), RejectionCode.ACCOUNT_ALREADY_OPEN);
            refused(ledger, new Deposit("after-" + user + "-legacy", legacy(user), USDT, d("1")), RejectionCode.ACCOUNT_RETIRED);
            MigrationView view = ledger.migration(user);
            assertThat(view.completedAt()).as(user).isEqualTo(clock.instant());
            Map<String, BigDecimal> expectedMoney = new TreeMap<>(waitingBefore.money());
            expectedMoney.merge(USDT, booked.get(user), (a, b) -> a.add(b).setScale(8));
            assertCompleted(ledger, user, waitingBefore, expectedMoney);
            // Money of the whole life: what the setup put in plus what the closes booked.
            Map<String, BigDecimal> fromTheStart = new TreeMap<>(before.get(user).money());
            fromTheStart.merge(USDT, booked.get(user), (a, b) -> a.add(b).setScale(8));
            assertThat(moneyOf(ledger, user)).as("money of %s since the setup", user).isEqualTo(fromTheStart);
        }
        assertThat(ledger.migrationSummary()).isEqualTo(summary(MigrationPhase.LIVE, 0, 0, 9));
        assertThat(ledger.migrations(MigrationState.COMPLETED, 100)).extracting(MigrationView::user)
                .containsExactlyElementsOf(USERS);
        assertThat(ledger.performance("hal:LEGACY").orElseThrow()).satisfies(p -> {
            assertThat(p.wins()).isEqualTo(2);
            assertThat(p.realizedPnl()).isEqualByComparingTo("500");
        });
        assertThat(ledger.performance("fay:LEGACY").orElseThrow().losses()).isEqualTo(2);

        // --- the retired legacy accounts: every command refused, history still answers -------------------
        long storedBeforeRetiredCommands = RawEvents.count(ledger.store().dataSource());
        String eve = legacy("eve");
        for (LedgerCommand command : List.<LedgerCommand>of(
                new OpenAccount("retired-1", eve),
                new Deposit("retired-2", eve, USDT, d("1")),
                new Withdraw("retired-3", eve, USDT, d("1")),
                fill("retired-4", eve, BTC, BUY, "0.05", "31000", "0", 10, CROSS, PERSONAL, null),
                fill("retired-5", eve, ETH, BUY, "1", "1900", "0", 10, ISOLATED, COPY, "fay"),
                new Liquidate("retired-6", eve, BTC, d("31000"), PERSONAL),
                new SettleFunding("retired-7", eve, BTC, d("0.0001"), d("31000"), PERSONAL),
                new AdjustIsolatedMargin("retired-8", eve, BTC, d("1"), PERSONAL))) {
            refused(ledger, command, RejectionCode.ACCOUNT_RETIRED);
        }
        assertThat(RawEvents.count(ledger.store().dataSource())).isEqualTo(storedBeforeRetiredCommands);
        for (String user : USERS) {
            assertThat(ledger.balanceAt(legacy(user), beforeTheWaves)).as("legacy balance of %s as it was", user)
                    .contains(before.get(user).legacyBalance());
            assertThat(ledger.riskAt(legacy(user), beforeTheWaves)).as("legacy risk of %s as it was", user)
                    .contains(before.get(user).legacyRisk());
            assertThat(ledger.balanceAt(user + ":FUTURES", beforeTheWaves)).as("FUTURES of %s before the waves", user)
                    .isEmpty();
        }
        assertThat(RawEvents.accountEvents(ledger.store().dataSource())).filteredOn(r -> r.aggregate().equals(eve))
                .extracting(r -> r.event().getClass().getSimpleName())
                .startsWith("AccountOpened", "FundsDeposited", "FundsDeposited", "PositionOpened", "FeeCharged")
                .endsWith("MigrationStarted", "PositionLiquidated", "InsuranceFundCovered", "FundsMigratedOut",
                        "FundsMigratedOut", "PositionMigratedOut", "MigrationCompleted");

        // --- stored events: each move exactly once, and the balances are their fold ------------------------
        List<RawEvents.Row> raw = RawEvents.accountEvents(ledger.store().dataSource());
        Map<String, Integer> expectedBookings = new TreeMap<>(LegacyPopulation.expectedMigrationBookings());
        expectedBookings.put("position out dan:LEGACY " + BTC, 1);
        expectedBookings.put("position in dan:FUTURES " + BTC, 1);
        assertThat(LegacyPopulation.differences(LegacyPopulation.migrationBookings(raw), expectedBookings))
                .as("migration bookings that are not exactly once").isEmpty();
        Recomputed folded = Recomputed.fold(raw);
        assertThat(Recomputed.readModel(ledger, folded.accounts())).isEqualTo(folded.balances());

        // --- the migration read model rebuilt equals the live one ------------------------------------------
        assertRebuiltEqualsLive(ledger);
    }

    @OnEveryStore
    void completesMigrationsWhoseStartAndLastCloseShareOneCommandGroup(StoreKind store) throws Exception {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)));
        allAccepted(ledger.executeAll(LegacyPopulation.setup()));
        Map<String, Map<String, BigDecimal>> before = new TreeMap<>();
        for (String user : List.of("dan", "eve", "fay")) {
            before.put(user, moneyOf(ledger, user));
        }
        Map<String, List<LedgerCommand>> closes = LegacyPopulation.closes();
        // One group (one transaction): dan starts, a refused COPY increase, dan's close; eve's close before her
        // start; fay's first close, her start, her last close. They queue while the writer is held inside cat's
        // completion, and the writer then takes them all at once.
        List<LedgerCommand> group = List.of(
                new StartMigration("g-start-dan", "dan"),
                fill("g-dan-copy-up", legacy("dan"), BTC, SELL, "0.1", "31000", "0", 10, ISOLATED, COPY, "eve"),
                closes.get("dan").get(0),
                closes.get("eve").get(0),
                new StartMigration("g-start-eve", "eve"),
                closes.get("fay").get(0),
                new StartMigration("g-start-fay", "fay"),
                closes.get("fay").get(1));
        List<Outcome> outcomes = new ArrayList<>();
        try (MigrationFaults.Pause pause = MigrationFaults.pauseAfterFundsMoved("cat")) {
            CompletableFuture<Outcome> cat = ledger.submit(new StartMigration("g-start-cat", "cat"));
            pause.awaitReached();
            List<CompletableFuture<Outcome>> queued = group.stream().map(ledger::submit).toList();
            pause.release();
            assertThat(cat.join()).isEqualTo(accepted("g-start-cat"));
            queued.forEach(f -> outcomes.add(f.join()));
        }
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.code()).isEqualTo(RejectionCode.MIGRATION_RESTRICTED));
        assertThat(outcomes).element(0).isEqualTo(accepted("g-start-dan"));
        assertThat(outcomes.subList(2, outcomes.size())).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));
        Map<String, BigDecimal> booked = LegacyPopulation.usdtBookedByCloses();
        for (String user : List.of("dan", "eve", "fay")) {
            assertThat(ledger.migration(user).state()).as(user).isEqualTo(MigrationState.COMPLETED);
            Map<String, BigDecimal> expected = new TreeMap<>(before.get(user));
            expected.merge(USDT, booked.get(user), (a, b) -> a.add(b).setScale(8));
            assertThat(moneyOf(ledger, user)).as("money of %s", user).isEqualTo(expected);
        }
        Map<String, Integer> bookings = LegacyPopulation.migrationBookings(RawEvents.accountEvents(ledger.store().dataSource()));
        assertThat(bookings).containsEntry("completed dan", 1).containsEntry("completed eve", 1)
                .containsEntry("completed fay", 1).containsEntry("funds in fay:FUTURES USDT 59297.72", 1)
                .doesNotContainKey("completed ann");
        // The new accounts are usable at once: FUTURES funds COPY, and the user's money stays the same.
        assertThat(ledger.execute(new Transfer("g-fund-copy", "dan:FUTURES", "dan:COPY", USDT,
                d("1000")))).isEqualTo(accepted("g-fund-copy"));
        Map<String, BigDecimal> danExpected = new TreeMap<>(before.get("dan"));
        danExpected.merge(USDT, booked.get("dan"), (a, b) -> a.add(b).setScale(8));
        assertThat(moneyOf(ledger, "dan")).isEqualTo(danExpected);
        assertThat(ledger.balance("dan:COPY").orElseThrow().balances()).singleElement()
                .satisfies(b -> assertThat(b.wallet()).isEqualByComparingTo("1000"));
    }

    /**
     * A closing fill is not capped (only a liquidation is), so a legacy wallet can be below zero; the reading
     * tested: "every asset's legacy wallet balance moves" includes a negative one, exactly.
     */
    @OnEveryStore
    void movesALegacyWalletThatALosingCloseLeftBelowZero(StoreKind store) {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)));
        String legacy = "neg:LEGACY";
        allAccepted(ledger.executeAll(List.of(
                new ConfigureSymbol("n-btc", BTC, USDT, d("0.005"), 125),
                new OpenAccount("n-open", legacy), new Deposit("n-dep", legacy, USDT, d("3000")),
                fill("n-open-long", legacy, BTC, BUY, "1", "30000", "0", 10, ISOLATED, PERSONAL, null),
                fill("n-close-long", legacy, BTC, SELL, "1", "20000", "1", 10, ISOLATED, PERSONAL, null))));
        assertThat(moneyOf(ledger, "neg")).containsExactly(Map.entry(USDT, d("-7001").setScale(8)));

        assertThat(ledger.execute(new StartMigration("n-start", "neg"))).isEqualTo(accepted("n-start"));

        assertThat(ledger.migration("neg").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(moneyOf(ledger, "neg")).containsExactly(Map.entry(USDT, d("-7001").setScale(8)));
        assertThat(ledger.balance("neg:FUTURES").orElseThrow().balances()).singleElement()
                .satisfies(b -> assertThat(b.wallet()).isEqualByComparingTo("-7001"));
        PerformanceView performance = ledger.performance("neg:FUTURES").orElseThrow();
        assertThat(performance.netInflow()).isEqualByComparingTo("-7001");
        assertThat(performance.peakNetInflow()).isEqualByComparingTo("0");
        assertThat(performance.roi()).isNull();
        assertThat(LegacyPopulation.migrationBookings(RawEvents.accountEvents(ledger.store().dataSource())))
                .containsEntry("funds out neg:LEGACY USDT -7001", 1).containsEntry("funds in neg:FUTURES USDT -7001", 1);
    }

    @OnEveryStore
    void takesWavesInOneStableUserNameOrderOnEveryStore(StoreKind store) {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)));
        List<String> users = List.of("b", "alice", "Bob", "a_b", "ab", "a.b", "A", "a-b", "B0", "a");
        for (String user : users) {
            assertThat(ledger.execute(new OpenAccount("open-" + user, legacy(user)))).isInstanceOf(Outcome.Accepted.class);
        }
        List<String> started = new ArrayList<>();
        for (List<Outcome> wave = ledger.startMigrationWave(3); !wave.isEmpty(); wave = ledger.startMigrationWave(3)) {
            assertThat(wave).hasSizeLessThanOrEqualTo(3).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));
            wave.forEach(o -> started.add(o.commandId().substring("migrate-start:".length())));
        }
        // The reading tested: "user-name order" is the order of the names' characters (String.compareTo, the
        // same as a binary collation), so that H2 and PostgreSQL pick the same users for the same wave.
        assertThat(started).containsExactlyElementsOf(users.stream().sorted().toList());
        assertThat(ledger.migrations(MigrationState.COMPLETED, 100)).extracting(MigrationView::user)
                .containsExactlyElementsOf(users.stream().sorted().toList());
    }

    @OnEveryStore
    void movesThePhaseForwardOnlyAndRestrictsExactlyTheLegacyFillsTheSpecNames(StoreKind store) {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)));
        String legacy = "pat:LEGACY";
        String futures = "nia:FUTURES";
        allAccepted(ledger.executeAll(List.of(
                new ConfigureSymbol("p-btc", BTC, USDT, d("0.005"), 125),
                new ConfigureSymbol("p-eth", ETH, USDT, d("0.01"), 50),
                new OpenAccount("p-open-legacy", legacy), new Deposit("p-dep-legacy", legacy, USDT, d("1000000")),
                new OpenAccount("p-open-futures", futures), new Deposit("p-dep-futures", futures, USDT, d("1000000")),
                fill("p-personal", legacy, BTC, BUY, "1", "30000", "0", 10, ISOLATED, PERSONAL, null),
                fill("p-copy", legacy, BTC, SELL, "1", "30000", "0", 10, ISOLATED, COPY, "lea"),
                fill("p-elite", legacy, BTC, BUY, "1", "30000", "0", 10, ISOLATED, ELITE, null))));
        refused(ledger, new SetMigrationPhase("phase-live", MigrationPhase.LIVE), RejectionCode.MIGRATION_RESTRICTED);

        // NO_NEW_ELITE_ORDERS: ELITE-book opens, increases and flips are refused; everything else passes.
        assertThat(ledger.execute(new SetMigrationPhase("phase-1", MigrationPhase.NO_NEW_ELITE_ORDERS)))
                .isEqualTo(accepted("phase-1"));
        refused(ledger, new SetMigrationPhase("phase-1-again", MigrationPhase.NO_NEW_ELITE_ORDERS),
                RejectionCode.MIGRATION_RESTRICTED);
        refused(ledger, new SetMigrationPhase("phase-back-live", MigrationPhase.LIVE), RejectionCode.MIGRATION_RESTRICTED);
        assertThat(ledger.migrationSummary().phase()).isEqualTo(MigrationPhase.NO_NEW_ELITE_ORDERS);
        refusedBookingNothing(ledger, fill("e-open", legacy, ETH, BUY, "1", "2000", "0", 10, ISOLATED, ELITE, null));
        refusedBookingNothing(ledger, fill("e-up", legacy, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, ELITE, null));
        refusedBookingNothing(ledger, fill("e-flip", legacy, BTC, SELL, "1.5", "30000", "0", 10, ISOLATED, ELITE, null));
        passes(ledger, fill("e-reduce", legacy, BTC, SELL, "0.5", "30000", "0", 10, ISOLATED, ELITE, null));
        passes(ledger, fill("e-personal-up", legacy, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, PERSONAL, null));
        passes(ledger, fill("e-personal-new", legacy, ETH, SELL, "1", "2000", "0", 10, CROSS, PERSONAL, null));
        passes(ledger, fill("e-personal-close", legacy, ETH, BUY, "1", "1990", "0", 10, CROSS, PERSONAL, null));
        passes(ledger, fill("e-copy-up", legacy, BTC, SELL, "0.1", "30000", "0", 10, ISOLATED, COPY, "lea"));
        passes(ledger, fill("e-copy-new", legacy, ETH, BUY, "1", "2000", "0", 10, ISOLATED, COPY, "lea"));
        // book ELITE on a non-legacy account is ignored, and the phase never restricts it.
        passes(ledger, fill("e-futures", futures, BTC, BUY, "1", "30000", "0", 10, ISOLATED, ELITE, null));

        // NO_NEW_POSITIONS: every opening or increasing legacy fill (a flip too) is refused; reduces and closes pass.
        assertThat(ledger.execute(new SetMigrationPhase("phase-2", MigrationPhase.NO_NEW_POSITIONS)))
                .isEqualTo(accepted("phase-2"));
        refused(ledger, new SetMigrationPhase("phase-2-back", MigrationPhase.NO_NEW_ELITE_ORDERS),
                RejectionCode.MIGRATION_RESTRICTED);
        assertRestrictsEveryOpeningLegacyFill(ledger, legacy, futures, "n");

        // SHUTDOWN: the same.
        assertThat(ledger.execute(new SetMigrationPhase("phase-3", MigrationPhase.SHUTDOWN))).isEqualTo(accepted("phase-3"));
        for (MigrationPhase earlier : MigrationPhase.values()) {
            refused(ledger, new SetMigrationPhase("phase-3-to-" + earlier, earlier), RejectionCode.MIGRATION_RESTRICTED);
        }
        assertRestrictsEveryOpeningLegacyFill(ledger, legacy, futures, "s");
        passes(ledger, fill("s-close-copy-eth", legacy, ETH, SELL, "1", "2010", "0", 10, ISOLATED, COPY, "lea"));
        assertThat(ledger.migrationSummary().phase()).isEqualTo(MigrationPhase.SHUTDOWN);
        // The phases change nothing about migrating: the legacy user can still start and complete.
        assertThat(ledger.execute(new StartMigration("start-pat", "pat"))).isEqualTo(accepted("start-pat"));
        passes(ledger, fill("s-close-copy-btc", legacy, BTC, BUY, "0.9", "30000", "0", 10, ISOLATED, COPY, "lea"));
        passes(ledger, new Liquidate("s-liq-elite", legacy, BTC, d("30000"), ELITE));
        assertThat(ledger.migration("pat").state()).isEqualTo(MigrationState.COMPLETED);

        // Skipping forward is allowed.
        Ledger other = ledgers.open(Ledger.builder().store(Stores.fresh(store)));
        assertThat(other.execute(new SetMigrationPhase("skip", MigrationPhase.SHUTDOWN))).isEqualTo(accepted("skip"));
        refused(other, new SetMigrationPhase("skip-back", MigrationPhase.NO_NEW_POSITIONS), RejectionCode.MIGRATION_RESTRICTED);
        assertThat(other.migrationSummary()).isEqualTo(summary(MigrationPhase.SHUTDOWN, 0, 0, 0));
    }

    @OnEveryStore
    void keepsThePhaseAndAWaitingMigrationAcrossARestart(StoreKind store, @TempDir Path directory) {
        StoreSettings settings = Stores.durable(store, directory);
        String legacy = "pat:LEGACY";
        // Snapshots after two events: the reopened ledger loads the market and the account from snapshots.
        Ledger first = ledgers.open(Ledger.builder().store(settings).snapshotThreshold(2));
        allAccepted(first.executeAll(List.of(
                new ConfigureSymbol("r-btc", BTC, USDT, d("0.005"), 125),
                new OpenAccount("r-open", legacy), new Deposit("r-dep", legacy, USDT, d("100000")),
                fill("r-copy", legacy, BTC, SELL, "1", "30000", "0", 10, ISOLATED, COPY, "lea"),
                fill("r-personal", legacy, BTC, BUY, "1", "30000", "0", 10, ISOLATED, PERSONAL, null),
                new SetMigrationPhase("r-phase-1", MigrationPhase.NO_NEW_ELITE_ORDERS),
                new UpdateMarkPrice("r-mark-1", BTC, d("30100")),
                new UpdateMarkPrice("r-mark-2", BTC, d("30200")),
                new SetMigrationPhase("r-phase-2", MigrationPhase.NO_NEW_POSITIONS),
                new StartMigration("r-start", "pat"))));
        ledgers.close(first);

        Ledger second = ledgers.open(Ledger.builder().store(settings).snapshotThreshold(2));
        assertThat(second.migrationSummary()).isEqualTo(summary(MigrationPhase.NO_NEW_POSITIONS, 0, 1, 0));
        refused(second, new SetMigrationPhase("r-phase-2-again", MigrationPhase.NO_NEW_POSITIONS),
                RejectionCode.MIGRATION_RESTRICTED);
        refusedBookingNothing(second, fill("r-personal-up", legacy, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, PERSONAL, null));
        refusedBookingNothing(second, fill("r-copy-up", legacy, BTC, SELL, "0.1", "30000", "0", 10, ISOLATED, COPY, "lea"));
        passes(second, fill("r-copy-close", legacy, BTC, BUY, "1", "30000", "0", 10, ISOLATED, COPY, "lea"));
        assertThat(second.migration("pat").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(second.risk("pat:FUTURES").orElseThrow().positions()).singleElement().satisfies(p -> {
            assertThat(p.side()).isEqualTo(PositionSide.LONG);
            assertThat(p.quantity()).isEqualByComparingTo("1");
            assertThat(p.positionMargin()).isEqualByComparingTo("3000");
            assertThat(p.markPrice()).isEqualByComparingTo("30200");
        });
        // The FUTURES account is not a legacy one: the phase does not restrict it.
        passes(second, new RecordFill("r-futures-up", "pat:FUTURES", BTC, BUY, d("0.1"), d("30000"), d("0"), 10, ISOLATED));
    }

    /**
     * In NO_NEW_POSITIONS and SHUTDOWN, with legacy positions PERSONAL LONG BTC, COPY SHORT BTC, ELITE LONG BTC
     * and COPY LONG ETH 1 (no PERSONAL ETH): every opening, increasing or flipping legacy fill is refused and
     * books nothing; reducing ones pass; the FUTURES account is not restricted.
     */
    private static void assertRestrictsEveryOpeningLegacyFill(Ledger ledger, String legacy, String futures, String p) {
        refusedBookingNothing(ledger, fill(p + "-personal-up", legacy, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, PERSONAL, null));
        refusedBookingNothing(ledger, fill(p + "-personal-flip", legacy, BTC, SELL, "5", "30000", "0", 10, ISOLATED, PERSONAL, null));
        refusedBookingNothing(ledger, fill(p + "-personal-new", legacy, ETH, BUY, "1", "2000", "0", 10, ISOLATED, PERSONAL, null));
        refusedBookingNothing(ledger, fill(p + "-copy-up", legacy, BTC, SELL, "0.1", "30000", "0", 10, ISOLATED, COPY, "lea"));
        refusedBookingNothing(ledger, fill(p + "-copy-flip", legacy, ETH, SELL, "3", "2000", "0", 10, ISOLATED, COPY, "lea"));
        refusedBookingNothing(ledger, fill(p + "-elite-up", legacy, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, ELITE, null));
        passes(ledger, fill(p + "-personal-reduce", legacy, BTC, SELL, "0.1", "30000", "0", 10, ISOLATED, PERSONAL, null));
        passes(ledger, fill(p + "-copy-reduce", legacy, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, COPY, "lea"));
        passes(ledger, fill(p + "-futures-up", futures, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, PERSONAL, null));
        passes(ledger, fill(p + "-futures-new", futures, ETH, SELL, "1", "2000", "0", 10, CROSS, PERSONAL, null));
        passes(ledger, fill(p + "-futures-close", futures, ETH, BUY, "1", "2000", "0", 10, CROSS, PERSONAL, null));
    }

    // ------------------------------------------------------------------------------------------------------

    private static Before before(Ledger ledger, String user) {
        return new Before(moneyOf(ledger, user), ledger.balance(legacy(user)).orElseThrow(),
                ledger.risk(legacy(user)).orElseThrow());
    }

    /**
     * A completed migration: the new accounts open (ELITE only for a user who ever had an ELITE fill) and the
     * legacy one retired; the money per asset as expected; every legacy wallet at 0 in FUTURES; every PERSONAL
     * position in FUTURES with the same figures; and FUTURES's balance, risk and performance views equal to
     * those of a twin account that got the same money and positions by deposits and fills.
     */
    private static void assertCompleted(Ledger ledger, String user, Before before, Map<String, BigDecimal> expectedMoney) {
        String futures = user + ":FUTURES";
        MigrationView view = ledger.migration(user);
        assertThat(view.state()).as(user).isEqualTo(MigrationState.COMPLETED);
        assertThat(view.openCopyPositions() + view.openElitePositions()).as(user).isZero();
        assertThat(view.completedAt()).as(user).isNotNull();
        List<AccountStatus> accounts = new ArrayList<>(List.of(new AccountStatus(futures, "OPEN"),
                new AccountStatus(user + ":COPY", "OPEN")));
        if (EVER_ELITE.contains(user)) {
            accounts.add(new AccountStatus(user + ":ELITE", "OPEN"));
        }
        accounts.add(new AccountStatus(legacy(user), "RETIRED"));
        assertThat(ledger.accounts(user).accounts()).as(user).containsExactlyElementsOf(accounts);

        assertThat(moneyOf(ledger, user)).as("money of %s per asset, over all accounts", user).isEqualTo(expectedMoney);
        BalanceView legacyAfter = ledger.balance(legacy(user)).orElseThrow();
        assertThat(legacyAfter.balances()).as("legacy wallets of %s", user).allSatisfy(b -> {
            assertThat(b.wallet()).isZero();
            assertThat(b.isolatedMargin()).isZero();
            assertThat(b.crossInitialMargin()).isZero();
        });
        assertThat(ledger.risk(legacy(user)).orElseThrow().positions()).as("legacy positions of %s", user).isEmpty();
        assertThat(ledger.balance(user + ":COPY").orElseThrow().balances()).isEmpty();

        // Moved PERSONAL positions: identical figures (the legacy risk view right before the completion).
        List<Moved> personalBefore = before.legacyRisk().positions().stream()
                .filter(p -> p.book() == PERSONAL).map(Moved::of).toList();
        RiskView futuresRisk = ledger.risk(futures).orElseThrow();
        assertThat(futuresRisk.positions().stream().map(Moved::of).toList()).as("moved positions of %s", user)
                .containsExactlyElementsOf(personalBefore);
        assertThat(futuresRisk.positions()).allSatisfy(p -> {
            assertThat(p.book()).isNull();
            assertThat(p.leader()).isNull();
        });

        // FUTURES from its first event: the twin that got there by ordinary commands shows the same.
        Map<String, BigDecimal> moved = new TreeMap<>();
        for (AssetBalance balance : ledger.balance(futures).orElseThrow().balances()) {
            moved.put(balance.asset(), balance.wallet());
        }
        String twin = twin(ledger, user, moved, futuresRisk.positions());
        assertThat(renamed(ledger.balance(twin).orElseThrow(), futures)).as("balance of %s", futures)
                .isEqualTo(ledger.balance(futures).orElseThrow());
        assertThat(renamed(ledger.risk(twin).orElseThrow(), futures)).as("risk of %s", futures)
                .isEqualTo(futuresRisk);
        PerformanceView performance = ledger.performance(futures).orElseThrow();
        assertThat(renamed(ledger.performance(twin).orElseThrow(), futures)).as("performance of %s", futures)
                .isEqualTo(performance);
        BigDecimal migratedIn = moved.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(performance.netInflow()).as("netInflow of %s", futures).isEqualByComparingTo(migratedIn);
        assertThat(performance.peakNetInflow()).isEqualByComparingTo(migratedIn);
        assertThat(performance.realizedPnl()).isZero();
        assertThat(performance.fees()).isZero();
        assertThat(performance.maxDrawdown()).isZero();
        assertThat(performance.wins() + performance.losses()).isZero();
        // Every legacy wallet arrived whole in FUTURES, asset by asset (COPY and ELITE start empty).
        Map<String, BigDecimal> futuresWallets = new TreeMap<>();
        moved.forEach((asset, wallet) -> futuresWallets.put(asset, wallet.setScale(8)));
        assertThat(futuresWallets).as("FUTURES wallets of %s", user).isEqualTo(expectedMoney);
    }

    /** The position figures that move: everything but book, leader and the account-wide liquidatable flag. */
    private record Moved(String symbol, PositionSide side, BigDecimal quantity, BigDecimal entryPrice,
                         BigDecimal entryNotional, BigDecimal markPrice, int leverage, MarginMode marginMode,
                         BigDecimal positionMargin, BigDecimal unrealizedPnl, BigDecimal maintenanceMargin,
                         BigDecimal liquidationPrice) {
        static Moved of(RiskPosition p) {
            return new Moved(p.symbol(), p.side(), s8(p.quantity()), s8(p.entryPrice()), s8(p.entryNotional()),
                    s8(p.markPrice()), p.leverage(), p.marginMode(), s8(p.positionMargin()), s8(p.unrealizedPnl()),
                    s8(p.maintenanceMargin()), s8(p.liquidationPrice()));
        }
    }

    private static BigDecimal s8(BigDecimal value) {
        return value == null ? null : value.setScale(8, RoundingMode.UNNECESSARY);
    }

    /**
     * Opens {@code twin-USER:FUTURES} and gives it the same wallets (by deposits; a wallet at 0 by a deposit and
     * a withdrawal) and the same positions (one fill each, no fee, at entryNotional / quantity). Returns its name.
     */
    private static String twin(Ledger ledger, String user, Map<String, BigDecimal> wallets, List<RiskPosition> positions) {
        String twin = "twin-" + user + ":FUTURES";
        List<LedgerCommand> commands = new ArrayList<>();
        commands.add(new OpenAccount("twin-open-" + user, twin));
        wallets.forEach((asset, wallet) -> {
            if (wallet.signum() == 0) {
                commands.add(new Deposit("twin-zero-in-" + user + "-" + asset, twin, asset, BigDecimal.ONE));
                commands.add(new Withdraw("twin-zero-out-" + user + "-" + asset, twin, asset, BigDecimal.ONE));
            }
        });
        wallets.forEach((asset, wallet) -> {
            if (wallet.signum() > 0) {
                commands.add(new Deposit("twin-in-" + user + "-" + asset, twin, asset, wallet));
            }
        });
        for (RiskPosition p : positions) {
            BigDecimal price = p.entryNotional().divide(p.quantity()).stripTrailingZeros();
            commands.add(new RecordFill("twin-fill-" + user + "-" + p.symbol(), twin, p.symbol(),
                    p.side() == PositionSide.LONG ? Side.BUY : Side.SELL, p.quantity(), price, BigDecimal.ZERO,
                    p.leverage(), p.marginMode()));
        }
        allAccepted(ledger.executeAll(commands));
        return twin;
    }

    private static BalanceView renamed(BalanceView view, String account) {
        return new BalanceView(account, view.balances());
    }

    private static RiskView renamed(RiskView view, String account) {
        return new RiskView(account, view.crossMaintenanceMargin(), view.crossMarginBalance(), view.crossMarginRatio(),
                view.liquidatable(), view.positions());
    }

    private static PerformanceView renamed(PerformanceView v, String account) {
        return new PerformanceView(account, v.realizedPnl(), v.fees(), v.funding(), v.profitShare(), v.netPnl(),
                v.unrealizedPnl(),
                v.totalPnl(), v.netInflow(), v.peakNetInflow(), v.roi(), v.wins(), v.losses(), v.winRate(),
                v.maxDrawdown());
    }

    /** Verify mode finds no difference in any read model; a rebuild of the migration model changes no answer. */
    static void assertRebuiltEqualsLive(Ledger ledger) {
        assertRebuiltEqualsLive(ledger, USERS);
    }

    static void assertRebuiltEqualsLive(Ledger ledger, List<String> users) {
        ledger.awaitReadModels();
        Map<String, MigrationView> live = new LinkedHashMap<>();
        for (String user : users) {
            live.put(user, ledger.migration(user));
        }
        MigrationSummary liveSummary = ledger.migrationSummary();
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());
        for (String name : ProjectionCatalog.names()) {
            assertThat(rebuilder.rebuild(name, true, ProjectionRebuilder.Progress.NONE).differences())
                    .as("rebuilt %s against live", name).isEmpty();
        }
        assertThat(rebuilder.rebuild("migration", false, ProjectionRebuilder.Progress.NONE).switched()).isTrue();
        for (String user : users) {
            assertThat(ledger.migration(user)).as("rebuilt migration of %s", user).isEqualTo(live.get(user));
        }
        assertThat(ledger.migrationSummary()).isEqualTo(liveSummary);
    }

    static MigrationSummary summary(MigrationPhase phase, int notStarted, int waiting, int completed) {
        return new MigrationSummary(phase, Map.of(MigrationState.NOT_STARTED, notStarted,
                MigrationState.WAITING, waiting, MigrationState.COMPLETED, completed));
    }

    static Outcome.Accepted accepted(String id) {
        return new Outcome.Accepted(id);
    }

    static void allAccepted(List<Outcome> outcomes) {
        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));
    }

    static void refused(Ledger ledger, LedgerCommand command, RejectionCode code) {
        assertThat(ledger.execute(command)).as("%s", command)
                .isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.code()).isEqualTo(code));
    }

    private static void refusedBookingNothing(Ledger ledger, LedgerCommand command) {
        long stored = RawEvents.count(ledger.store().dataSource());
        refused(ledger, command, RejectionCode.MIGRATION_RESTRICTED);
        assertThat(RawEvents.count(ledger.store().dataSource())).as("events after refusing %s", command.id())
                .isEqualTo(stored);
    }

    private static void passes(Ledger ledger, LedgerCommand command) {
        assertThat(ledger.execute(command)).as("%s", command).isEqualTo(accepted(command.id()));
    }
}
