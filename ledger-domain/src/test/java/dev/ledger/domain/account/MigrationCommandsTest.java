package dev.ledger.domain.account;

import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.FundsMigratedIn;
import dev.ledger.domain.event.FundsMigratedOut;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.event.MigrationOverdue;
import dev.ledger.domain.event.MigrationStarted;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.PositionMigratedOut;
import dev.ledger.domain.migration.CompleteMigration;
import dev.ledger.domain.migration.MarkMigrationOverdue;
import dev.ledger.domain.testing.ByValue;
import dev.ledger.domain.testing.InMemoryLedger;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.ledger.domain.testing.Given.BTC;
import static dev.ledger.domain.testing.Given.ETH;
import static dev.ledger.domain.testing.Given.USDT;
import static dev.ledger.domain.testing.Given.d;
import static dev.ledger.domain.value.Book.COPY;
import static dev.ledger.domain.value.Book.ELITE;
import static dev.ledger.domain.value.Book.PERSONAL;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.PositionSide.SHORT;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The account side of the migration (accounting.md, "Migration") on the ledger's write side over an
 * in-memory store: {@code StartMigration} (once; a second start changes nothing), the restrictions it
 * puts on the legacy account, {@code CompleteMigration} (opens the new accounts, moves every wallet and
 * PERSONAL position exactly, retires the legacy account; a second one changes nothing) and
 * {@code MarkMigrationOverdue}. The saga that sends CompleteMigration is tested in {@code MigrationSagaTest}.
 */
class MigrationCommandsTest {

    private static final String USER = "alice";
    private static final String LEGACY = "alice:LEGACY";
    private static final String FUTURES = "alice:FUTURES";
    private static final String BTC_ASSET = "BTC";
    private static final Instant NOW = Instant.parse("2026-04-01T08:00:00Z");

    private final InMemoryLedger ledger = new InMemoryLedger();
    private Clock axonClockBefore;

    @BeforeEach
    void fixTheEventClock() {
        axonClockBefore = GenericEventMessage.clock;
        GenericEventMessage.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ledger.accept(new ConfigureSymbol("m1", BTC, USDT, d("0.005"), 125),
                new ConfigureSymbol("m2", ETH, USDT, d("0.01"), 50));
    }

    @AfterEach
    void close() {
        GenericEventMessage.clock = axonClockBefore;
        ledger.close();
    }

    private static void assertEvents(List<Object> actual, Object... expected) {
        assertThat(actual).usingElementComparator((a, b) -> ByValue.sameValue(a, b) ? 0 : 1).containsExactly(expected);
    }

    private static RecordFill fill(String id, Side side, String quantity, String price, int leverage, MarginMode mode,
                                   Book book, String leader) {
        return new RecordFill(id, LEGACY, BTC, side, d(quantity), d(price), d("0"), leverage, mode, book, leader);
    }

    private static RecordFill fill(String id, String symbol, Side side, String quantity, String price, int leverage,
                                   MarginMode mode, Book book, String leader) {
        return new RecordFill(id, LEGACY, symbol, side, d(quantity), d(price), d("0"), leverage, mode, book, leader);
    }

    private List<Object> newEvents(int before) {
        List<Object> all = ledger.allEvents();
        return all.subList(before, all.size());
    }

    private void legacyWithMoney() {
        ledger.accept(new OpenAccount("o1", LEGACY), new Deposit("d1", LEGACY, USDT, d("100000")),
                new Deposit("d2", LEGACY, BTC_ASSET, d("0.5")), new Withdraw("w2", LEGACY, BTC_ASSET, d("0.5")));
    }

    @Nested
    class StartMigrationCommand {

        @Test
        void refusesAUserWithoutALegacyAccountAsAccountNotFound() {
            assertThat(ledger.send(new StartMigration("s1", "nobody"))).isEqualTo(RejectionCode.ACCOUNT_NOT_FOUND);
            ledger.accept(new OpenAccount("o1", "bob:FUTURES"));
            assertThat(ledger.send(new StartMigration("s2", "bob"))).isEqualTo(RejectionCode.ACCOUNT_NOT_FOUND);
        }

        @Test
        void countsTheOpenCopyAndElitePositionsAtTheStart() {
            legacyWithMoney();
            ledger.accept(fill("f1", BUY, "1", "30000", 10, ISOLATED, PERSONAL, null),
                    fill("f2", SELL, "1", "30000", 10, ISOLATED, COPY, "bob"),
                    fill("f3", ETH, BUY, "2", "2000", 5, CROSS, COPY, "carol"),
                    fill("f4", BUY, "0.1", "30000", 10, CROSS, ELITE, null));
            int before = ledger.allEvents().size();

            ledger.accept(new StartMigration("s1", USER));

            assertEvents(newEvents(before), new MigrationStarted(LEGACY, USER, 2, 1));
        }

        @Test
        void acceptsASecondStartAndChangesNothing() {
            legacyWithMoney();
            ledger.accept(fill("f1", SELL, "1", "30000", 10, ISOLATED, COPY, "bob"), new StartMigration("s1", USER));
            int before = ledger.allEvents().size();

            assertThat(ledger.send(new StartMigration("s2", USER))).isNull();

            assertThat(newEvents(before)).isEmpty();
        }

        @Test
        void refusesOpeningOrIncreasingCopyAndElitePositionsOnceStartedButLetsPersonalOnesOpen() {
            legacyWithMoney();
            ledger.accept(fill("f1", SELL, "1", "30000", 10, ISOLATED, COPY, "bob"), new StartMigration("s1", USER));

            assertThat(ledger.send(fill("f2", SELL, "1", "30000", 10, ISOLATED, COPY, "bob")))
                    .as("increase COPY").isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.send(fill("f3", ETH, BUY, "1", "2000", 10, ISOLATED, COPY, "bob")))
                    .as("open COPY").isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.send(fill("f4", BUY, "1", "30000", 10, ISOLATED, ELITE, null)))
                    .as("open ELITE").isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.send(fill("f5", BUY, "2", "30000", 10, ISOLATED, COPY, "bob")))
                    .as("flip COPY").isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.send(fill("f6", BUY, "1", "30000", 10, ISOLATED, PERSONAL, null)))
                    .as("open PERSONAL").isNull();
            assertThat(ledger.send(fill("f7", BUY, "0.4", "30000", 10, ISOLATED, COPY, "bob")))
                    .as("reduce COPY").isNull();
        }
    }

    @Nested
    class CompleteMigrationCommand {

        @Test
        void opensFuturesAndCopyMovesEveryWalletAndPersonalPositionExactlyAndRetiresTheLegacyAccount() {
            legacyWithMoney();
            ledger.accept(fill("f1", BUY, "0.3", "30000.5", 7, ISOLATED, PERSONAL, null),
                    fill("f2", ETH, SELL, "3", "2000.25", 3, CROSS, PERSONAL, null),
                    fill("f3", SELL, "1", "30000", 10, ISOLATED, COPY, "bob"),
                    fill("f4", BUY, "1", "30000", 10, ISOLATED, COPY, "bob"),
                    new StartMigration("s1", USER));
            int before = ledger.allEvents().size();

            ledger.accept(new CompleteMigration("migration-complete:alice", USER));

            // 0.3 * 30000.5 = 9000.15 notional, 9000.15 / 7 = 1285.73571428571... -> margin 1285.73571429
            assertEvents(newEvents(before),
                    new AccountOpened(FUTURES, USER, AccountType.FUTURES),
                    new AccountOpened("alice:COPY", USER, AccountType.COPY),
                    new FundsMigratedOut(LEGACY, FUTURES, BTC_ASSET, d("0"), d("0")),
                    new FundsMigratedIn(FUTURES, LEGACY, BTC_ASSET, d("0"), d("0")),
                    new FundsMigratedOut(LEGACY, FUTURES, USDT, d("100000"), d("0")),
                    new FundsMigratedIn(FUTURES, LEGACY, USDT, d("100000"), d("100000")),
                    new PositionMigratedOut(LEGACY, FUTURES, BTC, USDT, PERSONAL, LONG, d("0.3"), d("9000.15"), 7,
                            ISOLATED, d("1285.73571429")),
                    new PositionMigratedIn(FUTURES, LEGACY, BTC, USDT, LONG, d("0.3"), d("9000.15"), 7, ISOLATED,
                            d("1285.73571429")),
                    new PositionMigratedOut(LEGACY, FUTURES, ETH, USDT, PERSONAL, SHORT, d("3"), d("6000.75"), 3,
                            CROSS, d("0")),
                    new PositionMigratedIn(FUTURES, LEGACY, ETH, USDT, SHORT, d("3"), d("6000.75"), 3, CROSS, d("0")),
                    new MigrationCompleted(LEGACY, USER, List.of(FUTURES, "alice:COPY")));
        }

        @Test
        void opensEliteToWhenTheLegacyAccountEverHadAnEliteFillEvenIfItClosedBeforeTheStart() {
            legacyWithMoney();
            ledger.accept(fill("f1", BUY, "0.1", "30000", 10, ISOLATED, ELITE, null),
                    fill("f2", SELL, "0.1", "30000", 10, ISOLATED, ELITE, null),
                    new StartMigration("s1", USER));
            int before = ledger.allEvents().size();

            ledger.accept(new CompleteMigration("migration-complete:alice", USER));

            List<Object> events = newEvents(before);
            assertThat(events.get(events.size() - 1)).isEqualTo(
                    new MigrationCompleted(LEGACY, USER, List.of(FUTURES, "alice:COPY", "alice:ELITE")));
            assertThat(ledger.events("alice:ELITE")).containsExactly(
                    new AccountOpened("alice:ELITE", USER, AccountType.ELITE));
        }

        @Test
        void changesNothingTheSecondTime() {
            legacyWithMoney();
            ledger.accept(new StartMigration("s1", USER), new CompleteMigration("migration-complete:alice", USER));
            int before = ledger.allEvents().size();

            assertThat(ledger.send(new CompleteMigration("migration-complete:alice", USER))).isNull();

            assertThat(newEvents(before)).isEmpty();
        }

        @Test
        void treatsACompletionWhileACopyPositionIsOpenAsABug() {
            legacyWithMoney();
            ledger.accept(fill("f1", SELL, "1", "30000", 10, ISOLATED, COPY, "bob"), new StartMigration("s1", USER));
            int before = ledger.allEvents().size();

            assertThat(ledger.failure(new CompleteMigration("migration-complete:alice", USER)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("before its copy and elite positions closed");
            assertThat(newEvents(before)).isEmpty();
        }

        @Test
        void treatsACompletionBeforeTheStartAsABug() {
            legacyWithMoney();
            assertThat(ledger.failure(new CompleteMigration("migration-complete:alice", USER)))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void refusesEveryLaterCommandNamingTheRetiredLegacyAccountButNotTheNewOnes() {
            legacyWithMoney();
            ledger.accept(fill("f1", BUY, "0.1", "30000", 10, ISOLATED, PERSONAL, null),
                    new StartMigration("s1", USER), new CompleteMigration("migration-complete:alice", USER));

            assertThat(ledger.send(new Deposit("x1", LEGACY, USDT, d("1")))).isEqualTo(RejectionCode.ACCOUNT_RETIRED);
            assertThat(ledger.send(new OpenAccount("x2", LEGACY))).isEqualTo(RejectionCode.ACCOUNT_RETIRED);
            assertThat(ledger.send(fill("x3", SELL, "0.1", "30000", 10, ISOLATED, PERSONAL, null)))
                    .isEqualTo(RejectionCode.ACCOUNT_RETIRED);
            assertThat(ledger.send(new Liquidate("x4", LEGACY, BTC, d("30000"), PERSONAL)))
                    .isEqualTo(RejectionCode.ACCOUNT_RETIRED);
            assertThat(ledger.send(new OpenAccount("x5", FUTURES))).isEqualTo(RejectionCode.ACCOUNT_ALREADY_OPEN);
            assertThat(ledger.send(new OpenAccount("x6", "alice:ELITE"))).isNull();
            // The moved position goes on in FUTURES with the figures it had.
            assertThat(ledger.send(new RecordFill("x7", FUTURES, BTC, SELL, d("0.1"), d("31000"), d("0"), 10, ISOLATED)))
                    .isNull();
            assertThat(ledger.send(new StartMigration("x8", USER))).as("start after completion").isNull();
            assertThat(ledger.events(LEGACY).get(ledger.events(LEGACY).size() - 1))
                    .isInstanceOf(MigrationCompleted.class);
        }
    }

    @Nested
    class MarkMigrationOverdueCommand {

        @Test
        void recordsOneOverdueEventWithTheStartTimeAndTheOpenCountsWhileTheUserWaits() {
            legacyWithMoney();
            ledger.accept(fill("f1", SELL, "1", "30000", 10, ISOLATED, COPY, "bob"),
                    fill("f2", BUY, "1", "30000", 10, ISOLATED, ELITE, null), new StartMigration("s1", USER));
            int before = ledger.allEvents().size();

            ledger.accept(new MarkMigrationOverdue("migration-overdue:alice", USER, NOW.plusSeconds(1)));
            ledger.accept(new MarkMigrationOverdue("migration-overdue:alice:again", USER, NOW.plusSeconds(2)));

            assertEvents(newEvents(before), new MigrationOverdue(LEGACY, USER, NOW, 1, 1));
            assertThat(ledger.reminders().calls()).containsExactly("cancel alice", "cancel alice");
        }

        @Test
        void recordsNothingForAUserWhoCompletedOrNeverStartedOrHasNoLegacyAccount() {
            legacyWithMoney();
            ledger.accept(new OpenAccount("o2", "bob:LEGACY"));
            ledger.accept(new StartMigration("s1", USER), new CompleteMigration("migration-complete:alice", USER));
            int before = ledger.allEvents().size();

            ledger.accept(new MarkMigrationOverdue("r1", USER, NOW), new MarkMigrationOverdue("r2", "bob", NOW),
                    new MarkMigrationOverdue("r3", "nobody", NOW));

            assertThat(newEvents(before)).isEmpty();
        }
    }

    @Test
    void movesEachWalletWhateverTradingLeftInItAndThePartlyReducedPositionAsItIsNow() {
        legacyWithMoney();
        ledger.accept(new Deposit("d3", LEGACY, "ETH", d("1.23456789")),
                fill("f1", BUY, "0.3", "30000.5", 7, ISOLATED, PERSONAL, null),
                new RecordFill("f2", LEGACY, BTC, SELL, d("0.1"), d("30100"), d("1.5"), 7, ISOLATED, PERSONAL, null),
                new StartMigration("s1", USER));
        int before = ledger.allEvents().size();

        ledger.accept(new CompleteMigration("c", USER));

        // USDT: 100000 + realized (round8(30100*0.1) - round8(9000.15*0.1/0.3) = 3010 - 3000.05 = 9.95) - fee 1.5.
        // The position: 0.2 left, entryNotional 9000.15 - 3000.05, margin 1285.73571429 - 428.57857143.
        List<Object> events = newEvents(before);
        assertEvents(events.subList(2, events.size()),
                new FundsMigratedOut(LEGACY, FUTURES, BTC_ASSET, d("0"), d("0")),
                new FundsMigratedIn(FUTURES, LEGACY, BTC_ASSET, d("0"), d("0")),
                new FundsMigratedOut(LEGACY, FUTURES, "ETH", d("1.23456789"), d("0")),
                new FundsMigratedIn(FUTURES, LEGACY, "ETH", d("1.23456789"), d("1.23456789")),
                new FundsMigratedOut(LEGACY, FUTURES, USDT, d("100008.45"), d("0")),
                new FundsMigratedIn(FUTURES, LEGACY, USDT, d("100008.45"), d("100008.45")),
                new PositionMigratedOut(LEGACY, FUTURES, BTC, USDT, PERSONAL, LONG, d("0.2"), d("6000.10"), 7,
                        ISOLATED, d("857.15714286")),
                new PositionMigratedIn(FUTURES, LEGACY, BTC, USDT, LONG, d("0.2"), d("6000.10"), 7, ISOLATED,
                        d("857.15714286")),
                new MigrationCompleted(LEGACY, USER, List.of(FUTURES, "alice:COPY")));
    }
}
