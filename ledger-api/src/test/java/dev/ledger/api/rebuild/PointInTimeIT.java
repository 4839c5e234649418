package dev.ledger.api.rebuild;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.history.HistoryCheckpoints;
import dev.ledger.api.support.AccountViews;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RandomTrading;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.risk.RiskPosition;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.ledger.api.support.Commands.buy;
import static dev.ledger.api.support.Commands.configure;
import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.funding;
import static dev.ledger.api.support.Commands.mark;
import static dev.ledger.api.support.Commands.nextId;
import static dev.ledger.api.support.Commands.open;
import static dev.ledger.api.support.Commands.sell;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A point-in-time answer equals the live answer that was recorded at that time (cli.md: {@code query ...
 * --at}). With a clock that moves one second before each command, a seeded random script trades on three
 * accounts (one of them opened a quarter of the way in) while marks move and a symbol's maintenance margin
 * rate is re-configured now and then; after each command the live balance, risk and performance of every
 * watched account are recorded. Afterwards {@code balanceAt}, {@code riskAt} and {@code performanceAt} at
 * each recorded instant, and half a second after some of them, equal the recorded views; before an
 * account's opening they are empty.
 */
class PointInTimeIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final long SEED = 424_242L;
    private static final int STEPS = 45;
    private static final String PAT = "pat:FUTURES";
    private static final String PAT_COPY = "pat:COPY";
    private static final String QUIN = "quin:FUTURES";
    private static final List<String> WATCHED = List.of(PAT, PAT_COPY, QUIN);
    private static final BigDecimal SIZE = new BigDecimal("20000");

    @OnEveryStore
    void answersAsOfEveryRecordedInstantExactlyWhatWasLiveThen(StoreKind store) {
        answersAsOfEveryRecordedInstant(store, HistoryCheckpoints.DEFAULT_INTERVAL);
    }

    /**
     * The same with a history checkpoint every 3 events of a stream: the answers restore checkpoints (built
     * in the background as the commands commit, and by the queries themselves) and replay only the events
     * after them, and are still exactly what was live.
     */
    @OnEveryStore
    void fromHistoryCheckpointsAnswersTheSame(StoreKind store) {
        Ledger ledger = answersAsOfEveryRecordedInstant(store, 3);
        assertThat(checkpointsOf(ledger, PAT)).as("checkpoints of " + PAT).isGreaterThan(5);
        assertThat(checkpointsOf(ledger, "MARKET")).as("checkpoints of the market").isGreaterThan(2);
    }

    private static long checkpointsOf(Ledger ledger, String stream) {
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT COUNT(*) FROM history_checkpoint WHERE stream_id = ?")) {
            count.setString(1, stream);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Ledger answersAsOfEveryRecordedInstant(StoreKind store, int checkpointInterval) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(clock)
                .historyCheckpointInterval(checkpointInterval));
        Random random = new Random(SEED);
        RandomTrading trading = new RandomTrading(random, "p");
        Instant beforeEverything = clock.instant();

        List<LedgerCommand> script = new ArrayList<>(trading.listings());
        script.add(new OpenAccount(trading.nextId(), PAT));
        script.add(new Deposit(trading.nextId(), PAT, RandomTrading.ASSET, SIZE.multiply(BigDecimal.valueOf(2))));
        script.add(new OpenAccount(trading.nextId(), QUIN));
        script.add(new Deposit(trading.nextId(), QUIN, RandomTrading.ASSET, SIZE));
        Map<Instant, Map<String, AccountViews>> recorded = new TreeMap<>();
        List<String> open = new ArrayList<>(List.of(PAT, QUIN));
        int accepted = 0;
        Instant reconfiguredAt = null;
        for (int step = 0; step < script.size() + STEPS; step++) {
            LedgerCommand command;
            if (step < script.size()) {
                command = script.get(step);
            } else if (step == script.size() + STEPS / 4) {
                command = new OpenAccount(trading.nextId(), PAT_COPY);
                open.add(PAT_COPY);
            } else if (step == script.size() + STEPS / 4 + 1) {
                command = new Transfer(trading.nextId(), PAT, PAT_COPY, RandomTrading.ASSET, SIZE.divide(BigDecimal.valueOf(2)));
            } else if (step == script.size() + STEPS / 2) {
                // A new rate applies to positions opened before it, from now on only: riskAt before it keeps the old one.
                command = new ConfigureSymbol(trading.nextId(), "BTCUSDT", "USDT", new BigDecimal("0.025"), 125);
                reconfiguredAt = clock.instant().plusSeconds(1);
            } else {
                int kind = random.nextInt(100);
                command = kind < 20 ? trading.market()
                        : kind < 27 ? trading.money(PAT, SIZE)
                        : trading.trade(open.get(random.nextInt(open.size())), SIZE);
            }
            clock.advance(Duration.ofSeconds(1));
            Outcome outcome = ledger.execute(command);
            trading.record(command, outcome);
            accepted += outcome instanceof Outcome.Accepted ? 1 : 0;
            Map<String, AccountViews> views = new TreeMap<>();
            for (String account : WATCHED) {
                views.put(account, AccountViews.live(ledger, account));
            }
            recorded.put(clock.instant(), views);
        }
        assertThat(accepted).as("accepted commands").isGreaterThan(STEPS / 2);

        for (String account : WATCHED) {
            assertThat(AccountViews.at(ledger, account, beforeEverything)).as("%s before everything", account)
                    .isEqualTo(AccountViews.none(account));
        }
        int checked = 0;
        int copyEmpty = 0;
        for (Map.Entry<Instant, Map<String, AccountViews>> entry : recorded.entrySet()) {
            Instant at = entry.getKey();
            for (String account : WATCHED) {
                AccountViews then = entry.getValue().get(account);
                assertThat(AccountViews.at(ledger, account, at)).as("%s at %s", account, at).isEqualTo(then);
                copyEmpty += account.equals(PAT_COPY) && then.balance().isEmpty() ? 1 : 0;
                checked++;
            }
            if (checked % 4 == 0) {
                // Between two commands the answer is the earlier one's.
                Instant between = at.plusMillis(500);
                assertThat(AccountViews.at(ledger, PAT, between)).as("%s at %s", PAT, between)
                        .isEqualTo(entry.getValue().get(PAT));
            }
        }
        assertThat(maintenanceChanged(recorded, reconfiguredAt)).as("a BTC maintenance margin moved with the new rate")
                .isTrue();
        assertThat(copyEmpty).as("instants before %s was opened, answered empty", PAT_COPY).isGreaterThan(5);
        // And the latest instant answers what is live now.
        for (String account : WATCHED) {
            assertThat(AccountViews.at(ledger, account, clock.instant().plusSeconds(3600)))
                    .isEqualTo(AccountViews.live(ledger, account));
        }
        return ledger;
    }

    /**
     * Across a legacy migration: the legacy account (its PERSONAL and COPY-book positions, its retirement)
     * and the FUTURES account the migration opens and moves the PERSONAL position and the funds into.
     */
    @OnEveryStore
    void answersAcrossALegacyMigrationWhatWasLiveThen(StoreKind store) {
        answersAcrossALegacyMigration(store, HistoryCheckpoints.DEFAULT_INTERVAL);
    }

    @OnEveryStore
    void fromHistoryCheckpointsAnswersAcrossALegacyMigrationTheSame(StoreKind store) {
        answersAcrossALegacyMigration(store, 2);
    }

    private void answersAcrossALegacyMigration(StoreKind store, int checkpointInterval) {
        MutableClock clock = new MutableClock(Instant.parse("2026-04-01T00:00:00Z"));
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(clock)
                .historyCheckpointInterval(checkpointInterval));
        String legacy = "lea:LEGACY";
        String futures = "lea:FUTURES";
        List<String> watched = List.of(legacy, futures, "lea:COPY");
        List<LedgerCommand> script = List.of(
                configure("BTCUSDT", "USDT", "0.005", 125),
                configure("ETHUSDT", "USDT", "0.01", 50),
                open(legacy),
                deposit(legacy, "USDT", "10000"),
                buy(legacy, "BTCUSDT", "0.5", "30000", "1.5", 10, MarginMode.ISOLATED),
                new RecordFill(nextId(), legacy, "ETHUSDT", Side.BUY, new BigDecimal("1"), new BigDecimal("2000"),
                        new BigDecimal("0.4"), 5, MarginMode.CROSS, Book.COPY, "ann"),
                mark("BTCUSDT", "31000"),
                new StartMigration(nextId(), "lea"),
                funding(legacy, "BTCUSDT", "0.0001", "31000"),
                mark("ETHUSDT", "1900"),
                new RecordFill(nextId(), legacy, "ETHUSDT", Side.SELL, new BigDecimal("1"), new BigDecimal("2100"),
                        new BigDecimal("0.42"), 5, MarginMode.CROSS, Book.COPY, "ann"),
                sell(futures, "BTCUSDT", "0.2", "31500", "0.63", 10, MarginMode.ISOLATED),
                mark("BTCUSDT", "29000"),
                deposit(futures, "USDT", "100"),
                sell(futures, "BTCUSDT", "0.3", "29500", "0", 10, MarginMode.ISOLATED));
        Map<Instant, Map<String, AccountViews>> recorded = new TreeMap<>();
        for (LedgerCommand command : script) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(ledger.execute(command)).as("%s", command).isEqualTo(new Outcome.Accepted(command.id()));
            Map<String, AccountViews> views = new TreeMap<>();
            for (String account : watched) {
                views.put(account, AccountViews.live(ledger, account));
            }
            recorded.put(clock.instant(), views);
        }
        assertThat(ledger.migration("lea").state()).isEqualTo(MigrationState.COMPLETED);

        recorded.forEach((at, views) -> views.forEach((account, then) ->
                assertThat(AccountViews.at(ledger, account, at)).as("%s at %s", account, at).isEqualTo(then)));
    }

    /** Whether some watched account's BTC maintenance margin differs just before and just after {@code at}. */
    private static boolean maintenanceChanged(Map<Instant, Map<String, AccountViews>> recorded, Instant at) {
        Map<String, AccountViews> before = recorded.get(at.minusSeconds(1));
        Map<String, AccountViews> after = recorded.get(at);
        for (String account : WATCHED) {
            BigDecimal was = btcMaintenance(before.get(account));
            BigDecimal is = btcMaintenance(after.get(account));
            if (was != null && is != null && was.compareTo(is) != 0) {
                return true;
            }
        }
        return false;
    }

    private static BigDecimal btcMaintenance(AccountViews views) {
        return views.risk().flatMap(r -> r.positions().stream().filter(p -> p.symbol().equals("BTCUSDT")).findFirst())
                .map(RiskPosition::maintenanceMargin).orElse(null);
    }
}
