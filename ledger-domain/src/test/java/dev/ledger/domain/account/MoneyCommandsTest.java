package dev.ledger.domain.account;

import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.testing.Fixtures;
import dev.ledger.domain.testing.TestMarket;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.RejectionCode;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.ledger.domain.testing.ByValue.events;
import static dev.ledger.domain.testing.Given.BTC;
import static dev.ledger.domain.testing.Given.ETH;
import static dev.ledger.domain.testing.Given.USDT;
import static dev.ledger.domain.testing.Given.accountOpened;
import static dev.ledger.domain.testing.Given.d;
import static dev.ledger.domain.testing.Given.deposited;
import static dev.ledger.domain.testing.Given.positionOpened;
import static dev.ledger.domain.testing.Refusals.refusedWith;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.PositionSide.SHORT;
import static org.hamcrest.Matchers.startsWith;

/**
 * OpenAccount, Deposit, Withdraw and the refusals of Transfer that one account shows. Transfers that
 * reach two accounts, and OpenAccount's look at the user's other accounts where both exist, are in
 * {@link AccountsTogetherTest}.
 */
class MoneyCommandsTest {

    private static final String ALICE = "alice:FUTURES";

    private final TestMarket market = TestMarket.standard();
    private final FixtureConfiguration<Account> fixture = Fixtures.account(ALICE, market);

    @Nested
    class OpenAccountCommand {

        @ParameterizedTest
        @ValueSource(strings = {"alice:FUTURES", "alice:COPY", "alice:ELITE", "alice:LEGACY", "a.B_c-9:FUTURES"})
        void opensAnAccountOfEachType(String account) {
            Fixtures.account(account, market)
                    .givenNoPriorActivity()
                    .when(new OpenAccount("c1", account))
                    .expectEventsMatching(events(accountOpened(account)));
        }

        @Test
        void recordsTheUserAndTheType() {
            fixture.givenNoPriorActivity()
                    .when(new OpenAccount("c1", ALICE))
                    .expectEventsMatching(events(new AccountOpened(ALICE, "alice", AccountType.FUTURES)));
        }

        @Test
        void refusesAnAccountThatIsAlreadyOpen() {
            fixture.given(accountOpened(ALICE))
                    .when(new OpenAccount("c2", ALICE))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_ALREADY_OPEN))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @ValueSource(strings = {"alice", "alice:", ":FUTURES", "alice:SPOT", "alice:futures", "al ice:FUTURES",
                "alice:FUTURES:COPY", "alice/x:FUTURES",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:FUTURES"})
        void refusesANameThatIsNotUserColonType(String account) {
            fixture.givenNoPriorActivity()
                    .when(new OpenAccount("c1", account))
                    .expectException(refusedWith(RejectionCode.INVALID_ACCOUNT))
                    .expectNoEvents();
        }

        @Test
        void acceptsAUserNameOfSixtyFourCharacters() {
            String account = "a".repeat(64) + ":FUTURES";
            Fixtures.account(account, market)
                    .givenNoPriorActivity()
                    .when(new OpenAccount("c1", account))
                    .expectEventsMatching(events(accountOpened(account)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"alice:FUTURES", "alice:COPY", "alice:ELITE"})
        void refusesAnyOtherAccountOfAUserWhoseLegacyAccountIsNotRetired(String account) {
            Fixtures.account("alice:LEGACY", market)
                    .given(accountOpened("alice:LEGACY"))
                    .when(new OpenAccount("c1", account))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @ValueSource(strings = {"alice:FUTURES", "alice:COPY", "alice:ELITE"})
        void refusesALegacyAccountForAUserWhoHasAnotherAccount(String existing) {
            Fixtures.account(existing, market)
                    .given(accountOpened(existing))
                    .when(new OpenAccount("c1", "alice:LEGACY"))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }
    }

    @Nested
    class DepositCommand {

        @Test
        void creditsTheWallet() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Deposit("c1", ALICE, USDT, d("250.12345678")))
                    .expectEventsMatching(events(
                            new FundsDeposited(ALICE, USDT, d("250.12345678"), d("1250.12345678"))));
        }

        @Test
        void keepsAWalletPerAsset() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Deposit("c1", ALICE, "BTC", d("0.5")))
                    .expectEventsMatching(events(new FundsDeposited(ALICE, "BTC", d("0.5"), d("0.5"))));
        }

        @Test
        void acceptsDepositsOnALegacyAccount() {
            Fixtures.account("alice:LEGACY", market)
                    .given(accountOpened("alice:LEGACY"))
                    .when(new Deposit("c1", "alice:LEGACY", USDT, d("10")))
                    .expectEventsMatching(events(new FundsDeposited("alice:LEGACY", USDT, d("10"), d("10"))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"alice:COPY", "alice:ELITE"})
        void refusesDepositsOnCopyAndEliteAccounts(String account) {
            Fixtures.account(account, market)
                    .given(accountOpened(account))
                    .when(new Deposit("c1", account, USDT, d("10")))
                    .expectException(refusedWith(RejectionCode.TRANSFER_NOT_ALLOWED))
                    .expectNoEvents();
        }

        @Test
        void reportsTransferNotAllowedBeforeAMissingAccount() {
            Fixtures.account("alice:COPY", market)
                    .givenNoPriorActivity()
                    .when(new Deposit("c1", "alice:COPY", USDT, d("10")))
                    .expectException(refusedWith(RejectionCode.TRANSFER_NOT_ALLOWED))
                    .expectNoEvents();
        }

        @Test
        void reportsAnInvalidAmountBeforeTransferNotAllowed() {
            Fixtures.account("alice:COPY", market)
                    .given(accountOpened("alice:COPY"))
                    .when(new Deposit("c1", "alice:COPY", USDT, d("-10")))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }

        @Test
        void refusesADepositOnAnAccountThatIsNotOpen() {
            fixture.givenNoPriorActivity()
                    .when(new Deposit("c1", ALICE, USDT, d("10")))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_NOT_FOUND))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "0.000000001", "1000000000000000.00000001"})
        void refusesAnInvalidAmount(String amount) {
            fixture.given(accountOpened(ALICE))
                    .when(new Deposit("c1", ALICE, USDT, d(amount)))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }
    }

    @Nested
    class WithdrawCommand {

        @Test
        void debitsTheWalletUpToAllOfIt() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Withdraw("c1", ALICE, USDT, d("1000")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("1000"), d("0"))));
        }

        @Test
        void refusesMoreThanTheWallet() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Withdraw("c1", ALICE, USDT, d("1000.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
        }

        @Test
        void refusesAnAssetThatWasNeverBooked() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Withdraw("c1", ALICE, "BTC", d("0.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @ValueSource(strings = {"alice:COPY", "alice:ELITE"})
        void refusesWithdrawalsFromCopyAndEliteAccounts(String account) {
            Fixtures.account(account, market)
                    .given(accountOpened(account), deposited(account, "1000", "1000"))
                    .when(new Withdraw("c1", account, USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.TRANSFER_NOT_ALLOWED))
                    .expectNoEvents();
        }

        @Test
        void acceptsWithdrawalsFromALegacyAccount() {
            Fixtures.account("alice:LEGACY", market)
                    .given(accountOpened("alice:LEGACY"), deposited("alice:LEGACY", "1000", "1000"))
                    .when(new Withdraw("c1", "alice:LEGACY", USDT, d("1")))
                    .expectEventsMatching(events(new FundsWithdrawn("alice:LEGACY", USDT, d("1"), d("999"))));
        }

        @Test
        void keepsIsolatedMarginOutOfReach() {
            // 10000 - 3000 = 7000
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, ISOLATED, "3000"))
                    .when(new Withdraw("c1", ALICE, USDT, d("7000.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
        }
    }

    /** {@code available = wallet - isolatedMargin - crossInitialMargin + min(0, crossUnrealizedPnl)}, seen by Withdraw. */
    @Nested
    class AvailableForWithdrawals {

        private Object[] crossLongOneBtc() {
            return new Object[]{accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                    positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, CROSS, "0")};
        }

        @Test
        void subtractsACrossUnrealizedLossRefusingJustAboveAvailable() {
            // mark 29000: 10000 - 3000 + (29000 - 30000) = 6000
            market.mark(BTC, "29000");
            fixture.given(crossLongOneBtc())
                    .when(new Withdraw("c1", ALICE, USDT, d("6000.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
        }

        @Test
        void subtractsACrossUnrealizedLossAcceptingExactlyAvailable() {
            market.mark(BTC, "29000");
            fixture.given(crossLongOneBtc())
                    .when(new Withdraw("c1", ALICE, USDT, d("6000")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("6000"), d("4000"))));
        }

        @Test
        void doesNotAddACrossUnrealizedProfit() {
            // mark 31000: +1000 is not available; 10000 - 3000 = 7000
            market.mark(BTC, "31000");
            fixture.given(crossLongOneBtc())
                    .when(new Withdraw("c1", ALICE, USDT, d("7000.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
            fixture.given(crossLongOneBtc())
                    .when(new Withdraw("c1", ALICE, USDT, d("7000")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("7000"), d("3000"))));
        }

        @Test
        void nettesCrossProfitsAgainstCrossLossesBeforeTakingTheMinimum() {
            // BTC LONG -1000 at mark 29000, ETH SHORT 10 at 2000 +1000 at mark 1900: crossUnrealized 0.
            // 10000 - 3000 - 2000 + min(0, 0) = 5000.
            market.mark(BTC, "29000").mark(ETH, "1900");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, CROSS, "0"),
                            positionOpened(ALICE, "f1", ETH, SHORT, "10", "2000", "20000", 10, CROSS, "0"))
                    .when(new Withdraw("c1", ALICE, USDT, d("5000")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("5000"), d("5000"))));
        }

        @Test
        void doesNotSubtractAnIsolatedPositionsLoss() {
            // mark 20000 is a 10000 loss on an ISOLATED position: available stays 10000 - 3000.
            market.mark(BTC, "20000");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, ISOLATED, "3000"))
                    .when(new Withdraw("c1", ALICE, USDT, d("7000")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("7000"), d("3000"))));
        }

        @Test
        void valuesAPositionWithoutAMarkAtItsEntryPrice() {
            market.mark(ETH, "1");
            fixture.given(crossLongOneBtc())
                    .when(new Withdraw("c1", ALICE, USDT, d("7000.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
            fixture.given(crossLongOneBtc())
                    .when(new Withdraw("c1", ALICE, USDT, d("7000")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("7000"), d("3000"))));
        }

        @Test
        void roundsTheMarkValueOfAPositionHalfEven() {
            // LONG 0.5 at 30000 (15000, CROSS 10x: 1500); mark 29999.99999999: 0.5 * mark = 14999.999999995
            // -> 15000.00000000, unrealized 0, so available = 10000 - 1500 = 8500 exactly.
            market.mark(BTC, "29999.99999999");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "0.5", "30000", "15000", 10, CROSS, "0"))
                    .when(new Withdraw("c1", ALICE, USDT, d("8500")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("8500"), d("1500"))));
        }

        @Test
        void roundsTheCrossInitialMarginOfEachPosition() {
            // entryNotional 100 at 3x CROSS: round8(100/3) = 33.33333333; 1000 - 33.33333333 = 966.66666667.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "100", "100", 3, CROSS, "0"))
                    .when(new Withdraw("c1", ALICE, USDT, d("966.66666668")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "100", "100", 3, CROSS, "0"))
                    .when(new Withdraw("c1", ALICE, USDT, d("966.66666667")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, USDT, d("966.66666667"),
                            d("33.33333333"))));
        }

        @Test
        void countsOnlyPositionsSettledInTheWithdrawnAsset() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            new FundsDeposited(ALICE, "BTC", d("1"), d("1")),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, ISOLATED, "3000"))
                    .when(new Withdraw("c1", ALICE, "BTC", d("1")))
                    .expectEventsMatching(events(new FundsWithdrawn(ALICE, "BTC", d("1"), d("0"))));
        }
    }

    /** The refusals of a transfer that need at most one account. */
    @Nested
    class TransferCommandRefusals {

        @Test
        void refusesATransferToTheSameAccount() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Transfer("t1", ALICE, ALICE, USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.SAME_ACCOUNT_TRANSFER))
                    .expectNoEvents();
        }

        @Test
        void refusesATransferToAnotherUser() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Transfer("t1", ALICE, "bob:COPY", USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.CROSS_USER_TRANSFER))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @CsvSource({"alice:COPY,alice:ELITE", "alice:ELITE,alice:COPY", "alice:FUTURES,alice:LEGACY",
                "alice:LEGACY,alice:FUTURES", "alice:LEGACY,alice:COPY", "alice:COPY,alice:LEGACY"})
        void refusesDirectionsOtherThanFuturesToCopyOrEliteAndBack(String from, String to) {
            Fixtures.account(from, market)
                    .given(accountOpened(from), deposited(from, "1000", "1000"))
                    .when(new Transfer("t1", from, to, USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.TRANSFER_NOT_ALLOWED))
                    .expectNoEvents();
        }

        @Test
        void reportsAnInvalidAccountFirst() {
            fixture.given(accountOpened(ALICE))
                    .when(new Transfer("t1", ALICE, "alice:SPOT", USDT, d("0")))
                    .expectException(refusedWith(RejectionCode.INVALID_ACCOUNT))
                    .expectNoEvents();
        }

        @Test
        void reportsAnInvalidAmountBeforeTheSameAccount() {
            fixture.given(accountOpened(ALICE))
                    .when(new Transfer("t1", ALICE, ALICE, USDT, d("0")))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }

        @Test
        void reportsTheSameAccountBeforeTransferNotAllowed() {
            Fixtures.account("alice:COPY", market)
                    .given(accountOpened("alice:COPY"))
                    .when(new Transfer("t1", "alice:COPY", "alice:COPY", USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.SAME_ACCOUNT_TRANSFER))
                    .expectNoEvents();
        }

        @Test
        void reportsAnotherUserBeforeTransferNotAllowed() {
            Fixtures.account("alice:COPY", market)
                    .given(accountOpened("alice:COPY"))
                    .when(new Transfer("t1", "alice:COPY", "bob:ELITE", USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.CROSS_USER_TRANSFER))
                    .expectNoEvents();
        }

        @Test
        void reportsTransferNotAllowedBeforeAMissingAccount() {
            fixture.givenNoPriorActivity()
                    .when(new Transfer("t1", "alice:COPY", "alice:ELITE", USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.TRANSFER_NOT_ALLOWED))
                    .expectNoEvents();
        }

        @Test
        void refusesWhenTheSourceIsNotOpen() {
            Fixtures.account("alice:COPY", market)
                    .given(accountOpened("alice:COPY"))
                    .when(new Transfer("t1", ALICE, "alice:COPY", USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_NOT_FOUND))
                    .expectNoEvents();
        }

        @Test
        void refusesWhenTheTargetIsNotOpen() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"))
                    .when(new Transfer("t1", ALICE, "alice:COPY", USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_NOT_FOUND))
                    .expectNoEvents();
        }

        @Test
        void namesTheSourceWhenNeitherAccountIsOpen() {
            fixture.givenNoPriorActivity()
                    .when(new Transfer("t1", "alice:COPY", ALICE, USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_NOT_FOUND))
                    .expectExceptionMessage(startsWith("ACCOUNT_NOT_FOUND: alice:COPY "))
                    .expectNoEvents();
        }

        @Test
        void reportsAMissingTargetBeforeInsufficientFundsOfTheSource() {
            fixture.given(accountOpened(ALICE))
                    .when(new Transfer("t1", ALICE, "alice:COPY", USDT, d("1")))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_NOT_FOUND))
                    .expectNoEvents();
        }
    }
}
