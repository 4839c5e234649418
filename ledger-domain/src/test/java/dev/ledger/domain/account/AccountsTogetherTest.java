package dev.ledger.domain.account;

import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import dev.ledger.domain.testing.ByValue;
import dev.ledger.domain.testing.InMemoryLedger;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.RejectionCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ledger.domain.testing.Given.BTC;
import static dev.ledger.domain.testing.Given.USDT;
import static dev.ledger.domain.testing.Given.accountOpened;
import static dev.ledger.domain.testing.Given.d;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands whose decision or effect involves more than one aggregate — transfers (two accounts),
 * OpenAccount next to the user's other accounts, fills that read the real market — on the ledger's
 * write side over an in-memory event store. An {@code AggregateTestFixture} holds one aggregate only,
 * so these are plain tests that send commands and read each aggregate's events back.
 */
class AccountsTogetherTest {

    private static final String FUTURES = "alice:FUTURES";
    private static final String COPY = "alice:COPY";
    private static final String ELITE = "alice:ELITE";

    private final InMemoryLedger ledger = new InMemoryLedger();

    @AfterEach
    void close() {
        ledger.close();
    }

    private static void assertEvents(List<Object> actual, Object... expected) {
        assertThat(actual).usingElementComparator((a, b) -> ByValue.sameValue(a, b) ? 0 : 1).containsExactly(expected);
    }

    private static ConfigureSymbol btc(String id, int maxLeverage) {
        return new ConfigureSymbol(id, BTC, USDT, d("0.005"), maxLeverage);
    }

    @Nested
    class TransferCommand {

        @Test
        void debitsTheSourceCreditsTheTargetAndSettlesWithNothingLeftInTransit() {
            ledger.accept(new OpenAccount("c1", FUTURES), new OpenAccount("c2", COPY),
                    new Deposit("c3", FUTURES, USDT, d("1000")));
            int before = ledger.allEvents().size();

            assertThat(ledger.send(new Transfer("t1", FUTURES, COPY, USDT, d("250.5")))).isNull();

            assertEvents(ledger.allEvents().subList(before, ledger.allEvents().size()),
                    new TransferSent("t1", FUTURES, COPY, USDT, d("250.5"), d("749.5"), d("250.5")),
                    new TransferReceived("t1", FUTURES, COPY, USDT, d("250.5"), d("250.5")),
                    new TransferSettled("t1", FUTURES, COPY, USDT, d("250.5"), d("0")));
            assertEvents(ledger.events(COPY), accountOpened(COPY),
                    new TransferReceived("t1", FUTURES, COPY, USDT, d("250.5"), d("250.5")));
        }

        @Test
        void movesMoneyBackFromCopyAndFromEliteToFutures() {
            ledger.accept(new OpenAccount("c1", FUTURES), new OpenAccount("c2", COPY), new OpenAccount("c3", ELITE),
                    new Deposit("c4", FUTURES, USDT, d("1000")),
                    new Transfer("t1", FUTURES, COPY, USDT, d("300")),
                    new Transfer("t2", FUTURES, ELITE, USDT, d("200")));

            assertThat(ledger.send(new Transfer("t3", COPY, FUTURES, USDT, d("300")))).isNull();
            assertThat(ledger.send(new Transfer("t4", ELITE, FUTURES, USDT, d("0.00000001")))).isNull();

            assertEvents(ledger.events(FUTURES).subList(ledger.events(FUTURES).size() - 2, ledger.events(FUTURES).size()),
                    new TransferReceived("t3", COPY, FUTURES, USDT, d("300"), d("800")),
                    new TransferReceived("t4", ELITE, FUTURES, USDT, d("0.00000001"), d("800.00000001")));
        }

        @Test
        void refusesMoreThanAvailableAndBooksNothingInEitherAccount() {
            ledger.accept(new OpenAccount("c1", FUTURES), new OpenAccount("c2", COPY),
                    new Deposit("c3", FUTURES, USDT, d("1000")));
            List<Object> before = ledger.allEvents();

            assertThat(ledger.send(new Transfer("t1", FUTURES, COPY, USDT, d("1000.00000001"))))
                    .isEqualTo(RejectionCode.INSUFFICIENT_FUNDS);

            assertThat(ledger.allEvents()).isEqualTo(before);
        }

        @Test
        void limitsATransferOutByACrossUnrealizedLossAtTheLatestMark() {
            // CROSS LONG 1 at 30000, 10x: 3000; mark 29000: -1000. 10000 - 3000 - 1000 = 6000.
            ledger.accept(btc("m1", 125), new OpenAccount("c1", FUTURES), new OpenAccount("c2", COPY),
                    new Deposit("c3", FUTURES, USDT, d("10000")),
                    new RecordFill("f1", FUTURES, BTC, BUY, d("1"), d("30000"), d("0"), 10, CROSS),
                    new UpdateMarkPrice("m2", BTC, d("29000")));

            assertThat(ledger.send(new Transfer("t1", FUTURES, COPY, USDT, d("6000.00000001"))))
                    .isEqualTo(RejectionCode.INSUFFICIENT_FUNDS);
            assertThat(ledger.send(new Transfer("t2", FUTURES, COPY, USDT, d("6000")))).isNull();
        }

        @Test
        void makesTheMoneyUsableInTheTargetAsSoonAsItIsAccepted() {
            ledger.accept(btc("m1", 125), new OpenAccount("c1", FUTURES), new OpenAccount("c2", COPY),
                    new Deposit("c3", FUTURES, USDT, d("3000")),
                    new Transfer("t1", FUTURES, COPY, USDT, d("3000")));

            assertThat(ledger.send(new RecordFill("f1", COPY, BTC, BUY, d("1"), d("30000"), d("0"), 10, ISOLATED)))
                    .isNull();
            assertThat(ledger.send(new Withdraw("w1", FUTURES, USDT, d("0.00000001"))))
                    .isEqualTo(RejectionCode.INSUFFICIENT_FUNDS);
        }

        @Test
        void touchesNoOtherAccountOfTheUser() {
            ledger.accept(new OpenAccount("c1", FUTURES), new OpenAccount("c2", COPY), new OpenAccount("c3", ELITE),
                    new Deposit("c4", FUTURES, USDT, d("1000")));

            ledger.accept(new Transfer("t1", FUTURES, COPY, USDT, d("10")));

            assertEvents(ledger.events(ELITE), accountOpened(ELITE));
        }
    }

    @Nested
    class OpenAccountCommand {

        @Test
        void opensALegacyAccountForAUserWithoutAccountsWhateverOtherUsersHave() {
            ledger.accept(new OpenAccount("c1", "bob:FUTURES"));
            assertThat(ledger.send(new OpenAccount("c2", "alice:LEGACY"))).isNull();
        }

        @Test
        void isNotRestrictedByAnotherUsersLegacyAccount() {
            ledger.accept(new OpenAccount("c1", "bob:LEGACY"));
            assertThat(ledger.send(new OpenAccount("c2", FUTURES))).isNull();
        }

        @Test
        void refusesEveryOtherAccountWhileTheUsersLegacyAccountIsNotRetired() {
            ledger.accept(new OpenAccount("c1", "alice:LEGACY"));
            assertThat(ledger.send(new OpenAccount("c2", FUTURES))).isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.send(new OpenAccount("c3", COPY))).isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.send(new OpenAccount("c4", ELITE))).isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.send(new OpenAccount("c5", "alice:LEGACY")))
                    .isEqualTo(RejectionCode.ACCOUNT_ALREADY_OPEN);
        }

        @Test
        void refusesALegacyAccountOnceTheUserHasAnotherAccount() {
            ledger.accept(new OpenAccount("c1", ELITE));
            assertThat(ledger.send(new OpenAccount("c2", "alice:LEGACY"))).isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            assertThat(ledger.events("alice:LEGACY")).isEmpty();
        }
    }

    @Nested
    class RecordFillWithTheMarketAggregate {

        @Test
        void refusesEverySymbolBeforeAnythingIsListed() {
            ledger.accept(new OpenAccount("c1", FUTURES), new Deposit("c2", FUTURES, USDT, d("10000")));
            assertThat(ledger.send(new RecordFill("f1", FUTURES, BTC, BUY, d("1"), d("30000"), d("0"), 10, CROSS)))
                    .isEqualTo(RejectionCode.UNKNOWN_SYMBOL);
        }

        @Test
        void valuesCrossPositionsAtTheLatestRecordedMark() {
            ledger.accept(btc("m1", 125), new OpenAccount("c1", FUTURES), new Deposit("c2", FUTURES, USDT, d("10000")),
                    new RecordFill("f1", FUTURES, BTC, BUY, d("1"), d("30000"), d("0"), 10, CROSS),
                    new UpdateMarkPrice("m2", BTC, d("25000")),
                    new UpdateMarkPrice("m3", BTC, d("29000")));

            assertThat(ledger.send(new Withdraw("w1", FUTURES, USDT, d("6000.00000001"))))
                    .isEqualTo(RejectionCode.INSUFFICIENT_FUNDS);
            ledger.accept(new Withdraw("w2", FUTURES, USDT, d("6000")));
            List<Object> events = ledger.events(FUTURES);
            assertEvents(events.subList(events.size() - 1, events.size()),
                    new FundsWithdrawn(FUTURES, USDT, d("6000"), d("4000")));
        }

        @Test
        void appliesAReconfiguredMaximumLeverageToPositionsOpenedBefore() {
            ledger.accept(btc("m1", 125), new OpenAccount("c1", FUTURES), new Deposit("c2", FUTURES, USDT, d("10000")),
                    new RecordFill("f1", FUTURES, BTC, BUY, d("1"), d("30000"), d("0"), 100, ISOLATED),
                    btc("m2", 50));

            assertThat(ledger.send(new RecordFill("f2", FUTURES, BTC, SELL, d("1"), d("30000"), d("0"), 100, ISOLATED)))
                    .isEqualTo(RejectionCode.LEVERAGE_TOO_HIGH);
            assertThat(ledger.send(new RecordFill("f3", FUTURES, BTC, SELL, d("1"), d("30000"), d("0"), 50, ISOLATED)))
                    .isNull();
        }

        @Test
        void restrictsLegacyFillsByTheRecordedMigrationPhase() {
            String legacy = "alice:LEGACY";
            ledger.accept(btc("m1", 125), new OpenAccount("c1", legacy), new Deposit("c2", legacy, USDT, d("10000")),
                    new RecordFill("f1", legacy, BTC, BUY, d("1"), d("30000"), d("0"), 10, ISOLATED),
                    new SetMigrationPhase("p1", MigrationPhase.NO_NEW_POSITIONS));

            assertThat(ledger.send(new RecordFill("f2", legacy, BTC, BUY, d("1"), d("30000"), d("0"), 10, ISOLATED)))
                    .isEqualTo(RejectionCode.MIGRATION_RESTRICTED);
            ledger.accept(new RecordFill("f3", legacy, BTC, SELL, d("1"), d("30000"), d("0"), 10, ISOLATED));

            List<Object> events = ledger.events(legacy);
            assertEvents(events.subList(2, events.size()),
                    new PositionOpened(legacy, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("1"), d("30000"),
                            d("30000"), 10, ISOLATED, d("3000")),
                    new PositionReduced(legacy, "f3", BTC, USDT, Book.PERSONAL, LONG, d("1"), d("30000"), d("30000"),
                            d("3000"), d("0"), d("0"), d("0"), d("0"), d("10000")));
        }
    }
}
